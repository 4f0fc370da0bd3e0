/**
 * `sadakat import pinpoint --endpoints … --load --data-dir D` into the embedded engine (dynalite),
 * read back with `sadakat profile`: what a Pinpoint user finds after moving their endpoints.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerImport } from '../../cli/commands/import.js';
import { registerProfile } from '../../cli/commands/profile.js';
import type { Profile } from '../../shared/profiles/schema.js';
import { runCli } from '../cli-harness.js';
import { pinpointEndpointsNdjson } from '../fixtures/pinpoint/endpoints.js';

const sadakat = (...args: string[]) => runCli([registerImport, registerProfile], args);

let dir: string;
let dataDir: string;
let endpoints: string;
let firstLoad: string;
const profiles = new Map<string, Profile>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pinpoint-load-'));
  dataDir = join(dir, 'data');
  endpoints = join(dir, 'endpoints.ndjson');
  await writeFile(endpoints, pinpointEndpointsNdjson);
  const load = await sadakat(
    'import',
    'pinpoint',
    '--endpoints',
    endpoints,
    '--load',
    '--data-dir',
    dataDir,
    '--engine',
    'dynalite',
  );
  if (load.error) throw load.error;
  firstLoad = load.stdout;
  for (const id of ['ayse', 'mehmet', 'ep-anonymous']) {
    const read = await sadakat('profile', id, '--data-dir', dataDir);
    if (read.error) throw read.error;
    profiles.set(id, JSON.parse(read.stdout) as Profile);
  }
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sadakat import pinpoint --load into the local data folder', () => {
  it('groups six endpoints into three profiles and says so', () => {
    expect(firstLoad).toContain(
      '6 endpoints (EMAIL 2, SMS 2, APNS 1, GCM 1) → 3 profiles; 1 opted out, 2 inactive, 0 lines skipped',
    );
    expect(firstLoad).toContain(`loaded into ${dataDir}: 3 new profiles, 0 existing profiles filled in, 0 unchanged`);
    expect(firstLoad).toContain('1 addresses not kept (their attributes still reach the profiles): 1 inactive');
  });

  it('keeps the email address of an endpoint that opted out, with consent refused', () => {
    const ayse = profiles.get('ayse');
    expect(ayse?.channels.email).toBe('ayse@example.com');
    expect(ayse?.consent.email).toEqual({ granted: false, at: '2025-06-01T10:00:00.000Z' });
    expect(ayse?.consent.sms).toEqual({ granted: true, at: '2025-06-02T10:00:00.000Z' });
  });

  it('puts the phone and the iOS device of the same user on one profile', () => {
    const ayse = profiles.get('ayse');
    expect(ayse?.channels.phone).toBe('+905551112233');
    expect(ayse?.channels.push).toEqual([
      { token: 'apns-token-ayse', platform: 'ios', enabled: true, at: '2025-06-03T10:00:00.000Z' },
    ]);
  });

  it('carries timezone, locale, name, location and attributes over', () => {
    const ayse = profiles.get('ayse');
    expect(ayse).toMatchObject({
      timezone: 'Europe/Istanbul',
      locale: 'tr-TR',
      name: { first: 'Ayşe', last: 'Yılmaz' },
    });
    expect(ayse?.traits).toMatchObject({ city: 'Izmir', country: 'TR', Tier: 'gold', Interests: 'shoes,bags' });
  });

  it('keeps no address of an INACTIVE email endpoint and disables an INACTIVE device', () => {
    const mehmet = profiles.get('mehmet');
    expect(mehmet?.channels.email).toBeUndefined();
    expect(mehmet?.channels.push).toEqual([
      { token: 'fcm-token-mehmet', platform: 'android', enabled: false, at: '2025-07-02T10:00:00.000Z' },
    ]);
    expect(mehmet?.timezone).toBe('Europe/Berlin');
  });

  it('makes a profile of an endpoint with no user, under the endpoint id', () => {
    expect(profiles.get('ep-anonymous')).toMatchObject({ channels: { phone: '+905559998877' }, traits: { visits: 4 } });
  });

  it('writes nothing the second time: every profile unchanged, versions kept', async () => {
    // Act
    const again = await sadakat('import', 'pinpoint', '--endpoints', endpoints, '--load', '--data-dir', dataDir);
    const ayse = await sadakat('profile', 'ayse', '--data-dir', dataDir);

    // Assess
    expect(again.stdout).toContain('0 new profiles, 0 existing profiles filled in, 3 unchanged');
    expect((JSON.parse(ayse.stdout) as Profile).version).toBe(profiles.get('ayse')?.version);
  }, 30_000);
});
