/**
 * One Segment call → the NormalizedEvent of event.ts, or a rejection naming the field and why.
 *
 * Rejection `field` convention: a path inside the call as the client sent it, in JavaScript
 * notation (`userId`, `context.timezone`, `properties.products[2].price`, `traits["first name"]`).
 * The call's position in a batch is the response's `index`, so it is not repeated in the path.
 * `message` names the call as a whole (not an object, over 32 KB). Reasons are short sentences
 * that never repeat the value sent (it may be an email address or a token).
 */
import { CALL_COMPLETED, callCompletedProblem } from './call-completed.js';
import { ECOMMERCE_EVENTS, type EventType, type NormalizedEvent } from './event.js';
import { SEGMENT_LIMITS, SEGMENT_TYPES, segmentCallSchema, type SegmentCall } from './segment-api.js';
import { isJsonObject } from './safe-json.js';
import { crmProperties, isCrmEvent } from './crm-events.js';
import { ANONYMOUS_CUSTOMER_PREFIX } from '../identity/customer-id.js';

export interface Rejection {
  /** The client's messageId when it sent a usable one, else the id generated for the call. */
  messageId: string;
  field: string;
  reason: string;
}

/** `identityToken`: the call's `context.identityToken`, for ingest to verify; it never reaches the event. */
export type NormalizeResult =
  | { ok: true; event: NormalizedEvent; identityToken?: string }
  | ({ ok: false } & Rejection);

export interface NormalizeOptions {
  /** Single calls: the route's type. Batch items carry their own `type`. */
  routeType?: EventType;
  receivedAt: Date;
  /** Batch-level `context` (merged under the call's own) and `sentAt`. */
  batchContext?: Record<string, unknown>;
  batchSentAt?: unknown;
  newMessageId: () => string;
}

const EARLIEST_TIMESTAMP = Date.UTC(2000, 0, 1);
const FUTURE_TOLERANCE_MS = 24 * 60 * 60 * 1000;
const ECOMMERCE_NAMES: ReadonlySet<string> = new Set(Object.values(ECOMMERCE_EVENTS));

type Path = readonly (string | number)[];
type Problem = { path: Path; reason: string };

export function normalizeCall(raw: unknown, options: NormalizeOptions): NormalizeResult {
  const clientMessageId =
    isJsonObject(raw) && typeof raw.messageId === 'string' && raw.messageId !== '' ? raw.messageId : undefined;
  const messageId = clientMessageId ?? options.newMessageId();
  const reject = (problem: Problem): NormalizeResult => ({
    ok: false,
    messageId,
    field: formatPath(problem.path),
    reason: problem.reason,
  });

  if (!isJsonObject(raw)) return reject({ path: ['message'], reason: 'must be a JSON object' });
  // A call deeper than the JSON parser's limit never gets here, so stringify cannot overflow.
  if (Buffer.byteLength(JSON.stringify(raw), 'utf8') > SEGMENT_LIMITS.eventBytes) {
    return reject({ path: ['message'], reason: `is larger than ${SEGMENT_LIMITS.eventBytes / 1024} KB` });
  }

  const type = options.routeType ?? SEGMENT_TYPES.find((known) => known === raw.type);
  if (type === undefined) return reject({ path: ['type'], reason: `must be one of ${SEGMENT_TYPES.join(', ')}` });

  const merged =
    options.batchContext && (raw.context === undefined || isJsonObject(raw.context))
      ? {
          ...raw,
          context: { ...options.batchContext, ...(raw.context ?? {}) },
          sentAt: raw.sentAt ?? options.batchSentAt,
        }
      : { ...raw, sentAt: raw.sentAt ?? options.batchSentAt };
  const parsed = segmentCallSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return reject({
      path: (issue?.path ?? []).map((key) => (typeof key === 'symbol' ? String(key) : key)),
      reason: issue?.message ?? 'is invalid',
    });
  }
  const call = parsed.data;

  const problem = identityProblem(type, call) ?? contentProblem(type, call);
  if (problem) return reject(problem);

  const timing = eventTime(call, options.receivedAt);
  if (!timing.ok) return reject(timing.problem);

  const properties = trackProperties(type === 'track' ? call.event : undefined, call.properties ?? {});
  if (!properties.ok) return reject(properties.problem);

  const event: NormalizedEvent = {
    type,
    messageId,
    properties: type === 'group' ? { groupId: call.groupId, traits: call.traits ?? {} } : properties.properties,
    // A group's traits describe the group, not the person: they never reach the profile's traits.
    traits: type === 'group' ? {} : (call.traits ?? {}),
    context: eventContext(call),
    timestamp: timing.timestamp,
    receivedAt: options.receivedAt.toISOString(),
  };
  if (call.userId !== undefined) event.userId = call.userId;
  if (call.anonymousId !== undefined) event.anonymousId = call.anonymousId;
  if (type === 'alias' && call.previousId !== undefined) event.previousId = call.previousId;
  const name = type === 'track' ? call.event : type === 'page' || type === 'screen' ? call.name : undefined;
  if (name !== undefined) event.event = name;
  const identityToken = call.context?.identityToken;
  return identityToken === undefined ? { ok: true, event } : { ok: true, event, identityToken };
}

