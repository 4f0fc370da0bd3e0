/**
 * A profile store with a bug (the reliability suites' poison messages): every write of a profile
 * that `breaks` picks throws, as a real bug would, while `broken`; fixing it lets writes through.
 */
import type { ProfileStore, WriteReceipt } from '../../shared/ports.js';
import type { Profile } from '../../shared/profiles/schema.js';

export class BrokenProfileStore implements ProfileStore {
  broken = true;

  constructor(
    private readonly inner: ProfileStore,
    private readonly breaks: (profile: Profile) => boolean,
  ) {}

  getProfile(customerId: string): Promise<Profile | undefined> {
    return this.inner.getProfile(customerId);
  }

  getProfiles(customerIds: readonly string[]): Promise<Map<string, Profile>> {
    return this.inner.getProfiles(customerIds);
  }

  putProfile(
    profile: Profile,
    expectedVersion: number | undefined,
  ): Promise<{ profile: Profile; receipt: WriteReceipt }> {
    if (this.broken && this.breaks(profile))
      throw new TypeError('Cannot read properties of undefined (reading "count")');
    return this.inner.putProfile(profile, expectedVersion);
  }
}
