/**
 * Fault injection around the ports (issue 10, "Faults"): wrappers that make a seeded share of
 * calls fail the way AWS does — DynamoDB throttling, a conditional-check race lost to another
 * writer, a crash after a write landed (the process died before it could answer), provider
 * throttling and 5xx. Every injected fault is counted by kind, so a run can report how many it
 * survived. Faults never change stored data themselves: a "crash after" lets the real write
 * happen and then throws, exactly what a Lambda timeout after the call would look like.
 */
import { ProviderError } from '../../shared/channels/provider-error.js';
import type {
  EmailSender,
  LedgerClaim,
  LedgerEntry,
  LedgerKey,
  OutgoingEmail,
  PushNotification,
  PushResult,
  PushSender,
  SendLedger,
  Sms,
  SmsSender,
} from '../../shared/channels/ports.js';
import type { CustomerMessage } from '../../shared/events/messages.js';
import type { EventQueueMessage } from '../../shared/events/request-events-message.js';
import type { SqsHandler } from '../../shared/local/queue-driver.js';
import type { Profile } from '../../shared/profiles/schema.js';
import {
  VersionConflictError,
  type EventDeadLetters,
  type IdentityMap,
  type OrderLedger,
  type OrderRecord,
  type ProfileStore,
  type Random,
  type RequestEventQueue,
  type WriteReceipt,
} from '../../shared/ports.js';

export type FaultKind =
  | 'dynamo-throttle'
  | 'version-race'
  | 'crash-after-profile-write'
  | 'crash-after-order-claim'
  | 'crash-before-order-applied'
  | 'queue-throttle'
  | 'provider-throttle'
  | 'provider-5xx'
  | 'crash-after-provider-call'
  | 'crash-before-settle'
  | 'redelivery'
  | 'crash-mid-batch';

/** Probability of each fault per eligible call (0 or absent: never). */
export type FaultRates = Partial<Record<FaultKind, number>>;

/** Raised for an injected DynamoDB throttle; shaped like the SDK's error so classifiers treat it alike. */
export class InjectedThrottlingError extends Error {
  override readonly name = 'ProvisionedThroughputExceededException';
  readonly $metadata = { httpStatusCode: 400 };
  constructor(operation: string) {
    super(`injected throttle on ${operation}`);
  }
}

/** The process "died" after the call reached the store or the provider: the caller never hears back. */
export class InjectedCrashError extends Error {
  override readonly name = 'InjectedCrashError';
}

/** Decides, counts and switches off the faults of one run. */
export class FaultInjector {
  readonly injected: Record<FaultKind, number> = {
    'dynamo-throttle': 0,
    'version-race': 0,
    'crash-after-profile-write': 0,
    'crash-after-order-claim': 0,
    'crash-before-order-applied': 0,
    'queue-throttle': 0,
    'provider-throttle': 0,
    'provider-5xx': 0,
    'crash-after-provider-call': 0,
    'crash-before-settle': 0,
    redelivery: 0,
    'crash-mid-batch': 0,
  };
  /** Off: every call passes through (a redrive after the faults are gone). */
  enabled = true;

  constructor(
    private readonly random: Random,
    private readonly rates: FaultRates,
  ) {}

  /** True (and counted) when `kind` strikes this call. */
  strikes(kind: FaultKind): boolean {
    const rate = this.rates[kind] ?? 0;
    if (!this.enabled || rate <= 0 || this.random.next() >= rate) return false;
    this.injected[kind]++;
    return true;
  }

  get total(): number {
    return Object.values(this.injected).reduce((sum, count) => sum + count, 0);
  }
}

export class FaultyProfileStore implements ProfileStore {
  constructor(
    private readonly inner: ProfileStore,
    private readonly faults: FaultInjector,
  ) {}

  async getProfile(customerId: string): Promise<Profile | undefined> {
    if (this.faults.strikes('dynamo-throttle')) throw new InjectedThrottlingError('GetItem');
    return this.inner.getProfile(customerId);
  }

  async getProfiles(customerIds: readonly string[]): Promise<Map<string, Profile>> {
    if (this.faults.strikes('dynamo-throttle')) throw new InjectedThrottlingError('BatchGetItem');
    return this.inner.getProfiles(customerIds);
  }

