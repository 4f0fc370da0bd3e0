/**
 * An in-process queue with the semantics of an SQS FIFO queue (STACK "Local engines": no SQS
 * emulator works with the v3 SDK), on an injected clock so tests and the demo are deterministic:
 *
 * - messages of one group are delivered in the order they were sent, and never while another
 *   message of the group is in flight (received, not deleted, visibility timeout not expired);
 * - a deduplication id seen in the same message group within the deduplication window is
 *   accepted and dropped: deduplication per message group, as the deployed queues are in
 *   high-throughput mode (infra/constructs/customer-queue.ts). Two customers' messages with the
 *   same id — the sends of one scheduled slot share their run id — are both kept;
 * - a received message becomes visible again when its visibility timeout expires, and every
 *   receive counts towards ApproximateReceiveCount;
 * - a message that was already received `maxReceiveCount` times moves to the dead-letter queue
 *   on the next receive instead of being delivered (without a DLQ it is dropped — SQS would
 *   redeliver forever, but a local loop must end).
 */
import { randomUUID } from 'node:crypto';
import { messageDeduplicationId, messageGroupId } from '../events/fifo-ids.js';
import type { CustomerMessage } from '../events/messages.js';
import type { EventQueueMessage } from '../events/request-events-message.js';
import type { Clock, EventDeadLetters, EventQueue, RequestEventQueue } from '../ports.js';

export interface LocalFifoQueueOptions {
  /** The queue name, `.fifo` included; it appears in the records' eventSourceARN. */
  name: string;
  clock: Clock;
  visibilityTimeoutSeconds?: number;
  maxReceiveCount?: number;
  deduplicationWindowSeconds?: number;
  dlq?: LocalFifoQueue;
}

export interface OutgoingMessage {
  body: string;
  groupId: string;
  deduplicationId: string;
}

export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  groupId: string;
  deduplicationId: string;
  sequenceNumber: string;
  /** Epoch milliseconds, on the queue's clock. */
  sentTimestamp: number;
  firstReceiveTimestamp: number;
  receiveCount: number;
}

interface StoredMessage {
  messageId: string;
  body: string;
  groupId: string;
  deduplicationId: string;
  sequenceNumber: string;
  sentTimestamp: number;
  receiveCount: number;
  firstReceiveTimestamp?: number;
  /** Set while in flight. */
  flight?: { receiptHandle: string; visibleAt: number };
}

interface Group {
  id: string;
  /** Send order. In-flight messages are always a prefix: a group is served only when none is in flight. */
  messages: StoredMessage[];
  inFlight: number;
}

/** SQS FIFO sequence numbers are large, increasing decimal strings. */
const FIRST_SEQUENCE = 18_000_000_000_000_000_000n;
/** ReceiveMessage's limit per call. */
const MAX_RECEIVE = 10;

export class LocalFifoQueue implements EventQueue, RequestEventQueue, EventDeadLetters {
  readonly name: string;
  readonly arn: string;
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
  readonly deduplicationWindowSeconds: number;
  /**
   * Messages that exceeded maxReceiveCount since the queue was created (moved to the DLQ, or
   * dropped without one), and events a consumer set aside there alone (deadLetterAlone).
   */
  deadLettered = 0;

  private readonly clock: Clock;
  private readonly dlq: LocalFifoQueue | undefined;
  private readonly groups = new Map<string, Group>();
  /** Groups with messages and nothing in flight, in the order they became servable. */
  private readonly servable = new Map<string, Group>();
  private readonly inFlightByHandle = new Map<string, StoredMessage>();
  /** Group and deduplication id → when the id may be used again in the group, and the message it was first sent as. */
  private readonly seen = new Map<string, { until: number; messageId: string }>();
  private stored = 0;
  private sequence = FIRST_SEQUENCE;

  constructor(options: LocalFifoQueueOptions) {
    if (!options.name.endsWith('.fifo'))
      throw new Error(`queue name ${options.name}: a FIFO queue name must end in .fifo`);
    this.name = options.name;
    this.arn = `arn:aws:sqs:us-east-1:000000000000:${options.name}`;
    this.clock = options.clock;
    this.visibilityTimeoutSeconds = options.visibilityTimeoutSeconds ?? 30;
    this.maxReceiveCount = options.maxReceiveCount ?? 5;
    this.deduplicationWindowSeconds = options.deduplicationWindowSeconds ?? 300;
    this.dlq = options.dlq;
  }

