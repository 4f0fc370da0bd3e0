/**
 * Ingest (DESIGN "Events" and "Trust", contracts): one HTTP request of the Segment Tracking API
 * in, typed events on the events queue out. Order of checks: route (404) → size (413) → write
 * key (401) → body shape (400) → each call (a rejection in a 200) → customer ids → queue (503 if
 * it fails, so the client retries and no accepted event is lost; FIFO deduplication absorbs the
 * retry). The key is checked before the body is parsed: a Basic-auth key before anything, a
 * `writeKey` in the body (analytics.js) by a scan of the raw text, so a request without a valid
 * key costs no parse and no walk. Each queued event carries its `source` (key id, scope,
 * verified) — never the key. The events go on the queue as one message per run of one
 * customer's events (request-messages.ts), not one per event.
 */
import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { Clock, IdentityMap, RequestEventQueue } from '../ports.js';
import { resolveCustomerIds } from '../identity/customer-id.js';
import { DOCTOR_CUSTOMER_PREFIX } from '../identity/doctor-customer.js';
import { ECOMMERCE_EVENTS, SERVER_ONLY_EVENTS, type NormalizedEvent } from './event.js';
import { SERVER_KEY_ONLY_EVENTS } from './crm-events.js';
import { CALL_COMPLETED } from './call-completed.js';
import { fixedIdentitySecret, verifyIdentityToken, type IdentitySecretSource } from './identity-token.js';
import type { EventSource } from './messages.js';
import { requestMessages } from './request-messages.js';
import { formatPath, normalizeCall, type NormalizeResult, type Rejection } from './normalize.js';
import { isJsonObject, parseSafeJson } from './safe-json.js';
import { analyticsSettings, settingsRouteKey, type AnalyticsSettings } from './analytics-settings.js';
import { SEGMENT_LIMITS, segmentBatchSchema, segmentRoute, SEGMENT_ROUTES, type SegmentRoute } from './segment-api.js';
import { normalizeOrigin, writeKeyFromAuthorization, type KnownWriteKey, type WriteKeyVerifier } from './write-key.js';

/** Calls per batch: about what 500 KB of real events holds, and it keeps the response small. */
export const MAX_BATCH_CALLS = 1000;

export interface IngestRequest {
  method: string;
  path: string;
  headers: Readonly<Record<string, string | undefined>>;
  body: string;
  isBase64Encoded: boolean;
}

export interface RejectedCall extends Rejection {
  /** Position in `batch`; 0 for single calls. */
  index: number;
}

export type IngestResponseBody = { accepted: number; rejected: RejectedCall[] } | { error: string };

export interface IngestResponse {
  statusCode: 200 | 204 | 400 | 401 | 403 | 404 | 413 | 503;
  body: IngestResponseBody | AnalyticsSettings | undefined;
  /** CORS headers, for a browser key used from one of its origins. */
  headers?: Record<string, string>;
}

