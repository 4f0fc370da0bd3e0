/**
 * A profile store decorator for one batch of messages: a customer's messages arrive together
 * (one FIFO group), so the profile a write just produced is the one the next message would read.
 * Serving it from memory saves a read per message after the first, and the second read of a
 * message that reads before it writes (a `wake` reads the profile for its journey, then the
 * journey's assignment is a read-modify-write). It is safe because every
 * write stays conditional on the version: if anything else wrote in between, the write fails
 * with a version conflict, the entry is dropped, and the retry reads the table again.
 */
import { VersionConflictError, type ProfileStore, type WriteReceipt } from '../ports.js';
import type { Profile } from './schema.js';

export class BatchProfileCache implements ProfileStore {
  /** The profile as last read or written in this batch, by customer id. */
  private readonly known = new Map<string, Profile>();

  constructor(private readonly store: ProfileStore) {}

  async getProfile(customerId: string): Promise<Profile | undefined> {
    const cached = this.known.get(customerId);
    if (cached) return structuredClone(cached);
    const stored = await this.store.getProfile(customerId);
    if (stored) this.known.set(customerId, structuredClone(stored));
    return stored;
  }

  /**
   * Reads these customers' profiles ahead in one request (decision 256), for the messages that
   * would each read theirs; a failed read leaves nothing read ahead.
   */
  async prefetch(customerIds: readonly string[]): Promise<void> {
    const unknown = [...new Set(customerIds)].filter((id) => !this.known.has(id));
    if (unknown.length === 0) return;
    const profiles = await this.store.getProfiles(unknown).catch(() => new Map<string, Profile>());
    for (const [id, profile] of profiles) if (!this.known.has(id)) this.known.set(id, profile);
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
      this.known.set(profile.id, structuredClone(result.profile));
      return result;
    } catch (error) {
      if (error instanceof VersionConflictError) this.known.delete(profile.id);
      throw error;
    }
  }
}
