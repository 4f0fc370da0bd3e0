/**
 * How a profile's timestamps are stored (issue 19, docs/decisions.md 173): every ISO timestamp at
 * a position the profile schema types as `isoTimestamp` is written as its epoch milliseconds, a
 * number of 8 bytes instead of a 24-byte string — a demo profile holds 10 to 30 of them, and a
 * profile item over 1,024 bytes costs two write units on every write. Reading turns them back,
 * by the same schema positions, so nothing above the store sees the difference; a timestamp
 * that would not come back exactly (not in `toISOString()` form) is kept as its string.
 *
 * `nextExpiryAt` stays a string: it is the sort key of the `expiry` index.
 *
 * The profile is then stored as one compressed document (docs/decisions.md 185): every attribute
 * but the few DynamoDB itself reads (PLAIN_PROFILE_ATTRIBUTES) goes, in that stored form, into
 * one JSON text deflated with a preset dictionary of the schema's names (profile-dictionary.ts),
 * the binary attribute `p1`. A demo profile of 1–2.8 KB becomes 0.4–1 KB: one write unit. Items
 * written before keep their attributes plain and read as before; the next write packs them.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { z } from 'zod';
import { isoTimestamp, profileSchema } from '../profiles/schema.js';
import { PROFILE_DICTIONARY_1 } from './profile-dictionary.js';
import { CUSTOMERS_PROJECTION } from './table.js';

/** The binary attribute holding the compressed profile document, format 1 (PROFILE_DICTIONARY_1). */
export const PROFILE_DOCUMENT_ATTRIBUTE = 'p1';

/**
 * Profile attributes kept plain beside the document, because DynamoDB reads them: `version` (the
 * write condition, erasure's delete condition), `nextExpiryAt` (the `expiry` index's sort key),
 * `mergedInto` (whole-table readers skip merged profiles by it) and what the `customers` index
 * projects (the order summary and scores the refresh reads: table.ts CUSTOMERS_PROJECTION) — in
 * the document they would be missing from the index, and as part of it every profile write would
 * rewrite the index entry.
 */
export const PLAIN_PROFILE_ATTRIBUTES: ReadonlySet<string> = new Set([
  'version',
  'mergedInto',
  'nextExpiryAt',
  // Random: inside the document it would change the compressed size from run to run (the demo's
  // summary for a seed must not change).
  'archiveKey',
  ...CUSTOMERS_PROJECTION.filter((attribute) => attribute in profileSchema.shape),
]);

const DICTIONARY_1 = Buffer.from(PROFILE_DICTIONARY_1, 'utf8');
/** A 8 KB window covers the dictionary and the largest profile (PROFILE_LIMITS.maxProfileBytes). */
const WINDOW_BITS = 13;

/** The compressed document of a profile's attributes (already in stored form: storedAttribute). */
export function packProfileDocument(attributes: Record<string, unknown>): Uint8Array {
  return deflateRawSync(Buffer.from(JSON.stringify(attributes), 'utf8'), {
    level: 9,
    windowBits: WINDOW_BITS,
    dictionary: DICTIONARY_1,
  });
}

/**
 * A stored profile item with its compressed document opened: the document's attributes (still
 * in stored form) beside the plain ones. An item without one (written before) comes back as is.
 * Throws when the document cannot be read; the profile store reports that as a corrupt profile.
 */
export function unpackProfileItem(item: Record<string, unknown>): Record<string, unknown> {
  const { [PROFILE_DOCUMENT_ATTRIBUTE]: packed, ...plain } = item;
  if (packed === undefined) return item;
  if (!(packed instanceof Uint8Array)) throw new Error(`${PROFILE_DOCUMENT_ATTRIBUTE} is not binary`);
  const document: unknown = JSON.parse(
    inflateRawSync(packed, { windowBits: WINDOW_BITS, dictionary: DICTIONARY_1 }).toString('utf8'),
  );
  if (!isRecord(document)) throw new Error(`${PROFILE_DOCUMENT_ATTRIBUTE} does not hold an object`);
  return { ...document, ...plain };
}

const KEPT_AS_STRINGS = new Set(['nextExpiryAt']);

/** The stored form of one top-level profile attribute's value. */
export function storedAttribute(attribute: string, value: unknown): unknown {
  const schema = profileSchema.shape[attribute as keyof typeof profileSchema.shape];
  if (!schema || KEPT_AS_STRINGS.has(attribute)) return value;
  return walk(value, schema, toMillis);
}

/** A stored profile item (or part of one: only the attributes it has) with its timestamps as ISO strings again. */
export function readStoredProfile(item: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [attribute, value] of Object.entries(item)) {
    const schema = profileSchema.shape[attribute as keyof typeof profileSchema.shape];
    result[attribute] = schema ? walk(value, schema, toIso) : value;
  }
  return result;
}

function toMillis(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const millis = Date.parse(value);
  return Number.isFinite(millis) && new Date(millis).toISOString() === value ? millis : value;
}

function toIso(value: unknown): unknown {
  return typeof value === 'number' && Number.isFinite(value) ? new Date(value).toISOString() : value;
}

/** `value` with `leaf` applied at every position `schema` types as `isoTimestamp`. */
function walk(value: unknown, schema: z.ZodType, leaf: (value: unknown) => unknown): unknown {
  if (schema === isoTimestamp) return leaf(value);
  const def = schema.def as unknown as {
    type: string;
    innerType?: z.ZodType;
    shape?: Record<string, z.ZodType>;
    element?: z.ZodType;
    valueType?: z.ZodType;
  };
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
      return def.innerType ? walk(value, def.innerType, leaf) : value;
    case 'object': {
      if (!isRecord(value) || !def.shape) return value;
      const shape = def.shape;
      return Object.fromEntries(
        Object.entries(value).map(([key, inner]) => [key, shape[key] ? walk(inner, shape[key], leaf) : inner]),
      );
    }
    case 'array':
      return Array.isArray(value) && def.element
        ? value.map((inner) => walk(inner, def.element as z.ZodType, leaf))
        : value;
    case 'record':
      return isRecord(value) && def.valueType
        ? Object.fromEntries(
            Object.entries(value).map(([key, inner]) => [key, walk(inner, def.valueType as z.ZodType, leaf)]),
          )
        : value;
    default:
      return value;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