  async putProfile(
    profile: Profile,
    expectedVersion: number | undefined,
  ): Promise<{ profile: Profile; receipt: WriteReceipt }> {
    if (this.faults.strikes('dynamo-throttle')) throw new InjectedThrottlingError('PutItem');
    // Another writer won the race: the conditional write fails as DynamoDB would answer it.
    if (this.faults.strikes('version-race')) throw new VersionConflictError(profile.id, expectedVersion);
    const written = await this.inner.putProfile(profile, expectedVersion);
    if (this.faults.strikes('crash-after-profile-write'))
      throw new InjectedCrashError(`crashed after writing profile version ${written.profile.version}`);
    return written;
  }
}

export class FaultyOrderLedger implements OrderLedger {
  constructor(
    private readonly inner: OrderLedger,
    private readonly faults: FaultInjector,
  ) {}

  async claimOrder(order: OrderRecord): Promise<{ status: 'new' | 'pending' | 'applied'; receipt: WriteReceipt }> {
    if (this.faults.strikes('dynamo-throttle')) throw new InjectedThrottlingError('PutItem O#');
    const claimed = await this.inner.claimOrder(order);
    if (this.faults.strikes('crash-after-order-claim')) throw new InjectedCrashError('crashed after the order claim');
    return claimed;
  }

  async markOrderApplied(customerId: string, orderId: string): Promise<WriteReceipt> {
    if (this.faults.strikes('crash-before-order-applied'))
      throw new InjectedCrashError('crashed before marking the order applied');
    return this.inner.markOrderApplied(customerId, orderId);
  }

  async putOrders(orders: OrderRecord[]): Promise<WriteReceipt> {
    if (this.faults.strikes('dynamo-throttle')) throw new InjectedThrottlingError('BatchWriteItem O#');
    return this.inner.putOrders(orders);
  }

  async getOrders(keys: readonly { customerId: string; orderId: string }[]): Promise<OrderRecord[]> {
    if (this.faults.strikes('dynamo-throttle')) throw new InjectedThrottlingError('BatchGetItem O#');
    return this.inner.getOrders(keys);
  }

  listOrders(customerId: string): Promise<OrderRecord[]> {
    return this.inner.listOrders(customerId);
  }
}

export class FaultyIdentityMap implements IdentityMap {
  constructor(
    private readonly inner: IdentityMap,
    private readonly faults: FaultInjector,
  ) {}

  async resolve(anonymousIds: readonly string[]): Promise<Map<string, string>> {
    if (this.faults.strikes('dynamo-throttle')) throw new InjectedThrottlingError('BatchGetItem ID#');
    return this.inner.resolve(anonymousIds);
  }

  async link(anonymousId: string, userId: string): Promise<{ userId: string; receipt: WriteReceipt }> {
    if (this.faults.strikes('dynamo-throttle')) throw new InjectedThrottlingError('PutItem ID#');
    return this.inner.link(anonymousId, userId);
  }
}

/** Sends under `queue-throttle`; its dead-letter side (decision 286) is the inner queue's, without faults. */
export class FaultyEventQueue implements RequestEventQueue, EventDeadLetters {
  constructor(
    private readonly inner: RequestEventQueue & EventDeadLetters,
    private readonly faults: FaultInjector,
  ) {}

  get maxReceiveCount(): number {
    return this.inner.maxReceiveCount;
  }

  async enqueue(messages: readonly EventQueueMessage[]): Promise<void> {
    if (this.faults.strikes('queue-throttle')) throw new InjectedThrottlingError('SendMessageBatch');
    return this.inner.enqueue(messages);
  }

  deadLetterAlone(message: CustomerMessage): Promise<void> {
    return this.inner.deadLetterAlone(message);
  }
}