  /** The EventQueue port: grouped by customer, deduplicated by the message's deduplication key. */
  async enqueue(messages: readonly EventQueueMessage[]): Promise<void> {
    for (const message of messages) {
      this.send({
        body: JSON.stringify(message),
        groupId: messageGroupId(message.customerId),
        deduplicationId: messageDeduplicationId(message),
      });
    }
  }

  /**
   * The EventDeadLetters port: `message` goes to this queue's DLQ as a message of its own (SQS:
   * SendMessage to the DLQ), counted in `deadLettered` like a message SQS moved there.
   */
  async deadLetterAlone(message: CustomerMessage): Promise<void> {
    this.deadLetter({
      messageId: randomUUID(),
      body: JSON.stringify(message),
      groupId: messageGroupId(message.customerId),
      deduplicationId: messageDeduplicationId(message),
      sequenceNumber: '0',
      sentTimestamp: this.now(),
      receiveCount: 0,
    });
  }

  /** SendMessage. A duplicate within the window is accepted and dropped, and answered with the first message's id. */
  send(message: OutgoingMessage): { messageId: string; duplicate: boolean } {
    const now = this.now();
    this.forgetExpiredDeduplicationIds(now);
    const key = `${message.groupId}\n${message.deduplicationId}`;
    const previous = this.seen.get(key);
    if (previous && previous.until > now) return { messageId: previous.messageId, duplicate: true };
    const messageId = randomUUID();
    this.seen.delete(key);
    this.seen.set(key, { until: now + this.deduplicationWindowSeconds * 1000, messageId });
    this.store({ ...message, messageId, sequenceNumber: String(this.sequence++), sentTimestamp: now, receiveCount: 0 });
    return { messageId, duplicate: false };
  }

  /** ReceiveMessage: up to `max` (1–10) messages, as many as possible from the first servable group, then the next. */
  receive(max = MAX_RECEIVE): ReceivedMessage[] {
    if (!Number.isInteger(max) || max < 1 || max > MAX_RECEIVE)
      throw new Error(`receive: max must be an integer from 1 to ${MAX_RECEIVE}, got ${max}`);
    const now = this.now();
    this.endExpiredFlights(now);
    const received: ReceivedMessage[] = [];
    for (const group of this.servable.values()) {
      if (received.length === max) break;
      let index = 0;
      while (received.length < max && index < group.messages.length) {
        const message = group.messages[index] as StoredMessage;
        if (message.receiveCount >= this.maxReceiveCount) {
          group.messages.splice(index, 1);
          this.stored--;
          this.deadLetter(message);
          continue;
        }
        received.push(this.deliver(message, group, now));
        index++;
      }
      // Deleting the current entry while iterating a Map is safe.
      if (group.inFlight > 0 || group.messages.length === 0) this.servable.delete(group.id);
      if (group.messages.length === 0) this.groups.delete(group.id);
    }
    return received;
  }

  /** DeleteMessage. False when the handle is stale (its visibility expired or it was deleted already). */
  delete(receiptHandle: string): boolean {
    const message = this.liveFlight(receiptHandle);
    if (!message) return false;
    const group = this.groups.get(message.groupId) as Group;
    group.messages.splice(group.messages.indexOf(message), 1);
    this.stored--;
    this.land(message, group);
    return true;
  }

  /** ChangeMessageVisibility: the message becomes visible `seconds` from now (0: at once). False when the handle is stale. */
  changeVisibility(receiptHandle: string, seconds: number): boolean {
    const message = this.liveFlight(receiptHandle);
    if (!message?.flight) return false;
    message.flight.visibleAt = this.now() + seconds * 1000;
    return true;
  }

  /**
   * DLQ redrive (SQS StartMessageMoveTask back to this source queue): every dead-lettered message
   * returns, group order kept, with its id, body, group and deduplication id and a fresh receive
   * count. Deduplication does not apply: a moved message is not a new send. A DLQ group with a
   * message in flight (someone is inspecting it) stays, so no message overtakes another of its
   * group. Returns how many moved.
   */
  redrive(): number {
    const dlq = this.dlq;
    if (!dlq) throw new Error(`queue ${this.name} has no dead-letter queue to redrive`);
    let moved = 0;
    for (const group of [...dlq.groups.values()]) {
      if (group.inFlight > 0) continue;
      for (const message of group.messages.splice(0)) {
        dlq.stored--;
        this.store({
          messageId: message.messageId,
          body: message.body,
          groupId: message.groupId,
          deduplicationId: message.deduplicationId,
          sequenceNumber: String(this.sequence++),
          sentTimestamp: message.sentTimestamp,
          receiveCount: 0,
        });
        moved++;
      }
      dlq.groups.delete(group.id);
      dlq.servable.delete(group.id);
    }
    return moved;
  }

