/**
 * What the domain needs from the outside world (DESIGN "Layout"). shared/aws/ implements these
 * with the AWS SDK, shared/local/ with the embedded engine and in-process queues; unit tests pass
 * plain fakes. Nothing in shared/ outside those two folders imports an SDK.
 *
 * Every port is exported from here (issue 15, "Ports are found in one place"): the ones below are
 * declared in this file, the rest beside the domain code that owns them and re-exported at the end.
 * test/unit/ports-in-one-place.test.ts checks that every interface an adapter in shared/aws/ or
 * shared/local/ implements is exported here.
 */
import type { ScanSlice } from './analytics/refresh/ports.js';
import type { CustomerMessage } from './events/messages.js';
import type { EventQueueMessage } from './events/request-events-message.js';
import type { MembershipChanges } from './journeys/audiences.js';
import type { Profile } from './profiles/schema.js';

/** Capacity a write consumed, from DynamoDB's ReturnConsumedCapacity (0 where unknown). */
export interface WriteReceipt {
  capacityUnits: number;
}

/** Raised by a conditional profile write that lost the optimistic-concurrency race. */
export class VersionConflictError extends Error {
  override readonly name = 'VersionConflictError';
  constructor(
    readonly customerId: string,
    readonly expectedVersion: number | undefined,
  ) {
    super(`profile ${customerId} changed since version ${expectedVersion ?? 'none'} was read`);
  }
}

export interface ProfileStore {
  getProfile(customerId: string): Promise<Profile | undefined>;
  /** Many profiles at once (strongly consistent), keyed by customer id; missing ones are absent. */
  getProfiles(customerIds: readonly string[]): Promise<Map<string, Profile>>;
  /**
   * Writes `profile` with `version = expectedVersion + 1` (or 0 for a new one), conditional on
   * the stored version still being `expectedVersion` (or on no profile existing when undefined).
   * Throws VersionConflictError when the condition fails. Returns the profile as written.
   */
  putProfile(
    profile: Profile,
    expectedVersion: number | undefined,
  ): Promise<{ profile: Profile; receipt: WriteReceipt }>;
}

export interface OrderLine {
  productId: string;
  category?: string;
  quantity: number;
  price: number;
}

/** `O#<orderId>` items: permanent, the nightly fit's input and the exactly-once ledger for orders. */
export interface OrderRecord {
  customerId: string;
  orderId: string;
  at: string;
  amount: number;
  currency?: string;
  products: OrderLine[];
  /** The event that carried it (for audit). */
  messageId: string;
  status: 'pending' | 'applied';
}

export interface OrderLedger {
  /**
   * Puts the order `pending` unless an item for the id exists. Returns `new` when this call
   * created it, otherwise the stored status (`pending`: a previous attempt crashed mid-way and
   * must be re-applied; `applied`: skip).
   */
  claimOrder(order: OrderRecord): Promise<{ status: 'new' | 'pending' | 'applied'; receipt: WriteReceipt }>;
  markOrderApplied(customerId: string, orderId: string): Promise<WriteReceipt>;
  /** Batched unconditional puts with each order's own status (bulk import; copies at a merge). */
  putOrders(orders: OrderRecord[]): Promise<WriteReceipt>;
  /** Many orders by key at once (strongly consistent); those that do not exist are absent. */
  getOrders(keys: readonly { customerId: string; orderId: string }[]): Promise<OrderRecord[]>;
  listOrders(customerId: string): Promise<OrderRecord[]>;
}

/** `PK=ID#<anonymousId>`: which known customer an anonymous id belongs to. */
export interface IdentityMap {
  /** Resolves many anonymous ids at once; ids without a link are absent from the result. */
  resolve(anonymousIds: readonly string[]): Promise<Map<string, string>>;
  /** Links the anonymous id to the user unless it is already linked; returns the user it is linked to (first link wins). */
  link(anonymousId: string, userId: string): Promise<{ userId: string; receipt: WriteReceipt }>;
}

/** The events FIFO queue: messages are grouped by customer (sha256 of the customer id). */
export interface EventQueue {
  enqueue(messages: readonly CustomerMessage[]): Promise<void>;
}

/** ingest's side of the events queue: a request's events go in one message per customer (decision 285). */
export interface RequestEventQueue {
  enqueue(messages: readonly EventQueueMessage[]): Promise<void>;
}

/**
 * The events queue's dead-letter queue as process-events uses it (decision 286): on a request
 * message's last receive, an event that still fails is put there as its own message, as SQS
 * would put a message of its own there, and the request's other events go on.
 */
export interface EventDeadLetters {
  /** Receives after which the queue moves a message to the DLQ itself: the last receive a consumer sees. */
  readonly maxReceiveCount: number;
  /** Puts `message` on the dead-letter queue, in its customer's group. */
  deadLetterAlone(message: CustomerMessage): Promise<void>;
}

/** A profile whose earliest time-window membership change (`nextExpiryAt`) has come. */
export interface DueExpiry {
  customerId: string;
  nextExpiryAt: string;
}

