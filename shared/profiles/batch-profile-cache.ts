/**
 * A profile store decorator for one batch of messages: a customer's messages arrive together
 * (one FIFO group), so the profile a write just produced is the one the next message would read.
 * Serving it from memory saves a read per message after the first. It is safe because every
 * write stays conditional on the version: if anything else wrote in between, the write fails
 * with a version conflict, the entry is dropped, and the retry reads the table again.
 */
import { VersionConflictError, type ProfileStore, type WriteReceipt } from '../ports.js';
import type { Profile } from './schema.js';

export class BatchProfileCache implements ProfileStore {
  private readonly written = new Map<string, Profile>();

  constructor(private readonly store: ProfileStore) {}

  async getProfile(customerId: string): Promise<Profile | undefined> {
    const cached = this.written.get(customerId);
    return cached ? structuredClone(cached) : this.store.getProfile(customerId);
  }

  getProfiles(customerIds: readonly string[]): Promise<Map<string, Profile>> {
    return this.store.getProfiles(customerIds);
  }

  async putProfile(
    profile: Profile,
    expectedVersion: number | undefined,
  ): Promise<{ profile: Profile; receipt: WriteReceipt }> {
    try {
      const result = await this.store.putProfile(profile, expectedVersion);
      this.written.set(profile.id, structuredClone(result.profile));
      return result;
    } catch (error) {
      if (error instanceof VersionConflictError) this.written.delete(profile.id);
      throw error;
    }
  }
}
