import { describe, expect, it } from 'vitest';
import { loadProfiles, mergeImported } from '../../../shared/migration/pinpoint/load-profiles.js';
import { emptyProfile, type Profile } from '../../../shared/profiles/schema.js';
import { InMemoryProfileStore } from '../../fakes/in-memory-ports.js';

const AT = '2026-11-01T00:00:00.000Z';
const LATER = '2026-11-05T00:00:00.000Z';

function profile(id: string, overrides: Partial<Profile> = {}): Profile {
  return { ...emptyProfile(id, AT), ...overrides };
}

describe('loading imported profiles', () => {
  it('creates new profiles and fills in existing ones, reporting progress', async () => {
    // Prepare
    const store = new InMemoryProfileStore();
    store.items.set('u1', profile('u1', { traits: { Tier: 'silver' }, version: 3 }));
    const progress: number[] = [];

    // Act
    const summary = await loadProfiles(store, [profile('u1', { traits: { City: 'Izmir' } }), profile('u2')], {
      concurrency: 2,
      onProgress: (done) => progress.push(done),
    });

    // Assess
    expect(summary).toEqual({ created: 1, updated: 1, unchanged: 0 });
    expect(store.items.get('u1')).toMatchObject({ version: 4, traits: { Tier: 'silver', City: 'Izmir' } });
    expect(progress).toEqual([1, 2]);
  });

  it('writes nothing and keeps versions when the same export is loaded again', async () => {
    // Prepare
    const store = new InMemoryProfileStore();
    const imported = [
      profile('u1', { channels: { email: 'a@example.com', push: [] }, consent: { email: { granted: false, at: AT } } }),
      profile('u2'),
    ];
    await loadProfiles(store, imported, { concurrency: 2 });
    const writes = store.writes;

    // Act
    const again = await loadProfiles(store, imported, { concurrency: 2 });

    // Assess
    expect(again).toEqual({ created: 0, updated: 0, unchanged: 2 });
    expect(store.writes).toBe(writes);
    expect(store.items.get('u1')?.version).toBe(0);
  });

  it('reads profiles in batches of the given size', async () => {
    // Prepare
    const store = new InMemoryProfileStore();
    const batches: number[] = [];
    const getProfiles = store.getProfiles.bind(store);
    store.getProfiles = async (ids) => {
      batches.push(ids.length);
      return getProfiles(ids);
    };

    // Act
    await loadProfiles(
      store,
      ['a', 'b', 'c', 'd', 'e'].map((id) => profile(id)),
      { concurrency: 2, batchSize: 2 },
    );

    // Assess
    expect(batches).toEqual([2, 2, 1]);
  });

  it('re-reads and retries when the profile changed between read and write', async () => {
    // Prepare
    const store = new InMemoryProfileStore();
    store.items.set('u1', profile('u1', { version: 0 }));
    let raced = false;
    store.beforePut = (written) => {
      // An event lands between the import's read and its write, once.
      if (raced) return;
      raced = true;
      store.items.set(written.id, profile('u1', { traits: { Seen: true }, version: 1 }));
    };

    // Act
    await loadProfiles(store, [profile('u1', { traits: { City: 'Izmir' } })], { concurrency: 1 });

    // Assess
    expect(store.items.get('u1')).toMatchObject({ version: 2, traits: { Seen: true, City: 'Izmir' } });
  });

  it('merges a new profile created by an event after the batch read instead of overwriting it', async () => {
    // Prepare
    const store = new InMemoryProfileStore();
    let raced = false;
    store.beforePut = (written) => {
      if (raced) return;
      raced = true;
      store.items.set(written.id, profile('u1', { traits: { Seen: true }, version: 0 }));
    };

    // Act
    const summary = await loadProfiles(store, [profile('u1', { traits: { City: 'Izmir' } })], { concurrency: 1 });

    // Assess
    expect(summary).toEqual({ created: 0, updated: 1, unchanged: 0 });
    expect(store.items.get('u1')).toMatchObject({ version: 1, traits: { Seen: true, City: 'Izmir' } });
  });
});

describe('merging an imported profile into a stored one', () => {
  it('keeps stored values and event data, filling in only what is missing', () => {
    // Prepare
    const stored = profile('u1', {
      channels: { email: 'new@example.com', push: [{ token: 't1', platform: 'ios', enabled: true, at: AT }] },
      name: { first: 'Ayşe' },
      events: { 'Order Completed': { lastAt: LATER, count: 2, daily: {}, hourly: {} } },
      version: 7,
    });
    const imported = profile('u1', {
      channels: {
        email: 'old@example.com',
        phone: '+905551112233',
        push: [
          { token: 't1', platform: 'ios', enabled: false, at: AT },
          { token: 't2', platform: 'android', enabled: true, at: AT },
        ],
      },
      name: { first: 'Ayse', last: 'Yılmaz' },
      timezone: 'Europe/Istanbul',
    });

    // Act
    const merged = mergeImported(stored, imported);

    // Assess
    expect(merged.channels.email).toBe('new@example.com');
    expect(merged.channels.phone).toBe('+905551112233');
    expect(merged.channels.push.map((device) => [device.token, device.enabled])).toEqual([
      ['t1', true],
      ['t2', true],
    ]);
    expect(merged.name).toEqual({ first: 'Ayşe', last: 'Yılmaz' });
    expect(merged.timezone).toBe('Europe/Istanbul');
    expect(merged.events).toEqual(stored.events);
    expect(merged.version).toBe(7);
  });

  it('takes the imported consent only when it was decided later than the stored one', () => {
    // Prepare
    const stored = profile('u1', { consent: { email: { granted: true, at: AT }, sms: { granted: false, at: LATER } } });
    const imported = profile('u1', {
      consent: { email: { granted: false, at: LATER }, sms: { granted: true, at: AT } },
    });

    // Act
    const merged = mergeImported(stored, imported);

    // Assess
    expect(merged.consent).toEqual({ email: { granted: false, at: LATER }, sms: { granted: false, at: LATER } });
  });
});