function identityProblem(type: EventType, call: SegmentCall): Problem | undefined {
  if (call.userId?.startsWith(ANONYMOUS_CUSTOMER_PREFIX)) {
    return {
      path: ['userId'],
      reason: `must not start with "${ANONYMOUS_CUSTOMER_PREFIX}" (reserved for anonymous profiles)`,
    };
  }
  if (type === 'alias') {
    if (call.userId === undefined) return { path: ['userId'], reason: 'is required for alias' };
    if (call.previousId === undefined) return { path: ['previousId'], reason: 'is required for alias' };
    return undefined;
  }
  if (call.userId === undefined && call.anonymousId === undefined)
    return { path: ['userId'], reason: 'userId or anonymousId is required' };
  if (type === 'group' && call.groupId === undefined) return { path: ['groupId'], reason: 'is required for group' };
  return undefined;
}

function contentProblem(type: EventType, call: SegmentCall): Problem | undefined {
  if (type === 'track' && (call.event === undefined || call.event.trim() === '')) {
    return { path: ['event'], reason: 'is required for track (a non-empty event name)' };
  }
  for (const field of ['properties', 'traits'] as const) {
    const tooDeep = deepestPath(call[field], SEGMENT_LIMITS.nestingDepth);
    if (tooDeep)
      return { path: [field, ...tooDeep], reason: `is nested deeper than ${SEGMENT_LIMITS.nestingDepth} levels` };
  }
  return undefined;
}