  /** The body of every message the queue holds, in flight or not (a read: nothing is received). */
  bodies(): string[] {
    return [...this.groups.values()].flatMap((group) => group.messages.map((message) => message.body));
  }

  /** Messages stored and not in flight (ApproximateNumberOfMessages; includes those waiting behind an in-flight message of their group). */
  get depth(): number {
    return this.stored - this.inFlight;
  }

  /** Messages received and neither deleted nor visible again (ApproximateNumberOfMessagesNotVisible). */
  get inFlight(): number {
    const now = this.now();
    let count = 0;
    for (const message of this.inFlightByHandle.values()) if ((message.flight?.visibleAt ?? 0) > now) count++;
    return count;
  }

  /** When the earliest in-flight message becomes visible again; undefined when none is in flight. */
  nextVisibleAt(): Date | undefined {
    let earliest: number | undefined;
    for (const message of this.inFlightByHandle.values()) {
      const visibleAt = message.flight?.visibleAt ?? 0;
      if (earliest === undefined || visibleAt < earliest) earliest = visibleAt;
    }
    return earliest === undefined ? undefined : new Date(earliest);
  }

  /** Makes every in-flight message visible now, as if each got ChangeMessageVisibility 0. Returns how many. */
  expireVisibility(): number {
    const now = this.now();
    for (const message of this.inFlightByHandle.values()) if (message.flight) message.flight.visibleAt = now;
    const count = this.inFlightByHandle.size;
    this.endExpiredFlights(now);
    return count;
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  private store(message: StoredMessage): void {
    let group = this.groups.get(message.groupId);
    if (!group) {
      group = { id: message.groupId, messages: [], inFlight: 0 };
      this.groups.set(group.id, group);
    }
    group.messages.push(message);
    this.stored++;
    if (group.inFlight === 0) this.servable.set(group.id, group);
  }

  private deliver(message: StoredMessage, group: Group, now: number): ReceivedMessage {
    const receiptHandle = randomUUID();
    message.receiveCount++;
    message.firstReceiveTimestamp ??= now;
    message.flight = { receiptHandle, visibleAt: now + this.visibilityTimeoutSeconds * 1000 };
    this.inFlightByHandle.set(receiptHandle, message);
    group.inFlight++;
    return {
      messageId: message.messageId,
      receiptHandle,
      body: message.body,
      groupId: message.groupId,
      deduplicationId: message.deduplicationId,
      sequenceNumber: message.sequenceNumber,
      sentTimestamp: message.sentTimestamp,
      firstReceiveTimestamp: message.firstReceiveTimestamp,
      receiveCount: message.receiveCount,
    };
  }

  /** Ends a message's flight (deleted, or visible again) and lets its group be served once none is left in flight. */
  private land(message: StoredMessage, group: Group): void {
    if (message.flight) this.inFlightByHandle.delete(message.flight.receiptHandle);
    delete message.flight;
    group.inFlight--;
    if (group.messages.length === 0) this.groups.delete(group.id);
    else if (group.inFlight === 0) this.servable.set(group.id, group);
  }

  private liveFlight(receiptHandle: string): StoredMessage | undefined {
    const message = this.inFlightByHandle.get(receiptHandle);
    if (!message?.flight) return undefined;
    if (message.flight.visibleAt <= this.now()) {
      this.land(message, this.groups.get(message.groupId) as Group);
      return undefined;
    }
    return message;
  }

  private endExpiredFlights(now: number): void {
    for (const message of [...this.inFlightByHandle.values()]) {
      if (message.flight && message.flight.visibleAt <= now)
        this.land(message, this.groups.get(message.groupId) as Group);
    }
  }

  private deadLetter(message: StoredMessage): void {
    this.deadLettered++;
    // The DLQ keeps the message id, group and body; its own receive count starts afresh.
    this.dlq?.store({
      messageId: message.messageId,
      body: message.body,
      groupId: message.groupId,
      deduplicationId: message.deduplicationId,
      sequenceNumber: String(this.dlq.sequence++),
      sentTimestamp: message.sentTimestamp,
      receiveCount: 0,
    });
  }

  private forgetExpiredDeduplicationIds(now: number): void {
    // Insertion order is expiry order while the clock moves forward; lookups re-check `until` anyway.
    for (const [id, entry] of this.seen) {
      if (entry.until > now) break;
      this.seen.delete(id);
    }
  }
}
