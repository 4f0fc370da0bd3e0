/**
 * Writes imported profiles to the profile store. A customer who already has a profile keeps it:
 * only what it lacks is filled in (address, consent, name, locale, timezone, traits, devices), so
 * running the import twice, or after events arrived, never loses data. Each write is conditional
 * on the version read and retried on a conflict (version-retry.ts).
 */
import type { ProfileStore } from '../../ports.js';
import type { Profile } from '../../profiles/schema.js';
import { withVersionRetry } from '../../profiles/version-retry.js';

export interface LoadSummary {
  created: number;
  updated: number;
}

export async function loadProfiles(
  store: ProfileStore,
  profiles: readonly Profile[],
  options: { concurrency: number; onProgress?: (done: number, total: number) => void },
): Promise<LoadSummary> {
  const summary: LoadSummary = { created: 0, updated: 0 };
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < profiles.length) {
      const imported = profiles[next++] as Profile;
      await withVersionRetry(async () => {
        const existing = await store.getProfile(imported.id);
        await store.putProfile(existing ? mergeImported(existing, imported) : imported, existing?.version);
        summary[existing ? 'updated' : 'created'] += 1;
      });
      options.onProgress?.(++done, profiles.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  return summary;
}

/** The stored profile with what the import adds; stored values win. */
export function mergeImported(existing: Profile, imported: Profile): Profile {
  const tokens = new Set(existing.channels.push.map((device) => device.token));
  return {
    ...existing,
    name: { ...imported.name, ...existing.name },
    ...(existing.locale ?? imported.locale ? { locale: existing.locale ?? imported.locale } : {}),
    ...(existing.timezone ?? imported.timezone ? { timezone: existing.timezone ?? imported.timezone } : {}),
    traits: { ...imported.traits, ...existing.traits },
    channels: {
      ...imported.channels,
      ...existing.channels,
      push: [...existing.channels.push, ...imported.channels.push.filter((device) => !tokens.has(device.token))],
    },
    consent: { ...imported.consent, ...existing.consent },
  };
}
