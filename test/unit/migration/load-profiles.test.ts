import { describe, expect, it } from 'vitest';
import { loadProfiles } from '../../../shared/migration/pinpoint/load-profiles.js';
import { emptyProfile } from '../../../shared/profiles/schema.js';
import { InMemoryProfileStore } from '../../fakes/in-memory-ports.js';

const AT = '2026-11-01T00:00:00.000Z';

describe('loading imported profiles', () => {
  it('creates new profiles and fills in existing ones, reporting progress', async () => {
    const store = new InMemoryProfileStore();
    store.items.set('u1', { ...emptyProfile('u1', AT), traits: { Tier: 'silver' }, version: 3 });
    const progress: number[] = [];
    const summary = await loadProfiles(store, [{ ...emptyProfile('u1', AT), traits: { City: 'Izmir' } }, emptyProfile('u2', AT)], { concurrency: 2, onProgress: (done) => progress.push(done) });
    expect(summary).toEqual({ created: 1, updated: 1 });
    expect(store.items.get('u1')).toMatchObject({ version: 4, traits: { Tier: 'silver', City: 'Izmir' } });
    expect(progress).toEqual([1, 2]);
  });

  it('re-reads and retries when the profile changed between read and write', async () => {
    const store = new InMemoryProfileStore();
    store.items.set('u1', { ...emptyProfile('u1', AT), version: 0 });
    let raced = false;
    store.beforePut = (profile) => {
      // An event lands between the import's read and its write, once.
      if (raced) return;
      raced = true;
      store.items.set(profile.id, { ...emptyProfile('u1', AT), traits: { Seen: true }, version: 1 });
    };
    await loadProfiles(store, [{ ...emptyProfile('u1', AT), traits: { City: 'Izmir' } }], { concurrency: 1 });
    expect(store.items.get('u1')).toMatchObject({ version: 2, traits: { Seen: true, City: 'Izmir' } });
  });
});
