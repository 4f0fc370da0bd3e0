/**
 * Ingest (DESIGN "Events", a contract): one HTTP request of the Segment Tracking API in, typed
 * events on the events queue out. Order of checks: route (404) → size (413) → write key (401)
 * → body shape (400) → each call (a rejection in a 200) → customer ids → queue (503 if it
 * fails, so the client retries and no accepted event is lost; FIFO deduplication absorbs the
 * retry). Without a Basic-auth key the key is read from the body, so a body that is not a JSON
 * object is a 401 there: nothing proves the caller may learn more.
 */
import { randomUUID } from 'node:crypto';
import type { Clock, EventQueue, IdentityMap } from '../ports.js';
import { resolveCustomerIds } from '../identity/customer-id.js';
import type { NormalizedEvent } from './event.js';
import type { CustomerMessage } from './messages.js';
import { formatPath, normalizeCall, type Rejection } from './normalize.js';
import { isJsonObject, parseSafeJson } from './safe-json.js';
import { SEGMENT_LIMITS, segmentBatchSchema, segmentRoute, SEGMENT_ROUTES } from './segment-api.js';
import { writeKeyFromAuthorization, type WriteKeyVerifier } from './write-key.js';

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
  statusCode: 200 | 400 | 401 | 404 | 413 | 503;
  body: IngestResponseBody;
}

/** What ingest logs through: a subset of the Powertools Logger. Attributes never hold ids or keys. */
export interface IngestLog {
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

export interface IngestDeps {
  writeKeys: WriteKeyVerifier;
  identity: IdentityMap;
  queue: EventQueue;
  clock: Clock;
  log?: IngestLog;
  /** Ids for calls without a messageId (tests pass a deterministic one). */
  newMessageId?: () => string;
}

const MISSING_KEY =
  'missing write key: send it as Basic auth (base64 of "<writeKey>:") or as writeKey in the JSON body';
const INVALID_KEY = 'invalid write key';
const RETRY_LATER = 'the events could not be queued; retry the request';

const failure = (statusCode: IngestResponse['statusCode'], error: string): IngestResponse => ({
  statusCode,
  body: { error },
});

export async function handleIngestRequest(deps: IngestDeps, request: IngestRequest): Promise<IngestResponse> {
  const route = request.method.toUpperCase() === 'POST' ? segmentRoute(request.path) : undefined;
  if (!route) {
    return failure(
      404,
      `no route ${request.method.slice(0, 10)} ${request.path.slice(0, 100)}; POST to one of ${Object.keys(SEGMENT_ROUTES).join(', ')}`,
    );
  }

  const bytes = Buffer.from(request.body, request.isBase64Encoded ? 'base64' : 'utf8');
  if (bytes.length > SEGMENT_LIMITS.bodyBytes)
    return failure(413, `body is larger than ${SEGMENT_LIMITS.bodyBytes / 1024} KB; send smaller batches`);

  const fromHeader = writeKeyFromAuthorization(headerValue(request.headers, 'authorization'));
  if (fromHeader.kind === 'malformed') return failure(401, 'Authorization must be Basic base64("<writeKey>:")');
  if (fromHeader.kind === 'key' && !(await deps.writeKeys.verify(fromHeader.key))) return failure(401, INVALID_KEY);

  const parsed = parseSafeJson(bytes.toString('utf8'));
  const body = parsed.ok ? parsed.value : undefined;
  if (fromHeader.kind === 'absent') {
    const bodyKey = isJsonObject(body) && typeof body.writeKey === 'string' ? body.writeKey : undefined;
    if (bodyKey === undefined) return failure(401, MISSING_KEY);
    if (!(await deps.writeKeys.verify(bodyKey))) return failure(401, INVALID_KEY);
  }
  if (!parsed.ok)
    return failure(400, parsed.reason === 'not_json' ? 'body is not valid JSON' : 'body is nested too deeply');
  if (!isJsonObject(body)) return failure(400, 'body must be a JSON object');

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

  const events: NormalizedEvent[] = [];
  const rejected: RejectedCall[] = [];
  for (const [index, result] of results.entries()) {
    if (result.ok) events.push(result.event);
    else rejected.push({ index, messageId: result.messageId, field: result.field, reason: result.reason });
  }
  if (rejected.length > 0)
    deps.log?.warn('calls rejected', {
      rejected: rejected.length,
      of: results.length,
      reasons: countReasons(rejected),
    });

  if (events.length > 0) {
    try {
      const customerIds = await resolveCustomerIds(deps.identity, events);
      const messages: CustomerMessage[] = events.map((event, position) => ({
        kind: 'event',
        customerId: customerIds[position] ?? '',
        event,
      }));
      await deps.queue.enqueue(messages);
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
