/**
 * Poison messages (issue 10, "Faults"): an unparseable body, an unknown message kind and messages
 * whose processing always throws (a bug on one customer's profile) end in the events DLQ after
 * maxReceiveCount, each with its reason in process-events' failure log line (SQS message id,
 * receive count, error class, poison reason). Once the bug is fixed, redriving the DLQ completes
 * the processing: every event reflected exactly once, as in a fault-free run.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BrokenProfileStore } from '../fakes/broken-profile-store.js';
import type { Profile } from '../../shared/profiles/schema.js';
import { startEngine, type Engine, type Pipeline } from './pipeline-harness.js';
import { batches, shopEvents, type ShopEvents } from './shop-events.js';

const MAX_RECEIVES = 3;

interface FailureLine {
  message: string;
  sqsMessageId: string;
  receiveCount: string;
  error: string;
  reason?: string;
}

/** Runs `act` with stdout/stderr captured and returns process-events' "message failed" lines. */
async function failureLines(act: () => Promise<unknown>): Promise<FailureLine[]> {
  const lines: string[] = [];
  const capture = (chunk: unknown) => (lines.push(...String(chunk).split('\n')), true);
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    await act();
  } finally {
    vi.restoreAllMocks();
  }
  return lines
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as FailureLine)
    .filter((line) => line.message === 'message failed');
}

/** Without the write counter and the archiveKey, drawn at random on a profile's first write. */
function withoutVersion(profile: Profile | undefined): Omit<Profile, 'version' | 'archiveKey'> | undefined {
  if (!profile) return undefined;
  const { version: _version, archiveKey: _archiveKey, ...rest } = profile;
  return rest;
}

describe('poison messages in the events DLQ (dynalite)', { timeout: 120_000 }, () => {
  let engine: Engine;
  let events: ShopEvents;
  let victim: string;
  let victimCalls: number;
  let pipeline: Pipeline;
  let store: BrokenProfileStore | undefined;
  let reference: Map<string, Profile>;
  const poison = { unparseable: '', unknownKind: '' };
  let firstDrain: Awaited<ReturnType<Pipeline['drain']>>;
  let firstLines: FailureLine[];

  beforeAll(async () => {
    engine = await startEngine();
    events = shopEvents({ customers: 6, seed: 20261124, idPrefix: 'p' });
    victim = events.customerIds[2] as string;
    victimCalls = events.calls.filter((call) => call.userId === victim).length;
    const clean = await engine.pipeline('poison-clean');
    await clean.post(events.calls);
    await clean.drain();
    reference = await clean.profiles.getProfiles(events.customerIds);

    pipeline = await engine.pipeline('poison', undefined, {
      maxReceiveCount: MAX_RECEIVES,
      logger: new Logger({ serviceName: 'process-events', logLevel: 'WARN' }),
      wrapProfiles: (inner) => (store = new BrokenProfileStore(inner, (profile) => profile.id === victim)),
    });
    for (const batch of batches(events.calls, 20)) await pipeline.post(batch);
    poison.unparseable = pipeline.queue.send({
      body: '{"kind":"event","customerId":',
      groupId: 'g-unparseable',
      deduplicationId: 'poison-1',
    }).messageId;
    poison.unknownKind = pipeline.queue.send({
      body: '{"kind":"teleport","customerId":"p-0"}',
      groupId: 'g-unknown',
      deduplicationId: 'poison-2',
    }).messageId;
    firstLines = await failureLines(async () => (firstDrain = await pipeline.drain()));
  }, 120_000);

  afterAll(async () => {
    await engine?.stop();
    console.info(
      `poison figures: ${JSON.stringify({ events: events?.calls.length, poison: 2, alwaysThrowing: victimCalls, deadLettered: firstDrain?.movedToDlq, failureLines: firstLines?.length })}`,
    );
  });

  it('moves the poison messages and every message of the broken customer to the DLQ after maxReceiveCount', () => {
    expect(firstDrain.movedToDlq).toBe(2 + victimCalls);
    expect(pipeline.dlq.depth).toBe(2 + victimCalls);
  });

  it("processes every other customer's events while the poison waits in the DLQ", async () => {
    // Act
    const profiles = await pipeline.profiles.getProfiles(events.customerIds.filter((id) => id !== victim));
    // Assess
    for (const [id, profile] of profiles) expect(withoutVersion(profile)).toEqual(withoutVersion(reference.get(id)));
    expect(profiles.size).toBe(events.customerIds.length - 1);
  });

  it('logs an unparseable body with its message id, receive count and the reason it can never be processed', () => {
    const last = firstLines.find(
      (line) => line.sqsMessageId === poison.unparseable && line.receiveCount === String(MAX_RECEIVES),
    );
    expect(last).toMatchObject({ error: 'ParsingError', reason: expect.stringContaining('body: not JSON') });
  });

  it('logs an unknown message kind with the field that names it', () => {
    const last = firstLines.find(
      (line) => line.sqsMessageId === poison.unknownKind && line.receiveCount === String(MAX_RECEIVES),
    );
    expect(last).toMatchObject({ error: 'ParsingError', reason: expect.stringContaining('body.kind: ') });
  });

  it('logs each attempt of a message whose processing throws, with the error class and no customer data', () => {
    const thrown = firstLines.filter((line) => line.error === 'TypeError');
    expect(new Set(thrown.map((line) => line.receiveCount))).toEqual(new Set(['1', '2', '3']));
    expect(thrown.every((line) => line.reason === undefined)).toBe(true);
    expect(JSON.stringify(firstLines)).not.toContain(victim);
  });

  it("completes the broken customer's events exactly once after the fix and a redrive; true poison returns to the DLQ", async () => {
    // Prepare
    if (store) store.broken = false;

    // Act
    const moved = pipeline.queue.redrive();
    let after: Awaited<ReturnType<Pipeline['drain']>> | undefined;
    const lines = await failureLines(async () => (after = await pipeline.drain()));
    const profile = await pipeline.profiles.getProfile(victim);
    const orders = await pipeline.orders.listOrders(victim);

    // Assess
    expect(moved).toBe(2 + victimCalls);
    expect(withoutVersion(profile)).toEqual(withoutVersion(reference.get(victim)));
    expect(profile?.orders.count).toBe(events.ordersPerCustomer.get(victim));
    expect(orders.every((order) => order.status === 'applied')).toBe(true);
    expect(after?.movedToDlq).toBe(2);
    expect(pipeline.dlq.depth).toBe(2);
    expect(new Set(lines.map((line) => line.sqsMessageId))).toEqual(new Set([poison.unparseable, poison.unknownKind]));
  });
});
