/** The per-batch profile cache saves reads without ever letting a stale profile be written. */
import { describe, expect, it } from 'vitest';
import { VersionConflictError } from '../../../shared/ports.js';
import { BatchProfileCache } from '../../../shared/profiles/batch-profile-cache.js';
import { emptyProfile } from '../../../shared/profiles/schema.js';
import { InMemoryProfileStore } from '../../fakes/in-memory-ports.js';

const at = '2026-11-02T10:00:00.000Z';

/** Counts the store's profile reads from now on. */
function countReads(store: InMemoryProfileStore): { count: number } {
  const reads = { count: 0 };
  const getProfile = store.getProfile.bind(store);
  store.getProfile = (id) => {
    reads.count++;
    return getProfile(id);
  };
  return reads;
}

describe('BatchProfileCache', () => {
  it('reads ahead the profiles of a batch in one request and serves them without reading again', async () => {
    // Prepare
    const store = new InMemoryProfileStore();
    await store.putProfile(emptyProfile('c1', at), undefined);
    await store.putProfile(emptyProfile('c2', at), undefined);
    const reads = countReads(store);
    let batchReads = 0;
    const getProfiles = store.getProfiles.bind(store);
    store.getProfiles = (ids) => (batchReads++, getProfiles(ids));
    const cache = new BatchProfileCache(store);

    // Act
    await cache.prefetch(['c1', 'c2', 'c1', 'c3']);
    const served = [await cache.getProfile('c1'), await cache.getProfile('c2'), await cache.getProfile('c3')];

    // Assess
    expect(served.map((profile) => profile?.id)).toEqual(['c1', 'c2', undefined]);
    expect(batchReads).toBe(1);
    expect(reads.count).toBe(1);
  });

  it('reads nothing ahead when the read fails, and each profile is then read alone', async () => {
    // Prepare
    const store = new InMemoryProfileStore();
    await store.putProfile(emptyProfile('c1', at), undefined);
    store.getProfiles = () => Promise.reject(new Error('throttled'));
    const cache = new BatchProfileCache(store);

    // Act
    await cache.prefetch(['c1']);
    const served = await cache.getProfile('c1');

    // Assess
    expect(served?.id).toBe('c1');
  });

  it('serves the profile it just wrote without reading the store again', async () => {
    // Prepare
    const store = new InMemoryProfileStore();
    const reads = countReads(store);
    const cache = new BatchProfileCache(store);
    await cache.putProfile(emptyProfile('c1', at), undefined);

    // Act
    const served = await cache.getProfile('c1');

    // Assess
    expect(served?.version).toBe(0);
    expect(reads.count).toBe(0);
  });

  it('reads a profile from the store once per batch, and not again for the write that follows', async () => {
    // Prepare
    const store = new InMemoryProfileStore();
    await store.putProfile(emptyProfile('c1', at), undefined);
    const reads = countReads(store);
    const cache = new BatchProfileCache(store);

    // Act
    const first = (await cache.getProfile('c1'))!;
    first.traits.changed = true;
    const second = (await cache.getProfile('c1'))!;
    await cache.putProfile({ ...second, traits: { vip: true } }, second.version);
    const missing = [await cache.getProfile('c2'), await cache.getProfile('c2')];

    // Assess
    expect(reads.count).toBe(3);
    expect(second.traits).toEqual({});
    expect(missing).toEqual([undefined, undefined]);
    expect(store.items.get('c1')?.traits).toEqual({ vip: true });
  });

  it('drops a copy it read when the write loses the version race, so the retry reads the winner', async () => {
    // Prepare: another writer moves the stored profile on after this cache read it
    const store = new InMemoryProfileStore();
    await store.putProfile(emptyProfile('c1', at), undefined);
    const cache = new BatchProfileCache(store);
    const read = (await cache.getProfile('c1'))!;
    const stored = store.items.get('c1')!;
    store.items.set('c1', { ...stored, traits: { vip: true }, version: stored.version + 1 });

    // Act
    const write = cache.putProfile({ ...read, traits: { vip: false } }, read.version);

    // Assess
    await expect(write).rejects.toBeInstanceOf(VersionConflictError);
    expect((await cache.getProfile('c1'))?.traits).toEqual({ vip: true });
  });

  it('drops its copy when a write loses the version race, so the retry reads the winner', async () => {
    // Prepare: another writer moves the stored profile on after this cache wrote it
    const store = new InMemoryProfileStore();
    const cache = new BatchProfileCache(store);
    await cache.putProfile(emptyProfile('c1', at), undefined);
    const stored = store.items.get('c1')!;
    store.items.set('c1', { ...stored, traits: { vip: true }, version: 1 });
    const stale = (await cache.getProfile('c1'))!;

    // Act
    const write = cache.putProfile({ ...stale, traits: { vip: false } }, stale.version);

    // Assess
    await expect(write).rejects.toBeInstanceOf(VersionConflictError);
    expect((await cache.getProfile('c1'))?.traits).toEqual({ vip: true });
  });

  it('hands out copies, so a caller changing one cannot change the cache', async () => {
    // Prepare
    const cache = new BatchProfileCache(new InMemoryProfileStore());
    await cache.putProfile(emptyProfile('c1', at), undefined);

    // Act
    const first = (await cache.getProfile('c1'))!;
    first.traits.changed = true;

    // Assess
    expect((await cache.getProfile('c1'))?.traits).toEqual({});
  });
});
