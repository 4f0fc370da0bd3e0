/**
 * The load bench's driver, in its own process apart from the server: posts sessions as Segment
 * batches over keep-alive loopback HTTP on a fixed schedule (open loop: a slow answer does not
 * slow the schedule until too many requests are in flight), bounded by a count and a time, then
 * waits for serve's trace to show each posted event processed. Latencies run from the moment the
 * driver sent the request to the moment serve committed the profile / made the send decision.
 */
import { Agent, request } from 'node:http';
import { preciseNow } from '../shared/local/event-trace.js';
import type { LoadMix } from './load-mix.js';
import type { TraceTail } from './trace-tail.js';

/** Requests in flight at once; past this the driver waits, and the achieved rate shows it. */
const MAX_IN_FLIGHT = 32;
/** Below this share of the target rate a step did not keep up. */
export const KEPT_UP_SHARE = 0.9;

export interface Target {
  url: string;
  writeKey: string;
  agent: Agent;
}

export interface StepPlan {
  /** Events per second to post. */
  rate: number;
  maxEvents: number;
  maxSeconds: number;
  /** How long after the last post to wait for the trace to show every event. */
  settleSeconds: number;
}

export interface Percentiles {
  count: number;
  p50: number;
  p99: number;
}

export interface StepResult {
  rate: number;
  posted: number;
  accepted: number;
  /** Accepted events per second over the posting schedule's span. */
  ingestRate: number;
  /**
   * Traced events per second between the first and the last profile write: a server that keeps up
   * writes at the posting rate, shifted by its latency; one that falls behind writes slower.
   */
  processedRate: number;
  /** Posted events the trace had not shown when the settle time ran out. */
  late: number;
  eventToProfileMs: Percentiles;
  /** Over events whose processing queued a send (welcome emails): to the send handler's decision. */
  eventToDecisionMs: Percentiles;
  decisions: Record<string, number>;
  keptUp: boolean;
}

export function keepAliveAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
}

export async function driveStep(target: Target, mix: LoadMix, plan: StepPlan, trace: TraceTail): Promise<StepResult> {
  const sentAt = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  let posted = 0;
  let accepted = 0;
  let lastBatch = 0;
  let lastPostAt = 0;
  const began = preciseNow();
  const endBy = began + plan.maxSeconds * 1000;

  while (posted < plan.maxEvents && preciseNow() < endBy) {
    const wait = began + (posted / plan.rate) * 1000 - preciseNow();
    if (wait >= 1) await sleep(wait);
    if (inFlight.size >= MAX_IN_FLIGHT) {
      await Promise.race(inFlight);
      continue;
    }
    const { calls } = mix.next(new Date());
    const at = preciseNow();
    for (const call of calls) sentAt.set(String(call.messageId), at);
    const post: Promise<void> = postWithRetry(target, { batch: calls }).then((count) => {
      accepted += count;
      // Refused or never answered: nothing to wait for in the trace.
      if (count === 0) for (const call of calls) sentAt.delete(String(call.messageId));
      inFlight.delete(post);
    });
    inFlight.add(post);
    posted += calls.length;
    lastBatch = calls.length;
    lastPostAt = at;
  }
  await Promise.all(inFlight);
  const scheduleSeconds = (lastPostAt - began) / 1000 + lastBatch / plan.rate;

  const settleBy = preciseNow() + plan.settleSeconds * 1000;
  for (;;) {
    await trace.poll();
    const missing = [...sentAt.keys()].filter((id) => !trace.lines.has(id)).length;
    if (missing === 0 || preciseNow() > settleBy) break;
    await sleep(100);
  }

  const toProfile: number[] = [];
  const toDecision: number[] = [];
  const decisions: Record<string, number> = {};
  let firstProfileAt = Number.POSITIVE_INFINITY;
  let lastProfileAt = Number.NEGATIVE_INFINITY;
  for (const [messageId, at] of sentAt) {
    const line = trace.lines.get(messageId);
    if (!line) continue;
    toProfile.push(line.profileAt - at);
    firstProfileAt = Math.min(firstProfileAt, line.profileAt);
    lastProfileAt = Math.max(lastProfileAt, line.profileAt);
    if (line.decision !== 'none') {
      toDecision.push(line.decisionAt - at);
      decisions[line.decision] = (decisions[line.decision] ?? 0) + 1;
    }
  }
  const ingestRate = accepted / scheduleSeconds;
  // The first write opens the window, so n writes span n − 1 intervals.
  const processedRate = toProfile.length > 1 ? (toProfile.length - 1) / ((lastProfileAt - firstProfileAt) / 1000) : 0;
  const late = sentAt.size - toProfile.length;
  return {
    rate: plan.rate,
    posted,
    accepted,
    ingestRate,
    processedRate,
    late,
    eventToProfileMs: percentiles(toProfile),
    eventToDecisionMs: percentiles(toDecision),
    decisions,
    keptUp:
      late === 0 &&
      accepted === posted &&
      ingestRate >= KEPT_UP_SHARE * plan.rate &&
      processedRate >= KEPT_UP_SHARE * plan.rate,
  };
}

