/**
 * Concurrency (issue 10): FIFO order broken on purpose — two process-events workers apply the
 * same customers' messages at the same time, one front to back and one back to front, so every
 * message is applied twice, concurrently and out of order. Optimistic concurrency (version-
 * conditional writes, re-read and retry) must leave what one in-order pass leaves.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHandler as buildProcessEventsHandler } from '../../functions/process-events.js';
import { messageGroupId } from '../../shared/events/fifo-ids.js';
import { localLambdaContext } from '../../shared/local/lambda-context.js';
import { dynamoTableAdapters } from '../../shared/aws/dynamo-table-adapters.js';
import { DynamoProfileStore } from '../../shared/aws/dynamo-profile-store.js';
import type { CustomerMessage } from '../../shared/events/messages.js';
import { INTERNAL_SOURCE } from '../../shared/events/messages.js';
import { normalizeCall } from '../../shared/events/normalize.js';
import { ensureTable } from '../../shared/local/dynamo-engine.js';
import { VersionConflictError, type ProfileStore } from '../../shared/ports.js';
import { processCustomerMessage, type ProcessDeps } from '../../shared/profiles/process-customer-message.js';
import type { Profile } from '../../shared/profiles/schema.js';
import { PROCESSING_AT, startEngine, type Engine } from './pipeline-harness.js';
import { shopEvents } from './shop-events.js';
import { composeProcessDeps } from '../../shared/wiring/compose.js';
import { wrappedTable } from '../../shared/wiring/wrapped-table.js';

const BATCH = 3;

/**
 * Makes the workers race for sure, however the machine schedules them: the first profile read
 * waits until the other worker reads the same customer, so both hold one version and one of their
 * writes must lose. Only one read waits at a time (never both workers, so no deadlock). Counts the
 * conditional writes that lost, to prove the workers really raced.
 */
class RacingProfileStore implements ProfileStore {
  conflicts = 0;
  private armed = true;
  private waiting: { id: string; release: () => void } | undefined;
  constructor(private readonly inner: ProfileStore) {}
  async getProfile(id: string) {
    await this.meet([id]);
    return this.inner.getProfile(id);
  }
  async getProfiles(ids: readonly string[]) {
    await this.meet(ids);
    return this.inner.getProfiles(ids);
  }
  async putProfile(profile: Profile, expectedVersion: number | undefined) {
    try {
      return await this.inner.putProfile(profile, expectedVersion);
    } catch (error) {
      if (error instanceof VersionConflictError) this.conflicts++;
      throw error;
    }
  }
  private async meet(ids: readonly string[]): Promise<void> {
    if (this.waiting && ids.includes(this.waiting.id)) {
      this.waiting.release();
      this.waiting = undefined;
      return;
    }
    const id = ids[0];
    if (!this.armed || this.waiting || id === undefined) return;
    this.armed = false;
    await new Promise<void>((release) => {
      this.waiting = { id, release };
    });
  }
}

/**
 * What the events made of the profile. The write counter and which ids the bounded ring of applied
 * ids still holds depend on arrival order (the ring keeps the latest), so only its size counts.
 */
function content(profile: Profile | undefined) {
  if (!profile) return undefined;
  // archiveKey is drawn at random when a profile is first written: two runs never share it.
  const { version: _version, archiveKey: _archiveKey, recentIds, ...rest } = profile;
  return { ...rest, recentIds: recentIds.length };
}