/** Runs a provider call under `provider-throttle` (nothing sent), `provider-5xx` and `crash-after-provider-call` (both: it may have gone out). */
async function providerCall<T>(faults: FaultInjector, call: () => Promise<T>): Promise<T> {
  if (faults.strikes('provider-throttle')) throw new ProviderError('throttled', 'Throttling');
  if (faults.strikes('provider-5xx')) {
    // A 5xx after the provider took the message: it went out, and nobody knows.
    await call();
    throw new ProviderError('unknown', 'InternalFailure');
  }
  const result = await call();
  if (faults.strikes('crash-after-provider-call')) throw new InjectedCrashError('crashed before the provider answered');
  return result;
}

export class FaultyEmailSender implements EmailSender {
  constructor(
    private readonly inner: EmailSender,
    private readonly faults: FaultInjector,
  ) {}

  sendEmail(email: OutgoingEmail): Promise<{ providerMessageId: string }> {
    return providerCall(this.faults, () => this.inner.sendEmail(email));
  }
}

export class FaultySmsSender implements SmsSender {
  constructor(
    private readonly inner: SmsSender,
    private readonly faults: FaultInjector,
  ) {}

  sendSms(sms: Sms): Promise<{ providerMessageId: string }> {
    return providerCall(this.faults, () => this.inner.sendSms(sms));
  }
}

export class FaultyPushSender implements PushSender {
  constructor(
    private readonly inner: PushSender,
    private readonly faults: FaultInjector,
  ) {}

  sendPush(push: PushNotification): Promise<PushResult> {
    return providerCall(this.faults, () => this.inner.sendPush(push));
  }
}

/**
 * The send ledger with `crash-before-settle`: the process dies after the provider answered and
 * before the ledger heard of it, so the entry stays `claimed` — the reconciler's case.
 */
export class FaultySendLedger implements SendLedger {
  constructor(
    private readonly inner: SendLedger,
    private readonly faults: FaultInjector,
  ) {}

  find(customerId: string, messageId: string): Promise<LedgerEntry | undefined> {
    return this.inner.find(customerId, messageId);
  }

  findEntries(keys: readonly LedgerKey[]): Promise<LedgerEntry[]> {
    return this.inner.findEntries(keys);
  }

  async claim(claim: LedgerClaim): Promise<boolean> {
    if (this.faults.strikes('dynamo-throttle')) throw new InjectedThrottlingError('PutItem M#');
    return this.inner.claim(claim);
  }

  async settle(...args: Parameters<SendLedger['settle']>): Promise<void> {
    if (this.faults.strikes('crash-before-settle'))
      throw new InjectedCrashError('crashed between the provider call and settling the claim');
    return this.inner.settle(...args);
  }

  reclaim(...args: Parameters<SendLedger['reclaim']>): Promise<boolean> {
    return this.inner.reclaim(...args);
  }

  failAfterSent(...args: Parameters<SendLedger['failAfterSent']>): Promise<boolean> {
    return this.inner.failAfterSent(...args);
  }

  release(customerId: string, messageId: string): Promise<void> {
    return this.inner.release(customerId, messageId);
  }

  staleClaims(claimedBefore: string): AsyncIterable<LedgerEntry> {
    return this.inner.staleClaims(claimedBefore);
  }
}

/**
 * Wraps an SQS handler the way an unreliable event source mapping and a crashing function would
 * behave: `crash-mid-batch` runs only the first records of a batch and then throws (the whole
 * batch comes back, its head already applied); `redelivery` reports a batch that succeeded as
 * failed, so it is delivered again — never beyond `maxDeliveries` receives of a record.
 */
export function faultySqsHandler(
  handler: SqsHandler,
  faults: FaultInjector,
  options: { maxDeliveries?: number } = {},
): SqsHandler {
  const maxDeliveries = options.maxDeliveries ?? 3;
  return async (event, context) => {
    if (event.Records.length > 1 && faults.strikes('crash-mid-batch')) {
      const head = event.Records.slice(0, Math.max(1, Math.floor(event.Records.length / 2)));
      await handler({ Records: head }, context);
      throw new InjectedCrashError(`crashed after ${head.length} of ${event.Records.length} records`);
    }
    const response = await handler(event, context);
    const receivedOften = event.Records.some(
      (record) => Number(record.attributes.ApproximateReceiveCount) >= maxDeliveries,
    );
    if (!receivedOften && faults.strikes('redelivery')) {
      return { batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })) };
    }
    return response;
  };
}