/**
 * The sparse `expiry` index (DESIGN "Data model"): profiles by `nextExpiryAt`, spread over
 * shards `0 … shards-1`. `due` lists one shard's profiles with `nextExpiryAt <= until` (ISO),
 * earliest first, reading `pageSize` index entries per request.
 */
export interface ExpiryIndex {
  due(shard: number, until: string, pageSize: number): AsyncIterable<DueExpiry>;
}

/** Profiles read by a (parallel) scan: merged anonymous copies left out, unreadable items counted. */
export interface ScannedProfiles {
  profiles: AsyncIterable<Profile>;
  /** Items that did not match the profile schema (skipped, counted). */
  invalid(): number;
}

/**
 * Membership items of the segments scheduled journeys target (issue 20, shared/journeys/audiences.ts):
 * one per member and segment, listed by segment, time-zone bucket and shard (the `audience`
 * index), so the schedule pass reads only the due buckets' members.
 */
export interface AudienceIndex {
  readonly shards: number;
  /** The customer ids in one partition of the index (eventually consistent: a membership may be stale). */
  members(segment: string, bucket: string, shard: number): AsyncIterable<string>;
  /** The customer's membership items: segment → bucket (the writer's fallback when it has no earlier profile). */
  current(customerId: string): Promise<Map<string, string>>;
  /** Writes and deletes membership items; the units they cost. */
  apply(customerId: string, changes: MembershipChanges): Promise<WriteReceipt>;
  /**
   * Whether the index answers for `segments`: the index is ACTIVE and its backfill has covered
   * each segment (or the table was created with the index). `reason` says why not.
   */
  readiness(segments: readonly string[]): Promise<{ ready: true } | { ready: false; reason: string }>;
  /**
   * A profile writer keeps only `segments` in step from now on: any other segment the backfill
   * covered loses that state, so if it becomes an audience again the index is not read for it
   * until the backfill has run again. Returns the segments that lost it.
   */
  retain(segments: readonly string[]): Promise<string[]>;
}

/** Current profiles of one parallel-scan slice, or of the whole table without one. */
export type ProfileScan = (slice?: ScanSlice) => ScannedProfiles;

export interface Clock {
  now(): Date;
}

/**
 * Slots of scheduled passes (EventBridge Scheduler's `<aws.scheduler.scheduled-time>`): each
 * (pass, slot) is claimed once, so a repeated delivery of the same invocation does nothing.
 */
export interface PassSlots {
  /** True when this call took the slot; false when an earlier delivery already had it. */
  claim(pass: string, scheduledTime: string): Promise<boolean>;
}

export const systemClock: Clock = { now: () => new Date() };

/** Uniform random numbers in [0, 1): seeded locally (demo, simulation) so runs are reproducible. */
export interface Random {
  next(): number;
}

// Ports declared beside the domain code that owns them (type-only re-exports: no runtime import).
export type { ArchiveSink } from './archive/ports.js';
export type { CustomerScan, RefreshArtifacts, ScanSlice } from './analytics/refresh/ports.js';
export type { EngagementMarks } from './channels/engagement-marks.js';
export type { ContactAttributeSource } from './channels/call-feedback.js';
export type {
  CallTask,
  CallTaskSender,
  CapCounters,
  CapScope,
  DeferredSend,
  DueQueue,
  EmailSender,
  EngagementMetric,
  LedgerClaim,
  LedgerEntry,
  LedgerKey,
  LedgerStatus,
  MessageMetric,
  MessageStats,
  MessageStatsKey,
  MessageTags,
  PushNotification,
  PushResult,
  PushSender,
  WebhookSender,
  WhatsAppSender,
  OutgoingEmail,
  EmailHeader,
  SendDecisionLog,
  SendDecisionRecord,
  SendLedger,
  SendRateLimiter,
  Sms,
  SmsSender,
  SuppressionEntry,
  SuppressionList,
  SuppressionReason,
} from './channels/ports.js';
export type { SendQueue } from './channels/send-request.js';
export type { ConsoleIndexCounts } from './analytics/refresh/console-counts.js';
export type { ConfirmLimits } from './channels/confirm/limits.js';
export type { UnsubscribeKeyring } from './channels/unsubscribe-token.js';
export type { IdentitySecretSource } from './events/identity-token.js';
export type { ShardedDueIndex } from './events/sharded-due-pass.js';
export type { WriteKeyVerifier } from './events/write-key.js';
export type { DueRun, DueRunIndex, JourneyStore } from './journeys/journey-store.js';
export type { DoctorProbe } from './operations/doctor-probe.js';
export type { ErasedOrders } from './privacy/erased-order.js';
export type { PepperSource } from './privacy/pepper.js';
export type { RetentionPolicy } from './privacy/retention.js';
export type { CustomerErasureStore, CustomerItem, ErasureTombstone, OrderTombstones } from './privacy/ports.js';
export type { RefundLedger, RefundRecord } from './profiles/refund-from-event.js';
export type { SurveyAnswerLedger, SurveyAnswerRecord } from './profiles/survey-answers.js';
export type { SegmentChangeSink } from './segments/membership-hook.js';