describe('two process-events workers on the same customers (dynalite)', { timeout: 120_000 }, () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await startEngine();
  }, 120_000);
  afterAll(async () => {
    await engine?.stop();
  });

  function depsFor(table: string, profiles: ProfileStore): ProcessDeps {
    const stored = dynamoTableAdapters(engine.runtime.doc, table, engine.runtime.pepper);
    return composeProcessDeps(
      {
        table: wrappedTable(stored, () => ({ profiles })),
        clock: { now: () => new Date(PROCESSING_AT) },
      },
      engine.campaign,
      null,
    );
  }

  it('keeps every profile equal to an in-order pass when two workers apply all messages concurrently in opposite orders', async () => {
    // Prepare
    const events = shopEvents({ customers: 4, seed: 99, idPrefix: 'race' });
    const messages: CustomerMessage[] = events.calls.map((call) => {
      const result = normalizeCall(call, { receivedAt: PROCESSING_AT, newMessageId: () => 'unused' });
      if (!result.ok) throw new Error(`fixture call rejected: ${result.field} ${result.reason}`);
      return { kind: 'event', customerId: String(call.userId), event: result.event, source: INTERNAL_SOURCE };
    });
    await ensureTable(engine.runtime.doc, 'in-order');
    await ensureTable(engine.runtime.doc, 'raced');
    const inOrder = depsFor('in-order', new DynamoProfileStore(engine.runtime.doc, 'in-order'));
    for (const message of messages) await processCustomerMessage(inOrder, message);
    const raced = new RacingProfileStore(new DynamoProfileStore(engine.runtime.doc, 'raced'));
    const racedDeps = depsFor('raced', raced);

    // Act
    const worker = async (order: readonly CustomerMessage[]) => {
      for (const message of order) await processCustomerMessage(racedDeps, message);
    };
    await Promise.all([worker(messages), worker([...messages].reverse())]);

    // Assess
    const expected = await inOrder.profiles.getProfiles(events.customerIds);
    const actual = await racedDeps.profiles.getProfiles(events.customerIds);
    for (const id of events.customerIds) {
      expect(content(actual.get(id))).toEqual(content(expected.get(id)));
      expect(actual.get(id)?.orders.count).toBe(events.ordersPerCustomer.get(id));
    }
    expect(raced.conflicts).toBeGreaterThan(0);
  });

  it('keeps them equal too when two process-events handlers (batch profile cache included) take the batches concurrently in opposite orders', async () => {
    // Prepare
    const events = shopEvents({ customers: 4, seed: 314, idPrefix: 'handler-race' });
    const messages = events.calls.map((call): CustomerMessage => {
      const result = normalizeCall(call, { receivedAt: PROCESSING_AT, newMessageId: () => 'unused' });
      if (!result.ok) throw new Error(`fixture call rejected: ${result.field} ${result.reason}`);
      return { kind: 'event', customerId: String(call.userId), event: result.event, source: INTERNAL_SOURCE };
    });
    await ensureTable(engine.runtime.doc, 'handler-in-order');
    await ensureTable(engine.runtime.doc, 'handler-raced');
    const inOrder = depsFor('handler-in-order', new DynamoProfileStore(engine.runtime.doc, 'handler-in-order'));
    for (const message of messages) await processCustomerMessage(inOrder, message);
    const raced = new RacingProfileStore(new DynamoProfileStore(engine.runtime.doc, 'handler-raced'));
    const handler = buildProcessEventsHandler({
      ...depsFor('handler-raced', raced),
      logger: new Logger({ serviceName: 'process-events', logLevel: 'SILENT' }),
    });
    const records = messages.map((message, index) => sqsRecord(message, index));

    // Act: each worker retries its failed records until none is left, as redelivery would
    const worker = async (order: readonly SQSRecord[]) => {
      let pending = [...order];
      for (let round = 0; pending.length > 0 && round < 20; round++) {
        const failed = new Set<string>();
        // Batches of 3: a coalesced batch writes each customer's profile once, so batches of 10 leave
        // the two workers few writes to race on (issue 19).
        for (let start = 0; start < pending.length; start += BATCH) {
          const response = await handler(
            { Records: pending.slice(start, start + BATCH) },
            localLambdaContext('process-events'),
          );
          for (const failure of response.batchItemFailures) failed.add(failure.itemIdentifier);
        }
        pending = pending.filter((record) => failed.has(record.messageId));
      }
      return pending.length;
    };
    const left = await Promise.all([worker(records), worker([...records].reverse())]);

    // Assess
    const expected = await inOrder.profiles.getProfiles(events.customerIds);
    const actual = await raced.getProfiles(events.customerIds);
    expect(left).toEqual([0, 0]);
    for (const id of events.customerIds) expect(content(actual.get(id))).toEqual(content(expected.get(id)));
    expect(raced.conflicts).toBeGreaterThan(0);
  });
});

function sqsRecord(message: CustomerMessage, index: number): SQSRecord {
  return {
    messageId: `record-${index}`,
    receiptHandle: `handle-${index}`,
    body: JSON.stringify(message),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(PROCESSING_AT.getTime()),
      SenderId: 'AIDALOCALSADAKAT',
      ApproximateFirstReceiveTimestamp: String(PROCESSING_AT.getTime()),
      SequenceNumber: String(18_000_000_000_000_000_000n + BigInt(index)),
      MessageGroupId: messageGroupId(message.customerId),
      MessageDeduplicationId: `dedup-${index}`,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:events.fifo',
    awsRegion: 'us-east-1',
  };
}
