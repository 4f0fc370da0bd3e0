/**
 * A poison event inside a storefront request's message (decisions 285–286): the request's events
 * of one customer travel as one queue message, yet the event that can never be processed still
 * reaches the DLQ alone, the events before it are applied once (over every receive), the events
 * after it are applied in order, and a redrive after the fix applies it once.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BrokenProfileStore } from '../fakes/broken-profile-store.js';
import type { NormalizedEvent } from '../../shared/events/event.js';
import { INTERNAL_SOURCE } from '../../shared/events/messages.js';
import { normalizeCall } from '../../shared/events/normalize.js';
import type { RequestEventsMessage } from '../../shared/events/request-events-message.js';
import type { DrainStats } from '../../shared/local/queue-driver.js';
import { recentId } from '../../shared/profiles/recent-ids.js';
import { PROCESSING_AT, startEngine, type Engine, type Pipeline } from './pipeline-harness.js';

const MAX_RECEIVES = 3;
const POISON = 'Poison Pill';

function event(userId: string, messageId: string, name: string, minute: number): NormalizedEvent {
  const result = normalizeCall(
    {
      type: 'track',
      userId,
      messageId,
      event: name,
      timestamp: new Date(PROCESSING_AT.getTime() - (60 - minute) * 60_000).toISOString(),
    },
    { receivedAt: PROCESSING_AT, newMessageId: () => messageId },
  );
  if (!result.ok) throw new Error(`test event ${messageId} is invalid: ${result.reason}`);
  return result.event;
}

function requestMessage(customerId: string, events: NormalizedEvent[]): RequestEventsMessage {
  return { kind: 'events', customerId, events: events.map((item) => ({ event: item, source: INTERNAL_SOURCE })) };
}

interface LogLine {
  message: string;
  sqsMessageId?: string;
  receiveCount?: string;
  error?: string;
}

async function logLines(act: () => Promise<unknown>): Promise<LogLine[]> {
  const lines: string[] = [];
  const capture = (chunk: unknown) => (lines.push(...String(chunk).split('\n')), true);
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    await act();
  } finally {
    vi.restoreAllMocks();
  }
  return lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as LogLine);
}

describe('a poison event inside a request message (dynalite)', { timeout: 120_000 }, () => {
  let engine: Engine;
  let pipeline: Pipeline;
  let store: BrokenProfileStore | undefined;
  let drained: DrainStats;
  let lines: LogLine[];

  beforeAll(async () => {
    // Prepare
    engine = await startEngine();
    pipeline = await engine.pipeline('request-poison', undefined, {
      maxReceiveCount: MAX_RECEIVES,
      logger: new Logger({ serviceName: 'process-events', logLevel: 'WARN' }),
      wrapProfiles: (inner) =>
        (store = new BrokenProfileStore(inner, (profile) => profile.events[POISON] !== undefined)),
    });
    await pipeline.queue.enqueue([
      requestMessage('u-poisoned', [
        event('u-poisoned', 'before', 'Product Viewed', 1),
        event('u-poisoned', 'poison', POISON, 2),
        event('u-poisoned', 'after-1', 'Product Viewed', 3),
        event('u-poisoned', 'after-2', 'Product Added', 4),
      ]),
      requestMessage('u-fine', [
        event('u-fine', 'fine-1', 'Product Viewed', 1),
        event('u-fine', 'fine-2', 'Product Viewed', 2),
      ]),
    ]);

    // Act
    lines = await logLines(async () => (drained = await pipeline.drain()));
  }, 120_000);

  afterAll(async () => {
    await engine?.stop();
  });

  it('puts the poison event, and only it, in the DLQ as a message of its own', () => {
    // Assess
    expect(drained.movedToDlq).toBe(1);
    const [dead, ...more] = pipeline.dlq.bodies();
    expect(more).toEqual([]);
    expect(JSON.parse(dead ?? '{}')).toMatchObject({
      kind: 'event',
      customerId: 'u-poisoned',
      event: { messageId: 'poison', event: POISON },
    });
  });

  it('applies the events before the poison once and the events after it in order', async () => {
    // Act
    const profile = await pipeline.profiles.getProfile('u-poisoned');

    // Assess
    expect(profile?.events['Product Viewed']?.count).toBe(2);
    expect(profile?.events['Product Added']?.count).toBe(1);
    expect(profile?.events[POISON]).toBeUndefined();
    expect(profile?.recentIds).toEqual(['before', 'after-1', 'after-2'].map((id) => recentId('e', id)));
    expect((await pipeline.profiles.getProfile('u-fine'))?.events['Product Viewed']?.count).toBe(2);
  });

  it('logs the last receive of the poison event like any failure, without the customer', () => {
    // Assess
    const failures = lines.filter((line) => line.message === 'message failed');
    expect(new Set(failures.map((line) => line.receiveCount))).toEqual(new Set(['1', '2', '3']));
    expect(failures.every((line) => line.error === 'TypeError')).toBe(true);
    expect(JSON.stringify(lines)).not.toContain('u-poisoned');
  });

  it('applies the poison event once after the fix and a redrive', async () => {
    // Prepare
    if (store) store.broken = false;

    // Act
    const moved = pipeline.queue.redrive();
    const after = await pipeline.drain();
    const profile = await pipeline.profiles.getProfile('u-poisoned');

    // Assess
    expect(moved).toBe(1);
    expect(after.movedToDlq).toBe(0);
    expect(profile?.events[POISON]?.count).toBe(1);
    expect(profile?.events['Product Viewed']?.count).toBe(2);
  });
});
