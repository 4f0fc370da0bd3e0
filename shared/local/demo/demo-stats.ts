/**
 * Everything `sadakat demo` counts while it plays, in one object: the steps of run-demo.ts record
 * into it, and the summary is read off it at the end.
 */
import type { Channel, SendRequest } from '../../channels/send-request.js';
import type { ProcessOutcome } from '../../profiles/process-customer-message.js';
import type { SegmentChanges } from '../../segments/membership-hook.js';
import type { DrainStats } from '../queue-driver.js';
import { CapacityStats } from './capacity-stats.js';

export class DemoStats {
  readonly capacity = new CapacityStats();
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
  readonly sends: Record<Channel, number> = { email: 0, sms: 0, push: 0 };
  readonly refusals: Record<string, number> = {};
  /** The same refusals (and rate-limit retries) per journey. */
  readonly journeyRefusals: Record<string, Record<string, number>> = {};
  /** Emails sent since the last look, with when: their SES feedback and response orders are still to come. */
  readonly sentEmails: { request: SendRequest; at: number }[] = [];
  readonly feedback: Record<string, number> = {};
  responseOrders = 0;

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
    for (const request of requests)
      this.queuedSends[request.journeyId] = (this.queuedSends[request.journeyId] ?? 0) + 1;
  }

  /** What the send handler decided (a retry's cause for a request the queue retries). */
  decided(request: SendRequest, reason: string, channel: Channel): void {
    if (reason === 'sent') {
      this.sends[channel]++;
      if (channel === 'email') this.sentEmails.push({ request, at: this.clock.now().getTime() });
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
