/**
 * `sadakat serve --trace`: when each event reached serve, when its profile write committed and
 * when its send decision was made, one line per event, measured inside serve on one clock. The
 * load bench reads these lines; nothing here changes what the pipeline does.
 *
 * An event's sends are the SendRequests its processing enqueued: process-events handles one
 * customer's messages one at a time (a FIFO group is never in two invocations), so the requests
 * queued for a customer between two outcomes belong to the message whose outcome comes next.
 * An event whose processing queued nothing ends with decision `none` at its profile time. The
 * profile time is the message's first committed profile write (journeys run after it and may
 * write again), or the end of its processing when nothing was written (a duplicate).
 *
 * Lines carry the client's messageId and times only: no customer id, address or payload.
 */
import type { SendReason } from '../channels/send-outcome.js';
import type { SendQueue, SendRequest } from '../channels/send-request.js';
import { customerMessagesOf } from '../events/request-events-message.js';
import type { RequestEventQueue } from '../ports.js';
import { roundTo } from '../rounding.js';

/** Microseconds are enough, and keep the lines short. */
const MICROSECOND_DIGITS = 3;

export interface TraceLine {
  messageId: string;
  /** Epoch milliseconds (fractional) when the HTTP request carrying the event arrived. */
  receivedAt: number;
  /** When the event's profile write committed (or its processing ended, when it wrote nothing). */
  profileAt: number;
  /** When the last of its sends was decided, or `profileAt` when it queued none. */
  decisionAt: number;
  /** `none` when no send was queued; else the send handler's reason (several joined by `+`). */
  decision: 'none' | SendReason | string;
}

/** What the tracer needs from a process-events outcome. */
export interface TracedOutcome {
  customerId: string;
  eventMessageId?: string;
}

interface OpenEvent {
  receivedAt: number;
  profileAt?: number;
  openSends: number;
  decisions: { at: number; reason: SendReason }[];
}

/** A send whose event is not known yet (`event` unset) may already have been decided. */
interface SendLink {
  event?: string;
  decided?: { at: number; reason: SendReason };
}

/** Events never processed (rejected at ingest, or dropped as FIFO duplicates) are forgotten after this. */
const FORGET_AFTER_MS = 10 * 60_000;
const SWEEP_EVERY_RECEIPTS = 1000;

/** Epoch milliseconds with sub-millisecond precision (comparable across processes on one host). */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

export class EventTrace {
  private readonly events = new Map<string, OpenEvent>();
  private readonly sends = new Map<string, SendLink>();
  private readonly queuedFor = new Map<string, string[]>();
  private readonly firstWrite = new Map<string, number>();
  private receipts = 0;

  constructor(
    private readonly write: (line: TraceLine) => void,
    private readonly now: () => number = preciseNow,
  ) {}

  /** The HTTP request carrying these events arrived at `at`. */
  received(messageIds: readonly string[], at: number): void {
    for (const messageId of messageIds) this.events.set(messageId, { receivedAt: at, openSends: 0, decisions: [] });
    if ((this.receipts += messageIds.length) >= SWEEP_EVERY_RECEIPTS) this.forgetStale(at);
  }

  /**
   * Wraps the queue ingest puts events on: an event whose client sent no messageId gets its id
   * from ingest, so it is first seen here, a few milliseconds after its request arrived — its
   * receivedAt is this moment (the README's own curl example has no messageId).
   */
  eventQueue(inner: RequestEventQueue): RequestEventQueue {
    return {
      enqueue: async (messages) => {
        const at = this.now();
        // A request's message carries several events (decision 287): each is traced on its own.
        const unseen = messages
          .flatMap(customerMessagesOf)
          .flatMap((message) =>
            message.kind === 'event' && !this.events.has(message.event.messageId) ? [message.event.messageId] : [],
          );
        if (unseen.length > 0) this.received(unseen, at);
        await inner.enqueue(messages);
      },
    };
  }

  /** Wraps the journeys' send queue so the requests each message queued are known. */
  sendQueue(inner: SendQueue): SendQueue {
    return {
      enqueue: async (requests: readonly SendRequest[]) => {
        for (const request of requests) {
          this.sends.set(request.messageId, {});
          const queued = this.queuedFor.get(request.customerId) ?? [];
          queued.push(request.messageId);
          this.queuedFor.set(request.customerId, queued);
        }
        await inner.enqueue(requests);
      },
    };
  }

  /** A profile write committed; the first one of a message is its event's profile time. */
  profileWritten(customerId: string): void {
    if (!this.firstWrite.has(customerId)) this.firstWrite.set(customerId, this.now());
  }

  /** process-events finished a message. */
  processed(outcome: TracedOutcome): void {
    const queued = this.queuedFor.get(outcome.customerId) ?? [];
    this.queuedFor.delete(outcome.customerId);
    const writtenAt = this.firstWrite.get(outcome.customerId);
    this.firstWrite.delete(outcome.customerId);
    const event = outcome.eventMessageId === undefined ? undefined : this.events.get(outcome.eventMessageId);
    if (!event || event.profileAt !== undefined || outcome.eventMessageId === undefined) {
      // A wake, schedule or untraced message: its sends are not an event's decision.
      for (const sendId of queued) this.sends.delete(sendId);
      return;
    }
    event.profileAt = writtenAt ?? this.now();
    for (const sendId of queued) {
      const link = this.sends.get(sendId);
      if (!link) continue;
      if (link.decided) {
        event.decisions.push(link.decided);
        this.sends.delete(sendId);
      } else {
        link.event = outcome.eventMessageId;
        event.openSends++;
      }
    }
    if (event.openSends === 0) this.finish(outcome.eventMessageId, event);
  }

  /** The send handler decided a request (a deferral too: the request comes back as a new decision). */
  decided(request: SendRequest, result: { reason: SendReason }): void {
    const link = this.sends.get(request.messageId);
    if (!link) return;
    const decision = { at: this.now(), reason: result.reason };
    if (link.event === undefined) {
      link.decided = decision;
      return;
    }
    this.sends.delete(request.messageId);
    const event = this.events.get(link.event);
    if (!event) return;
    event.decisions.push(decision);
    if (--event.openSends === 0) this.finish(link.event, event);
  }

  /** Events still waiting for their profile or a send decision. */
  get open(): number {
    return this.events.size;
  }

  private finish(messageId: string, event: OpenEvent): void {
    this.events.delete(messageId);
    const profileAt = event.profileAt ?? this.now();
    const reasons = [...new Set(event.decisions.map((decision) => decision.reason))];
    this.write({
      messageId,
      receivedAt: roundTo(event.receivedAt, MICROSECOND_DIGITS),
      profileAt: roundTo(profileAt, MICROSECOND_DIGITS),
      decisionAt: roundTo(Math.max(profileAt, ...event.decisions.map((decision) => decision.at)), MICROSECOND_DIGITS),
      decision: reasons.length === 0 ? 'none' : reasons.join('+'),
    });
  }

  private forgetStale(now: number): void {
    this.receipts = 0;
    for (const [messageId, event] of this.events) {
      if (event.profileAt === undefined && now - event.receivedAt > FORGET_AFTER_MS) this.events.delete(messageId);
    }
  }
}