/** As fast as `MAX_IN_FLIGHT` requests allow, for `seconds`: the events/s the target can take in. */
export async function saturate(target: Target, mix: LoadMix, seconds: number): Promise<number> {
  let accepted = 0;
  const began = preciseNow();
  const endBy = began + seconds * 1000;
  await Promise.all(
    Array.from({ length: MAX_IN_FLIGHT }, async () => {
      while (preciseNow() < endBy) {
        // Not `accepted += await …`: that reads `accepted` before the await and loses the other workers' counts.
        const count = await postWithRetry(target, { batch: mix.next(new Date()).calls });
        accepted += count;
      }
    }),
  );
  return accepted / ((preciseNow() - began) / 1000);
}

export interface SteadyPlan {
  /** Events per second over all customers. */
  rate: number;
  seconds: number;
  /** Seconds between one customer's consecutive events (a shopper's clicks). */
  gapSeconds: number;
  settleSeconds: number;
  /**
   * Events a storefront sends in one request (at most; a session's last request holds the rest):
   * 1 as without client-side batching, more as analytics.js batches them (decision 288).
   */
  eventsPerRequest: number;
}

export interface SteadyResult {
  posted: number;
  /** HTTP requests the posted events went in. */
  requests: number;
  accepted: number;
  /** Posted events the trace had not shown when the settle time ran out. */
  late: number;
}

/**
 * Storefront traffic as AWS sees it: `eventsPerRequest` events a request, one customer's events
 * `gapSeconds` apart, customers' sessions overlapping so that all of them together post `rate`
 * events a second. Each event is stamped when it is posted. Waits for the trace to show them all.
 */
export async function driveSteady(
  target: Target,
  mix: LoadMix,
  plan: SteadyPlan,
  trace: TraceTail,
): Promise<SteadyResult> {
  const total = Math.round(plan.rate * plan.seconds);
  const schedule: { at: number; calls: Record<string, unknown>[] }[] = [];
  let events = 0;
  // A session starts when the events before it have had their share of the schedule; its events
  // go out `eventsPerRequest` at a time, a request when its last event happened.
  while (events < total) {
    const start = (events / plan.rate) * 1000;
    const calls = mix.next(new Date()).calls;
    for (let first = 0; first < calls.length; first += plan.eventsPerRequest) {
      const batch = calls.slice(first, first + plan.eventsPerRequest);
      schedule.push({ at: start + (first + batch.length - 1) * plan.gapSeconds * 1000, calls: batch });
    }
    events += calls.length;
  }
  schedule.sort((a, b) => a.at - b.at);
  const sentIds = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  let accepted = 0;
  const began = preciseNow();
  for (const { at, calls } of schedule) {
    const wait = began + at - preciseNow();
    if (wait >= 1) await sleep(wait);
    while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
    const timestamp = new Date().toISOString();
    const ids = calls.map((call) => String(call.messageId));
    for (const id of ids) sentIds.add(id);
    const post: Promise<void> = postWithRetry(target, { batch: calls.map((call) => ({ ...call, timestamp })) }).then(
      (count) => {
        accepted += count;
        if (count === 0) for (const id of ids) sentIds.delete(id);
        inFlight.delete(post);
      },
    );
    inFlight.add(post);
  }
  await Promise.all(inFlight);
  const settleBy = preciseNow() + plan.settleSeconds * 1000;
  let missing = sentIds.size;
  for (;;) {
    await trace.poll();
    missing = [...sentIds].filter((id) => !trace.lines.has(id)).length;
    if (missing === 0 || preciseNow() > settleBy) break;
    await sleep(100);
  }
  return { posted: events, requests: schedule.length, accepted, late: missing };
}

/** Network errors before an answer get two more tries, as Segment's libraries retry (messageIds make it safe). */
const NETWORK_TRIES = 3;

async function postWithRetry(target: Target, body: object): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await postBatch(target, body);
    } catch (error) {
      // A reset keep-alive socket (the server closed it as we reused it) or an overloaded server.
      if (attempt >= NETWORK_TRIES) {
        process.stderr.write(
          `  load: a batch was not delivered after ${NETWORK_TRIES} tries: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        return 0;
      }
    }
  }
}

/** Posts one batch; resolves with the events the server accepted (0 on any other answer). */
function postBatch(target: Target, body: object): Promise<number> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${target.url}/v1/batch`,
      {
        method: 'POST',
        agent: target.agent,
        headers: {
          authorization: `Basic ${Buffer.from(`${target.writeKey}:`).toString('base64')}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          if (response.statusCode !== 200) return resolve(0);
          const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { accepted?: number };
          resolve(answer.accepted ?? 0);
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

export function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) return { count: 0, p50: Number.NaN, p99: Number.NaN };
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: the smallest value with at least p of the values at or below it.
  const rank = (p: number): number =>
    sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
  return { count: sorted.length, p50: rank(0.5), p99: rank(0.99) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