/** The path of the first value nested below `maxDepth` levels, if any. */
function deepestPath(
  value: unknown,
  maxDepth: number,
  path: (string | number)[] = [],
): (string | number)[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (path.length >= maxDepth) return path;
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value);
  for (const [key, child] of entries) {
    const found = deepestPath(child, maxDepth, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

type Timing = { ok: true; timestamp: string } | { ok: false; problem: Problem };

/**
 * When it happened. Segment's clock-skew correction: with `sentAt`, the client's clock is
 * trusted only for durations, so timestamp := receivedAt − (sentAt − timestamp).
 */
function eventTime(call: SegmentCall, receivedAt: Date): Timing {
  if (call.timestamp === undefined) return { ok: true, timestamp: receivedAt.toISOString() };
  const clientTime = isoMillis(call.timestamp);
  const at = call.sentAt === undefined ? clientTime : receivedAt.getTime() - (isoMillis(call.sentAt) - clientTime);
  if (!Number.isFinite(at))
    return { ok: false, problem: { path: ['timestamp'], reason: 'is not a representable date' } };
  if (at > receivedAt.getTime() + FUTURE_TOLERANCE_MS)
    return { ok: false, problem: { path: ['timestamp'], reason: 'is more than 1 day in the future' } };
  if (at < EARLIEST_TIMESTAMP) return { ok: false, problem: { path: ['timestamp'], reason: 'is before 2000-01-01' } };
  return { ok: true, timestamp: new Date(at).toISOString() };
}

/** Milliseconds of a schema-checked ISO-8601 string; without an offset it is UTC, never local time. */
function isoMillis(text: string): number {
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text);
  return Date.parse(text.includes('T') && !hasZone ? `${text}Z` : text);
}

function eventContext(call: SegmentCall): NormalizedEvent['context'] {
  const context: NormalizedEvent['context'] = {};
  if (call.context?.timezone !== undefined) context.timezone = call.context.timezone;
  if (call.context?.locale !== undefined) context.locale = call.context.locale;
  const device = call.context?.device;
  if (device?.token !== undefined || device?.type !== undefined) {
    context.device = {};
    if (device.token !== undefined) context.device.token = device.token;
    if (device.type !== undefined) context.device.type = device.type;
  }
  return context;
}

type Properties = { ok: true; properties: Record<string, unknown> } | { ok: false; problem: Problem };

/** The properties of the track events sadakat interprets, checked; any other call's as sent. */
function trackProperties(name: string | undefined, properties: Record<string, unknown>): Properties {
  if (name === undefined) return { ok: true, properties };
  if (ECOMMERCE_NAMES.has(name)) return ecommerceProperties(properties);
  if (name === CALL_COMPLETED) {
    const problem = callCompletedProblem(properties);
    return problem ? { ok: false, problem } : { ok: true, properties };
  }
  if (!isCrmEvent(name)) return { ok: true, properties };
  const checked = crmProperties(name, properties);
  return checked.ok ? checked : { ok: false, problem: { path: checked.path, reason: checked.reason } };
}

/** Known e-commerce properties, checked so bad data is named here rather than summed later. */
function ecommerceProperties(properties: Record<string, unknown>): Properties {
  const checked = { ...properties };
  const orderId = properties.order_id;
  if (orderId !== undefined) {
    if (
      !(typeof orderId === 'string' && orderId !== '') &&
      !(typeof orderId === 'number' && Number.isFinite(orderId))
    ) {
      return {
        ok: false,
        problem: { path: ['properties', 'order_id'], reason: 'must be a non-empty string or a number' },
      };
    }
    checked.order_id = String(orderId);
  }
  for (const field of ['revenue', 'total'] as const) {
    if (properties[field] !== undefined && !isAmount(properties[field])) {
      return { ok: false, problem: { path: ['properties', field], reason: 'must be a number ≥ 0' } };
    }
  }
  const products = properties.products;
  if (products !== undefined) {
    if (!Array.isArray(products))
      return { ok: false, problem: { path: ['properties', 'products'], reason: 'must be an array of objects' } };
    for (const [index, product] of products.entries()) {
      if (!isJsonObject(product))
        return { ok: false, problem: { path: ['properties', 'products', index], reason: 'must be an object' } };
      for (const field of ['price', 'quantity'] as const) {
        if (product[field] !== undefined && !isAmount(product[field])) {
          return {
            ok: false,
            problem: { path: ['properties', 'products', index, field], reason: 'must be a number ≥ 0' },
          };
        }
      }
    }
  }
  return { ok: true, properties: checked };
}

function isAmount(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** `properties.products[2].price`; keys that are not identifiers are quoted: `traits["first name"]`. */
export function formatPath(path: Path): string {
  return path
    .map((key, position) => {
      if (typeof key === 'number') return `[${key}]`;
      if (/^[A-Za-z_$][\w$]*$/.test(key)) return position === 0 ? key : `.${key}`;
      return `[${JSON.stringify(key)}]`;
    })
    .join('');
}
