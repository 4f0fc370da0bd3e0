/**
 * Everything `sadakat demo` counts while it plays, in one object: the steps of run-demo.ts record
 * into it, and the summary is read off it at the end.
 */
import type { SendResult } from '../../channels/send-outcome.js';
import type { Channel, SendRequest } from '../../channels/send-request.js';
import type { ProcessOutcome } from '../../profiles/process-customer-message.js';
import type { SegmentChanges } from '../../segments/membership-hook.js';
import type { DrainStats } from '../queue-driver.js';
import { WriteMeter } from '../../aws/write-meter.js';
import { CapacityStats } from './capacity-stats.js';

/** Where one queued SendRequest stands: decided for good (`end`), or deferred until `wakeAt`. */
export interface SendFate {
  journeyId: string;
  customerId: string;
  stepId: string;
  /** `sent` or the refusal reason: the request's last word. */
  end?: string;
  /** The latest quiet-hours deferral. */
  wakeAt?: string;
}

/** A queued send that had no last word when the demo stopped, and when it is due. */
export interface PendingSend {
  customerId: string;
  stepId: string;
  /** `deferred`: waiting for quiet hours to end; `queued`: still in the sends queue. */
  why: 'deferred' | 'queued';
  dueAt: string;
}

/**
 * Every SendRequest a journey queued, and how each ended: `queued = sent + Σ refused + pending`.
 * `pending` is read from the sends queue and the deferral table when the demo stops, never
 * inferred, so a request that went nowhere shows as `unaccounted` (and fails the demo's test).
 */
export interface SendAccount {
  /** Distinct requests the journey queued (a redelivered step queues the same message id again). */
  queued: number;
  sent: number;
  /** Refusals that ended a request, by reason (`holdout`, `no_consent`, `frequency_cap`…; `dead_lettered` when the send handler failed it every time). */
  refused: Record<string, number>;
  pending: PendingSend[];
  /** queued − sent − refused − pending: 0 unless a request was lost. */
  unaccounted: number;
}

export class DemoStats {
  readonly capacity = new CapacityStats();
  /**
   * Every write process-events made (the events queue's messages of every kind). Sole meters: the
   * demo drains one queue at a time and awaits each step, so nothing else writes meanwhile.
   */
  readonly eventWrites = new WriteMeter({ sole: true });
  /** Every write of the send path (send handler, release-deferred), and the decisions it took. */
  readonly sendWrites = new WriteMeter({ sole: true });
  decisions = 0;
  profilesWritten = 0;
  identityMerges = 0;
  readonly segmentFlows: Record<string, { entered: number; exited: number }> = {};
  readonly events = {
    posted: 0,
    accepted: 0,
    rejected: 0,
    rejectedByReason: {} as Record<string, number>,
    /** Redelivered or re-posted events that changed nothing. */
    duplicates: 0,
  };
  readonly queue = { deliveries: 0, retried: 0, deadLettered: 0 };
  readonly expiry = { passes: 0, rechecks: 0 };
  /** SendRequests queued, by journey. */
  readonly queuedSends: Record<string, number> = {};
  /** Messages that went out, by channel; other decisions by reason. */
  readonly sends: Record<Channel, number> = { email: 0, sms: 0, push: 0, webhook: 0, call: 0, whatsapp: 0 };
  readonly refusals: Record<string, number> = {};
  /** The same refusals (and rate-limit retries) per journey. */
  readonly journeyRefusals: Record<string, Record<string, number>> = {};
  /** Emails sent since the last look, with when: their SES feedback and response orders are still to come. */
  readonly sentEmails: { request: SendRequest; at: number }[] = [];
  readonly feedback: Record<string, number> = {};
  responseOrders = 0;
  /** Call tasks created since the last look, with when: the agents' outcomes are still to come. */
  readonly sentCalls: { request: SendRequest; at: number }[] = [];
  /** Outcomes the demo's agents reported (`Call Completed`), by outcome. */
  readonly callOutcomes: Record<string, number> = {};
  /** Each queued request's fate, by customer and message id (one scheduled slot's sends share their message id). */
  readonly sendFates = new Map<string, SendFate>();

  constructor(private readonly clock: { now(): Date }) {}

  /** A process-events outcome (the handler's onOutcome). */
  processed(outcome: ProcessOutcome & { kind: string; eventName?: string }): void {
    this.capacity.record(outcome.eventName ?? outcome.kind, outcome.capacityUnits);
    if (outcome.status === 'applied') this.profilesWritten++;
    if (outcome.status === 'duplicate') this.events.duplicates++;
    if (outcome.merge === 'merged') this.identityMerges++;
  }

  segmentsMoved(changes: SegmentChanges): void {
    for (const id of changes.entered) this.flow(id).entered++;
    for (const id of changes.exited) this.flow(id).exited++;
  }

