/**
 * Writes imported profiles to a profile store: the embedded engine's or the AWS table's (both
 * DynamoProfileStore). Profiles are read in batches (getProfiles: BatchGetItem, 100 keys, the
 * unprocessed ones resent) and written one conditional UpdateItem each, several at a time.
 * BatchWriteItem is not used on purpose: it cannot carry a condition, so a profile created by a
 * live event between the read and the write would be overwritten (the cost, 1 WCU per profile,
 * is the same either way).
 *
 * Merge rule (the import can be repeated, also after events arrived): a stored profile wins field
 * by field; the import only fills in what it lacks (address, name, locale, timezone, traits, push
 * devices by token). Consent is the exception: per channel the decision with the later time wins,
 * so an OptOut recorded in Pinpoint after the stored consent lands, and a later unsubscribe in
 * sadakat is kept. A profile the import would not change is not written, so its version stays.
 *
 * Audience memberships (issue 20): the import never changes a profile's segments (it fills in
 * data; process-events evaluates segments on the customer's next event), but it can give an
 * existing profile its first time zone, which moves its memberships to that zone's bucket — so
 * after such a write the customer's membership items are read and moved (a Query, and a write per
 * membership, only for those profiles). A new profile has no segments, so no memberships. A crash
 * between the two writes leaves the memberships in the old bucket until the next backfill.
 */
import { isDeepStrictEqual } from 'node:util';
import { timezoneBucket } from '../../journeys/audiences.js';
import type { AudienceIndex, ProfileStore } from '../../ports.js';
import type { Consent, Profile } from '../../profiles/schema.js';
import { withVersionRetry } from '../../profiles/version-retry.js';

export interface LoadSummary {
  created: number;
  updated: number;
  /** Already held everything the import brings: not written, version kept. */
  unchanged: number;
}

export interface LoadOptions {
  /** Profiles written at the same time. */
  concurrency: number;
  /** Profiles read per getProfiles call (BatchGetItem takes at most 100 keys). */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  /** The table's audience index: memberships follow a profile given its first time zone. */
  audiences?: Pick<AudienceIndex, 'current' | 'apply'>;
}

const DEFAULT_BATCH_SIZE = 100;

export async function loadProfiles(
  store: ProfileStore,
  profiles: readonly Profile[],
  options: LoadOptions,
): Promise<LoadSummary> {
  const summary: LoadSummary = { created: 0, updated: 0, unchanged: 0 };
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  let done = 0;
  for (let start = 0; start < profiles.length; start += batchSize) {
    const batch = profiles.slice(start, start + batchSize);
    const stored = await store.getProfiles(batch.map((profile) => profile.id));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batch.length) {
        const imported = batch[next++] as Profile;
        const outcome = await writeOne(store, imported, stored.get(imported.id), options.audiences);
        summary[outcome] += 1;
        options.onProgress?.(++done, profiles.length);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, batch.length)) }, worker));
  }
  return summary;
}

/** One profile: the batch read first; after a lost race, re-read alone and merge again. */
async function writeOne(
  store: ProfileStore,
  imported: Profile,
  readInBatch: Profile | undefined,
  audiences: LoadOptions['audiences'],
): Promise<keyof LoadSummary> {
  let existing: Profile | undefined = readInBatch;
  let first = true;
  return withVersionRetry(async () => {
    if (!first) existing = await store.getProfile(imported.id);
    first = false;
    if (!existing) {
      await store.putProfile(imported, undefined);
      return 'created';
    }
    const merged = mergeImported(existing, imported);
    if (isDeepStrictEqual(merged, existing)) return 'unchanged';
    await store.putProfile(merged, existing.version);
    const bucket = timezoneBucket(merged.timezone);
    if (audiences && bucket !== timezoneBucket(existing.timezone)) await moveMemberships(audiences, merged.id, bucket);
    return 'updated';
  });
}

/** The customer's audience memberships, moved to `bucket` (their zone's). */
async function moveMemberships(
  audiences: NonNullable<LoadOptions['audiences']>,
  customerId: string,
  bucket: string,
): Promise<void> {
  const moved = [...(await audiences.current(customerId))]
    .filter(([, from]) => from !== bucket)
    .map(([segment]) => ({ segment, bucket }));
  if (moved.length > 0) await audiences.apply(customerId, { put: moved, remove: [] });
}

/** The stored profile with what the import adds (see the merge rule above). */
export function mergeImported(existing: Profile, imported: Profile): Profile {
  const tokens = new Set(existing.channels.push.map((device) => device.token));
  const email = existing.channels.email ?? imported.channels.email;
  const phone = existing.channels.phone ?? imported.channels.phone;
  const first = existing.name.first ?? imported.name.first;
  const last = existing.name.last ?? imported.name.last;
  const locale = existing.locale ?? imported.locale;
  const timezone = existing.timezone ?? imported.timezone;
  const consent: Profile['consent'] = { ...existing.consent };
  for (const channel of ['email', 'sms', 'push'] as const) {
    const decided = laterConsent(existing.consent[channel], imported.consent[channel]);
    if (decided) consent[channel] = decided;
  }
  const added = imported.channels.push.filter((device) => !tokens.has(device.token));
  return {
    ...existing,
    name: { ...existing.name, ...(first !== undefined ? { first } : {}), ...(last !== undefined ? { last } : {}) },
    ...(locale !== undefined ? { locale } : {}),
    ...(timezone !== undefined ? { timezone } : {}),
    traits: { ...imported.traits, ...existing.traits },
    channels: {
      ...existing.channels,
      ...(email !== undefined ? { email } : {}),
      ...(phone !== undefined ? { phone } : {}),
      push: added.length > 0 ? [...existing.channels.push, ...added] : existing.channels.push,
    },
    consent,
  };
}

/** The stored decision unless the imported one is strictly later. */
function laterConsent(stored: Consent | undefined, imported: Consent | undefined): Consent | undefined {
  if (!imported) return stored;
  if (!stored) return imported;
  return Date.parse(imported.at) > Date.parse(stored.at) ? imported : stored;
}
