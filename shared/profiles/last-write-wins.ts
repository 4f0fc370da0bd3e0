/**
 * Identify-set fields and nightly scores are last-write-wins by the time of the write, kept in
 * `fieldTimes[path]` (epoch seconds, fraction = milliseconds): a late, older identify never
 * overwrites a newer value but does fill a field not set yet. Two writes of the same instant are
 * decided by comparing the values' JSON, so the result never depends on arrival order.
 */
import type { Clv, Profile, Rfm, TraitValue } from './schema.js';

export type FieldPath =
  | 'channels.email'
  | 'channels.phone'
  | 'name.first'
  | 'name.last'
  | 'timezone'
  | 'locale'
  | 'rfm'
  | 'clv'
  | 'recommendations'
  | `traits.${string}`;

export type FieldValue = TraitValue | Rfm | Clv | string[];

/**
 * Custom traits kept per profile, by count and by JSON size: a new key beyond either is ignored
 * (the earlier keys stay), so traits can never crowd event history out of the 8 KB budget.
 */
export const MAX_TRAITS = 40;
export const MAX_TRAITS_BYTES = 2048;

/** Writes `value` at `path` unless a newer (or same-instant, greater) value is there. Mutates `profile`. */
export function writeIfNewer(profile: Profile, path: FieldPath, value: FieldValue, time: number): void {
  const currentTime = profile.fieldTimes[path];
  if (
    currentTime !== undefined &&
    (time < currentTime || (time === currentTime && !greater(value, readField(profile, path))))
  )
    return;
  if (isTrait(path) && !traitFits(profile, path, value)) return;
  writeField(profile, path, value);
  profile.fieldTimes[path] = time;
}

/** Folds `source`'s last-write-wins fields into `merged` (a copy of the target). */
export function mergeFields(merged: Profile, source: Profile): void {
  for (const path of Object.keys(source.fieldTimes).sort() as FieldPath[]) {
    const value = readField(source, path);
    const time = source.fieldTimes[path];
    if (value !== undefined && time !== undefined) writeIfNewer(merged, path, value, time);
  }
  // Fields written before fieldTimes existed: fill only what the target lacks.
  for (const path of [...FIXED_PATHS, ...Object.keys(source.traits).map((key) => `traits.${key}` as const)]) {
    const value = readField(source, path);
    if (value !== undefined && source.fieldTimes[path] === undefined && readField(merged, path) === undefined) {
      if (isTrait(path) && !traitFits(merged, path, value)) continue;
      writeField(merged, path, value);
    }
  }
}

const FIXED_PATHS: readonly FieldPath[] = [
  'channels.email',
  'channels.phone',
  'name.first',
  'name.last',
  'timezone',
  'locale',
  'rfm',
  'clv',
  'recommendations',
];

export function readField(profile: Profile, path: FieldPath): FieldValue | undefined {
  switch (path) {
    case 'channels.email':
      return profile.channels.email;
    case 'channels.phone':
      return profile.channels.phone;
    case 'name.first':
      return profile.name.first;
    case 'name.last':
      return profile.name.last;
    case 'timezone':
      return profile.timezone;
    case 'locale':
      return profile.locale;
    case 'rfm':
      return profile.rfm;
    case 'clv':
      return profile.clv;
    case 'recommendations':
      return profile.fieldTimes.recommendations !== undefined ? profile.recommendations : undefined;
    default:
      return Object.hasOwn(profile.traits, traitKey(path)) ? profile.traits[traitKey(path)] : undefined;
  }
}

function writeField(profile: Profile, path: FieldPath, value: FieldValue): void {
  switch (path) {
    case 'channels.email':
    case 'channels.phone':
    case 'name.first':
    case 'name.last':
    case 'timezone':
    case 'locale': {
      if (typeof value !== 'string') return;
      if (path === 'channels.email') profile.channels.email = value;
      else if (path === 'channels.phone') profile.channels.phone = value;
      else if (path === 'name.first') profile.name.first = value;
      else if (path === 'name.last') profile.name.last = value;
      else if (path === 'timezone') profile.timezone = value;
      else profile.locale = value;
      return;
    }
    case 'rfm':
      profile.rfm = value as Rfm;
      return;
    case 'clv':
      profile.clv = value as Clv;
      return;
    case 'recommendations':
      profile.recommendations = value as string[];
      return;
    default:
      // defineProperty, not assignment: a trait named `__proto__` must stay a plain key.
      Object.defineProperty(profile.traits, traitKey(path), {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
}

function traitKey(path: `traits.${string}`): string {
  return path.slice('traits.'.length);
}

function isTrait(path: FieldPath): path is `traits.${string}` {
  return path.startsWith('traits.');
}

/** Whether writing the trait keeps the traits within their count and size caps. */
function traitFits(profile: Profile, path: `traits.${string}`, value: FieldValue): boolean {
  const key = traitKey(path);
  const isNew = !Object.hasOwn(profile.traits, key);
  if (isNew && Object.keys(profile.traits).length >= MAX_TRAITS) return false;
  const before = isNew ? 0 : Buffer.byteLength(JSON.stringify({ [key]: profile.traits[key] }));
  const after = Buffer.byteLength(JSON.stringify({ [key]: value }));
  return Buffer.byteLength(JSON.stringify(profile.traits)) - before + after <= MAX_TRAITS_BYTES;
}

function greater(value: FieldValue, current: FieldValue | undefined): boolean {
  return JSON.stringify(value) > (JSON.stringify(current) ?? '');
}