  drained(stats: DrainStats): void {
    this.queue.deliveries += stats.delivered;
    this.queue.retried += stats.failed;
    this.queue.deadLettered += stats.movedToDlq;
  }

  posted(count: number, result: { accepted?: number; rejected?: { field: string; reason: string }[] }): void {
    this.events.posted += count;
    this.events.accepted += result.accepted ?? 0;
    for (const rejection of result.rejected ?? []) {
      this.events.rejected++;
      const key = `${rejection.field}: ${rejection.reason}`;
      this.events.rejectedByReason[key] = (this.events.rejectedByReason[key] ?? 0) + 1;
    }
  }

  queued(requests: readonly SendRequest[]): void {
    for (const request of requests) {
      this.queuedSends[request.journeyId] = (this.queuedSends[request.journeyId] ?? 0) + 1;
      if (!this.sendFates.has(sendKey(request)))
        this.sendFates.set(sendKey(request), {
          journeyId: request.journeyId,
          customerId: request.customerId,
          stepId: request.stepId,
        });
    }
  }

  /** What the send handler decided: tallied (a rate or throttling deferral by its cause), and the request's fate moved on. */
  decided(request: SendRequest, result: SendResult): void {
    this.decisions++;
    const paced = result.reason === 'deferred' && (result.cause === 'rate_limited' || result.cause === 'throttled');
    this.tally(request, paced && result.cause ? result.cause : result.reason, result.channel);
    const fate = this.sendFates.get(sendKey(request));
    // A decision after the last word (a duplicate) changes nothing.
    if (!fate || fate.end !== undefined) return;
    if (result.reason === 'deferred') fate.wakeAt = result.wakeAt;
    else fate.end = result.reason;
  }

  /**
   * Each journey's account when the demo stops (requests keyed by `sendKey`): `pending` are the requests without a last word
   * still in the sends queue (`queued`) or the deferral table (`deferred`); `deadLettered` are the
   * message ids the send handler failed every time (moved to the sends DLQ).
   */
  accounts(
    journeyIds: readonly string[],
    waiting: { queued: readonly string[]; deferred: ReadonlyMap<string, string>; deadLettered: readonly string[] },
    now: string,
  ): Record<string, SendAccount> {
    const accounts: Record<string, SendAccount> = Object.fromEntries(
      journeyIds.map((id) => [id, { queued: 0, sent: 0, refused: {}, pending: [], unaccounted: 0 }]),
    );
    const account = (journeyId: string): SendAccount =>
      (accounts[journeyId] ??= { queued: 0, sent: 0, refused: {}, pending: [], unaccounted: 0 });
    const queued = new Set(waiting.queued);
    const deadLettered = new Set(waiting.deadLettered);
    for (const [key, fate] of this.sendFates) {
      const entry = account(fate.journeyId);
      entry.queued++;
      const end = fate.end ?? (deadLettered.has(key) ? 'dead_lettered' : undefined);
      const deferredUntil = waiting.deferred.get(key);
      if (end === 'sent') entry.sent++;
      else if (end !== undefined) entry.refused[end] = (entry.refused[end] ?? 0) + 1;
      else if (deferredUntil !== undefined)
        entry.pending.push({ customerId: fate.customerId, stepId: fate.stepId, why: 'deferred', dueAt: deferredUntil });
      else if (queued.has(key))
        entry.pending.push({ customerId: fate.customerId, stepId: fate.stepId, why: 'queued', dueAt: now });
      else entry.unaccounted++;
    }
    for (const entry of Object.values(accounts)) {
      entry.refused = Object.fromEntries(Object.entries(entry.refused).sort(([a], [b]) => a.localeCompare(b)));
      entry.pending.sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.customerId.localeCompare(b.customerId));
    }
    return accounts;
  }

  private tally(request: SendRequest, reason: string, channel: Channel): void {
    if (reason === 'sent') {
      this.sends[channel]++;
      if (channel === 'email') this.sentEmails.push({ request, at: this.clock.now().getTime() });
      if (channel === 'call') this.sentCalls.push({ request, at: this.clock.now().getTime() });
    } else {
      this.refusals[reason] = (this.refusals[reason] ?? 0) + 1;
      const journey = (this.journeyRefusals[request.journeyId] ??= {});
      journey[reason] = (journey[reason] ?? 0) + 1;
    }
  }

  private flow(id: string): { entered: number; exited: number } {
    this.segmentFlows[id] ??= { entered: 0, exited: 0 };
    return this.segmentFlows[id];
  }
}

/** A queued request's identity: the customer and the message id (the send ledger's key). */
export function sendKey(request: Pick<SendRequest, 'customerId' | 'messageId'>): string {
  return `${request.customerId}\n${request.messageId}`;
}
