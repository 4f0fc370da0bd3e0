/**
 * A profile store that keeps the audience index in step (issue 20, shared/journeys/audiences.ts):
 * every profile write also writes the membership items of the scheduled journeys' audiences it
 * changes — a segment entered or left, or a member's time zone moved. Only changes cost writes
 * (one unit per item and one in the keys-only index); a write that moves nothing writes nothing more.
 *
 * Order makes a crash harmless: new memberships are written before the profile, removed ones
 * after it. A crash in between leaves a membership too many, never one too few — and a stale
 * membership only makes the pass enqueue a `schedule` message that process-events answers by
 * checking the audience on the profile itself (engine.ts), so nobody enters who is not a member.
 *
 * What the profile was before the write is the profile this store last read or wrote at the
 * expected version (writers read, change, then write); without it, the customer's membership
 * items are read (one Query).
 *
 * Before its first write the store tells the index which audiences it keeps (AudienceIndex.retain):
 * a segment the backfill covered that is no audience here any more loses its covered state, since
 * from this write on its memberships can go stale — so when a journey targets it again the pass
 * scans until the backfill has run again (not reads an index missing whoever joined meanwhile).
 * Every writer that can change a segment or a zone is wrapped, also with no audiences at all.
 */
import { membershipChanges, membershipsOf } from '../journeys/audiences.js';
import type { AudienceIndex, ProfileStore, WriteReceipt } from '../ports.js';
import type { Profile } from './schema.js';

/** Profiles remembered between a read and its write; a warm Lambda handles far fewer customers at once. */
const REMEMBERED = 2_000;

export class AudienceMembershipStore implements ProfileStore {
  private readonly seen = new Map<string, Map<string, string> & { version?: number }>();
  /** The one retain call before the first write (again after a failure). */
  private retained: Promise<unknown> | undefined;

  constructor(
    private readonly store: ProfileStore,
    private readonly index: AudienceIndex,
    private readonly audiences: readonly string[],
  ) {}

  async getProfile(customerId: string): Promise<Profile | undefined> {
    const profile = await this.store.getProfile(customerId);
    this.remember(customerId, profile);
    return profile;
  }

  async getProfiles(customerIds: readonly string[]): Promise<Map<string, Profile>> {
    const profiles = await this.store.getProfiles(customerIds);
    for (const id of customerIds) this.remember(id, profiles.get(id));
    return profiles;
  }

  async putProfile(
    profile: Profile,
    expectedVersion: number | undefined,
  ): Promise<{ profile: Profile; receipt: WriteReceipt }> {
    this.retained ??= this.index.retain(this.audiences).catch((error: unknown) => {
      this.retained = undefined;
      throw error;
    });
    await this.retained;
    const before = await this.before(profile.id, expectedVersion);
    const { put, remove } = membershipChanges(before, membershipsOf(profile, this.audiences));
    let units = put.length > 0 ? (await this.index.apply(profile.id, { put, remove: [] })).capacityUnits : 0;
    const written = await this.store.putProfile(profile, expectedVersion);
    if (remove.length > 0) units += (await this.index.apply(profile.id, { put: [], remove })).capacityUnits;
    this.remember(profile.id, written.profile);
    return { profile: written.profile, receipt: { capacityUnits: written.receipt.capacityUnits + units } };
  }

  private async before(customerId: string, expectedVersion: number | undefined): Promise<Map<string, string>> {
    if (this.audiences.length === 0) return new Map();
    const seen = this.seen.get(customerId);
    if (seen !== undefined && seen.version === expectedVersion) return seen;
    // A first write: no profile, so no memberships (an expired anonymous copy's are left as stale ones).
    if (expectedVersion === undefined) return new Map();
    return this.index.current(customerId);
  }

  private remember(customerId: string, profile: Profile | undefined): void {
    const memberships: Map<string, string> & { version?: number } = membershipsOf(profile, this.audiences);
    if (profile !== undefined) memberships.version = profile.version;
    this.seen.delete(customerId);
    this.seen.set(customerId, memberships);
    if (this.seen.size > REMEMBERED) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }
}