/** What ingest logs through: a subset of the Powertools Logger. Attributes never hold ids or keys. */
export interface IngestLog {
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

/** settings.yaml `trust`: the server-only events an unverified browser call may still send. */
export interface IngestTrust {
  browserOrders: 'accept' | 'reject';
  browserEvents: readonly string[];
}

export interface IngestDeps {
  writeKeys: WriteKeyVerifier;
  /** The identity secret browser calls prove their userId with; without one no browser call is verified. */
  identitySecret?: IdentitySecretSource;
  /** Default: every server-only event is refused from unverified browser calls. */
  trust?: IngestTrust;
  identity: IdentityMap;
  queue: RequestEventQueue;
  clock: Clock;
  log?: IngestLog;
  /** Ids for calls without a messageId (tests pass a deterministic one). */
  newMessageId?: () => string;
  /** The host storefronts send to, named in analytics.js's settings; default: the request's Host (behind CloudFront that is the API's own). */
  publicHost?: string;
}

const MISSING_KEY =
  'missing write key: send it as Basic auth (base64 of "<writeKey>:") or as writeKey in the JSON body';
const INVALID_KEY = 'invalid write key';
const TOO_LARGE = `body is larger than ${SEGMENT_LIMITS.bodyBytes / 1024} KB; send smaller batches`;
const TOO_LARGE_DECOMPRESSED = `body is larger than ${SEGMENT_LIMITS.bodyBytes / 1024} KB once decompressed; send smaller batches`;
const ORIGIN_REFUSED = 'this write key may not be used from this origin';
const RETRY_LATER = 'the events could not be queued; retry the request';

const failure = (statusCode: IngestResponse['statusCode'], error: string): IngestResponse => ({
  statusCode,
  body: { error },
});

export async function handleIngestRequest(deps: IngestDeps, request: IngestRequest): Promise<IngestResponse> {
  const method = request.method.toUpperCase();
  const route = segmentRoute(request.path);
  const settingsKey = settingsRouteKey(request.path);
  const origin = normalizeOrigin(headerValue(request.headers, 'origin') ?? '');
  if (method === 'OPTIONS' && (route || settingsKey !== undefined)) return preflight(deps, origin);
  if (method === 'GET' && settingsKey !== undefined) return projectSettings(deps, request, settingsKey, origin);
  if (method !== 'POST' || !route) {
    return failure(
      404,
      `no route ${request.method.slice(0, 10)} ${request.path.slice(0, 100)}; POST to one of ${Object.keys(SEGMENT_ROUTES).join(', ')}`,
    );
  }
  return acceptPost(deps, request, route, origin);
}

/** A POST of Segment calls: size, key, origin, body, then each call. */
async function acceptPost(
  deps: IngestDeps,
  request: IngestRequest,
  route: SegmentRoute,
  origin: string | undefined,
): Promise<IngestResponse> {
  const bytes = Buffer.from(request.body, request.isBase64Encoded ? 'base64' : 'utf8');
  if (bytes.length > SEGMENT_LIMITS.bodyBytes) return failure(413, TOO_LARGE);

  const fromHeader = writeKeyFromAuthorization(headerValue(request.headers, 'authorization'));
  if (fromHeader.kind === 'malformed') return failure(401, 'Authorization must be Basic base64("<writeKey>:")');
  let key: KnownWriteKey | undefined;
  let verifiedBodyKey: string | undefined;
  if (fromHeader.kind === 'key') {
    key = await deps.writeKeys.verify(fromHeader.key);
    if (!key) return failure(401, INVALID_KEY);
  }
  const decoded = decodeBody(bytes, headerValue(request.headers, 'content-encoding'));
  if (!decoded.ok) return failure(decoded.statusCode, decoded.error);
  const text = decoded.text;
  if (!key) {
    // analytics.js sends the key in the body: find it in the raw text before paying for a parse.
    const candidates = bodyKeyCandidates(text);
    if (candidates.length === 0) return failure(401, MISSING_KEY);
    for (const candidate of candidates) {
      key ??= await deps.writeKeys.verify(candidate);
      if (key && verifiedBodyKey === undefined) verifiedBodyKey = candidate;
    }
    if (!key) return failure(401, INVALID_KEY);
  }

  const parsed = parseSafeJson(text);
  if (!parsed.ok)
    return failure(400, parsed.reason === 'not_json' ? 'body is not valid JSON' : 'body is nested too deeply');
  const body = parsed.value;
  if (!isJsonObject(body)) return failure(400, 'body must be a JSON object');
  if (verifiedBodyKey !== undefined && body.writeKey !== verifiedBodyKey) {
    // The scan found a valid key somewhere in the text; the call's own key is the top-level one.
    key = typeof body.writeKey === 'string' ? await deps.writeKeys.verify(body.writeKey) : undefined;
    if (!key) return failure(401, typeof body.writeKey === 'string' ? INVALID_KEY : MISSING_KEY);
  }

  // A browser key works only from the pages it lists; a call from elsewhere is refused, not just unreadable.
  const cors = corsHeaders(key, origin);
  if (cors === 'refused') return failure(403, ORIGIN_REFUSED);
  const response = await acceptCalls(deps, route, key, body);
  return cors ? { ...response, headers: cors } : response;
}

async function acceptCalls(
  deps: IngestDeps,
  route: SegmentRoute,
  key: KnownWriteKey,
  body: Record<string, unknown>,
): Promise<IngestResponse> {
  const receivedAt = deps.clock.now();
  const newMessageId = deps.newMessageId ?? randomUUID;
  let results: ReturnType<typeof normalizeCall>[];
  if (route.kind === 'batch') {
    const envelope = segmentBatchSchema.safeParse(body);
    if (!envelope.success) {
      const issue = envelope.error.issues[0];
      const where = formatPath((issue?.path ?? []).map((key) => (typeof key === 'symbol' ? String(key) : key)));
      return failure(400, `${where || 'body'} ${issue?.message ?? 'is invalid'}`);
    }
    const { batch, context, sentAt } = envelope.data;
    if (batch.length > MAX_BATCH_CALLS)
      return failure(400, `batch has ${batch.length} calls; send at most ${MAX_BATCH_CALLS} per request`);
    results = batch.map((raw) =>
      normalizeCall(raw, {
        receivedAt,
        newMessageId,
        batchSentAt: sentAt,
        ...(context ? { batchContext: context } : {}),
      }),
    );
  } else {
    results = [normalizeCall(body, { routeType: route.type, receivedAt, newMessageId })];
  }

  const identitySecret = key.scope === 'browser' ? await (deps.identitySecret ?? NO_SECRET).get() : undefined;
  const acceptedFromBrowser = browserAcceptedEvents(deps.trust);
  const events: { event: NormalizedEvent; source: EventSource }[] = [];
  const rejected: RejectedCall[] = [];
  for (const [index, result] of results.entries()) {
    if (!result.ok) {
      rejected.push({ index, messageId: result.messageId, field: result.field, reason: result.reason });
      continue;
    }
    const source = sourceOf(key, result, identitySecret);
    if (!source.verified && result.event.userId?.startsWith(DOCTOR_CUSTOMER_PREFIX)) {
      rejected.push({ index, messageId: result.event.messageId, field: 'userId', reason: DOCTOR_PREFIX_REASON });
      continue;
    }
    const name = result.event.type === 'track' ? result.event.event : undefined;
    if (!source.verified && name !== undefined && SERVER_ONLY.has(name) && !acceptedFromBrowser.has(name)) {
      rejected.push({ index, messageId: result.event.messageId, field: 'event', reason: SERVER_ONLY_REASON });
      continue;
    }
    if (source.scope !== 'server' && name !== undefined && SERVER_KEY_ONLY.has(name)) {
      rejected.push({ index, messageId: result.event.messageId, field: 'event', reason: SERVER_KEY_ONLY_REASON });
      continue;
    }
    events.push({ event: result.event, source });
  }
  if (rejected.length > 0)
    deps.log?.warn('calls rejected', {
      rejected: rejected.length,
      of: results.length,
      reasons: countReasons(rejected),
    });

  if (events.length > 0) {
    try {
      const customerIds = await resolveCustomerIds(
        deps.identity,
        events.map(({ event }) => event),
      );
      // One message per run of a customer's events (decision 287), not one per event.
      await deps.queue.enqueue(
        requestMessages(
          events.map(({ event, source }, position) => ({ customerId: customerIds[position] ?? '', event, source })),
        ),
      );
    } catch (error) {
      deps.log?.error('accepted events were not queued; answering 503 so the client retries', {
        events: events.length,
        error: error instanceof Error ? error.message : String(error),
      });
      return failure(503, RETRY_LATER);
    }
  }
  return { statusCode: 200, body: { accepted: events.length, rejected } };
}

const NO_SECRET = fixedIdentitySecret(undefined);

/** What the browser may send and read; a preflight answer is cached for 10 minutes. */
const CORS_ALLOW = {
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'authorization, content-type, content-encoding',
  'access-control-max-age': '600',
};

/**
 * CORS for a request with this key from this origin: headers naming the origin when the key is a
 * browser key listing it; none for a server key or a request without `Origin` (not a browser
 * page); `refused` for a browser key used from a page it does not list.
 */
function corsHeaders(key: KnownWriteKey, origin: string | undefined): Record<string, string> | 'refused' | undefined {
  if (origin === undefined || key.scope !== 'browser') return undefined;
  if (!key.origins.includes(origin)) return 'refused';
  return { 'access-control-allow-origin': origin, vary: 'Origin', ...CORS_ALLOW };
}

/** A preflight carries no key: it is answered for an origin listed on any browser key, and the POST checks its own key's list. */
async function preflight(deps: IngestDeps, origin: string | undefined): Promise<IngestResponse> {
  const listed = origin !== undefined && (await deps.writeKeys.browserOrigins()).has(origin);
  return {
    statusCode: 204,
    body: undefined,
    headers:
      listed && origin ? { 'access-control-allow-origin': origin, vary: 'Origin', ...CORS_ALLOW } : { vary: 'Origin' },
  };
}

/**
 * `GET /v1/projects/{writeKey}/settings`: what analytics.js reads from its CDN before it sends,
 * pointing its Segment.io integration at this host. Browser keys only.
 */
async function projectSettings(
  deps: IngestDeps,
  request: IngestRequest,
  candidate: string,
  origin: string | undefined,
): Promise<IngestResponse> {
  const key = await deps.writeKeys.verify(candidate);
  if (key?.scope !== 'browser')
    return failure(404, 'no settings for this write key: settings are served for browser keys');
  const cors = corsHeaders(key, origin);
  if (cors === 'refused') return failure(403, ORIGIN_REFUSED);
  const host = deps.publicHost ?? headerValue(request.headers, 'host') ?? 'localhost';
  const protocol = headerValue(request.headers, 'x-forwarded-proto') === 'http' ? 'http' : 'https';
  return {
    statusCode: 200,
    body: analyticsSettings(candidate, `${host}/v1`, protocol),
    ...(cors ? { headers: cors } : {}),
  };
}

type DecodedBody = { ok: true; text: string } | { ok: false; statusCode: 400 | 413; error: string };

/**
 * `Content-Encoding: gzip` bodies, whatever their content type (server-side libraries gzip
 * their batches). The size limit applies to the decompressed body, and zlib stops as soon as
 * its output passes it, so a decompression bomb costs at most 500 KB of output.
 */
function decodeBody(bytes: Buffer, encoding: string | undefined): DecodedBody {
  const coding = (encoding ?? '').trim().toLowerCase();
  if (coding === '' || coding === 'identity') return { ok: true, text: bytes.toString('utf8') };
  if (coding !== 'gzip' && coding !== 'x-gzip')
    return { ok: false, statusCode: 400, error: 'Content-Encoding must be gzip or absent' };
  try {
    return { ok: true, text: gunzipSync(bytes, { maxOutputLength: SEGMENT_LIMITS.bodyBytes }).toString('utf8') };
  } catch (error) {
    if (error instanceof RangeError || (error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE')
      return { ok: false, statusCode: 413, error: TOO_LARGE_DECOMPRESSED };
    return { ok: false, statusCode: 400, error: 'body is not valid gzip' };
  }
}

const DOCTOR_PREFIX_REASON = `must not start with "${DOCTOR_CUSTOMER_PREFIX}" (reserved for sadakat doctor's test customers) in a browser call`;

const SERVER_ONLY: ReadonlySet<string> = new Set(SERVER_ONLY_EVENTS);
const SERVER_ONLY_REASON =
  'is a server-only event: send it with a server key or with a valid context.identityToken (settings.yaml trust can accept it from browsers)';

/** Complaints, and call outcomes (the call center's or the dialler's word, never the customer's own). */
const SERVER_KEY_ONLY: ReadonlySet<string> = new Set([...SERVER_KEY_ONLY_EVENTS, CALL_COMPLETED]);
const SERVER_KEY_ONLY_REASON =
  'is accepted from a server key only (an identity token does not let a browser open or resolve complaints or report call outcomes)';

function browserAcceptedEvents(trust: IngestTrust | undefined): ReadonlySet<string> {
  const accepted = new Set(trust?.browserEvents ?? []);
  if (trust?.browserOrders === 'accept') {
    accepted.add(ECOMMERCE_EVENTS.orderCompleted);
    accepted.add(ECOMMERCE_EVENTS.orderRefunded);
  }
  return accepted;
}

/** Server calls are verified; a browser call only with the identity token of its own userId. */
function sourceOf(
  key: KnownWriteKey,
  result: Extract<NormalizeResult, { ok: true }>,
  identitySecret: string | undefined,
): EventSource {
  if (key.scope === 'server') return { keyId: key.id, scope: 'server', verified: true };
  const userId = result.event.userId;
  const verified =
    identitySecret !== undefined &&
    userId !== undefined &&
    result.identityToken !== undefined &&
    verifyIdentityToken(identitySecret, userId, result.identityToken);
  return { keyId: key.id, scope: 'browser', verified };
}

/** At most this many `"writeKey": "…"` strings are tried from one body (a valid key is usually the only one). */
const MAX_BODY_KEY_CANDIDATES = 4;
const BODY_KEY = /"writeKey"\s*:\s*"((?:[^"\\\n]|\\.){1,512})"/g;

/** Candidate write keys in a raw JSON body, without parsing it (linear; no backtracking blow-up). */
function bodyKeyCandidates(text: string): string[] {
  const candidates: string[] = [];
  for (const match of text.matchAll(BODY_KEY)) {
    try {
      const value: unknown = JSON.parse(`"${match[1]}"`);
      if (typeof value === 'string' && value !== '') candidates.push(value);
    } catch {
      // Not a JSON string after all: not a key.
    }
    if (candidates.length >= MAX_BODY_KEY_CANDIDATES) break;
  }
  return candidates;
}

function headerValue(headers: IngestRequest['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

/** `field: reason` → count; fields and reasons never carry values, so this is safe to log. */
function countReasons(rejected: readonly RejectedCall[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { field, reason } of rejected) counts[`${field}: ${reason}`] = (counts[`${field}: ${reason}`] ?? 0) + 1;
  return counts;
}
