/**
 * The Segment HTTP Tracking API as ingest accepts it (DESIGN "Events", a contract): routes,
 * limits and zod schemas of the calls' fields. Schemas check each field's shape and say what is
 * wrong in a short sentence that never repeats the value (values may be emails or tokens);
 * rules that span fields (which ids a call needs, timestamps, e-commerce properties) live in
 * normalize.ts.
 */
import * as z from 'zod';
import type { EventType } from './event.js';
import { isJsonObject } from './safe-json.js';

export type SegmentRoute = { kind: 'batch' } | { kind: 'single'; type: EventType };

/** Full routes and the short aliases Segment's browser and mobile libraries post to. */
export const SEGMENT_ROUTES: Readonly<Record<string, SegmentRoute>> = {
  '/v1/batch': { kind: 'batch' },
  '/v1/b': { kind: 'batch' },
  '/v1/track': { kind: 'single', type: 'track' },
  '/v1/t': { kind: 'single', type: 'track' },
  '/v1/identify': { kind: 'single', type: 'identify' },
  '/v1/i': { kind: 'single', type: 'identify' },
  '/v1/page': { kind: 'single', type: 'page' },
  '/v1/p': { kind: 'single', type: 'page' },
  '/v1/screen': { kind: 'single', type: 'screen' },
  '/v1/group': { kind: 'single', type: 'group' },
  '/v1/alias': { kind: 'single', type: 'alias' },
};

export function segmentRoute(path: string): SegmentRoute | undefined {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return Object.hasOwn(SEGMENT_ROUTES, trimmed) ? SEGMENT_ROUTES[trimmed] : undefined;
}

export const SEGMENT_LIMITS = {
  /** Segment's own limits: 500 KB per request, 32 KB per call. */
  bodyBytes: 500 * 1024,
  eventBytes: 32 * 1024,
  /** properties and traits: a value at `properties.a.b.c.d.e.f.g.h` is the deepest allowed. */
  nestingDepth: 8,
  /** Ids become DynamoDB keys and FIFO dedup inputs; nothing legitimate is longer. */
  idLength: 256,
} as const;

/** The types a batch item's `type` may name (single calls take theirs from the route). */
export const SEGMENT_TYPES: readonly EventType[] = ['track', 'identify', 'page', 'screen', 'alias', 'group'];

const absentToUndefined = (value: unknown): unknown => (value === null || value === '' ? undefined : value);

/** userId, anonymousId, previousId, groupId: strings, or numbers (many shops have numeric ids). */
const identifierSchema = z.preprocess(
  absentToUndefined,
  z
    .union([z.string(), z.number()], { error: 'must be a string or a number' })
    .transform((value) => String(value))
    .pipe(z.string().max(SEGMENT_LIMITS.idLength, { error: `must be at most ${SEGMENT_LIMITS.idLength} characters` }))
    .optional(),
);

const messageIdSchema = z.preprocess(
  absentToUndefined,
  z
    .string({ error: 'must be a string' })
    .max(SEGMENT_LIMITS.idLength, { error: `must be at most ${SEGMENT_LIMITS.idLength} characters` })
    .optional(),
);

const optionalString = z.preprocess(
  (value) => (value === null ? undefined : value),
  z.string({ error: 'must be a string' }).optional(),
);

const jsonObjectSchema = z.custom<Record<string, unknown>>(isJsonObject, { error: 'must be an object' });
const optionalObject = z.preprocess((value) => (value === null ? undefined : value), jsonObjectSchema.optional());

/** ISO-8601: a date-time (offset optional: without one it is UTC) or a date (midnight UTC). */
const isoTimestampSchema = z.preprocess(
  (value) => (value === null ? undefined : value),
  z
    .union([z.iso.datetime({ offset: true, local: true }), z.iso.date()], {
      error: 'must be an ISO-8601 date-time such as 2026-11-02T10:00:00Z',
    })
    .optional(),
);

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

function isLocale(value: string): boolean {
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
}

const deviceSchema = z.looseObject(
  {
    token: optionalString,
    type: optionalString,
  },
  { error: 'must be an object' },
);

/** The part of Segment's `context` that sadakat reads; everything else in it is ignored. */
export const segmentContextSchema = z.looseObject(
  {
    timezone: optionalString.refine((value) => value === undefined || isTimeZone(value), {
      error: 'must be an IANA time zone such as Europe/Istanbul',
    }),
    locale: optionalString.refine((value) => value === undefined || isLocale(value), {
      error: 'must be a BCP 47 locale such as tr-TR',
    }),
    device: z.preprocess((value) => (value === null ? undefined : value), deviceSchema.optional()),
    /** DESIGN "Trust": lowercase hex HMAC-SHA256(identity secret, userId); checked by ingest, never stored. */
    identityToken: optionalString,
  },
  { error: 'must be an object' },
);

/** One call's fields, whatever its type (type-specific requirements are checked in normalize.ts). */
export const segmentCallSchema = z.looseObject(
  {
    messageId: messageIdSchema,
    userId: identifierSchema,
    anonymousId: identifierSchema,
    previousId: identifierSchema,
    groupId: identifierSchema,
    /** track: the event name. */
    event: optionalString,
    /** page, screen: the page or screen name. */
    name: optionalString,
    properties: optionalObject,
    traits: optionalObject,
    context: z.preprocess((value) => (value === null ? undefined : value), segmentContextSchema.optional()),
    timestamp: isoTimestampSchema,
    sentAt: isoTimestampSchema,
  },
  { error: 'must be a JSON object' },
);
export type SegmentCall = z.infer<typeof segmentCallSchema>;

/**
 * The envelope of `/v1/batch`. Top-level `context` is merged under each item's own context and
 * top-level `sentAt` applies to items without one (analytics-node sends it there).
 */
export const segmentBatchSchema = z.looseObject(
  {
    batch: z.array(z.unknown(), { error: 'must be an array of calls' }),
    context: optionalObject,
    sentAt: z.unknown().optional(),
  },
  { error: 'must be a JSON object' },
);
