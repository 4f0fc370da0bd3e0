/**
 * How a profile's timestamps are stored (issue 19, docs/decisions.md 173): every ISO timestamp at
 * a position the profile schema types as `isoTimestamp` is written as its epoch milliseconds, a
 * number of 8 bytes instead of a 24-byte string — a demo profile holds 10 to 30 of them, and a
 * profile item over 1,024 bytes costs two write units on every write. Reading turns them back,
 * by the same schema positions, so nothing above the store sees the difference; a timestamp
 * that would not come back exactly (not in `toISOString()` form) is kept as its string.
 *
 * `nextExpiryAt` stays a string: it is the sort key of the `expiry` index.
 */
import type { z } from 'zod';
import { isoTimestamp, profileSchema } from '../profiles/schema.js';

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
