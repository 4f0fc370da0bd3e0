import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { buildHandler, STOP_MARGIN_MS } from '../../functions/segment-expiry.js';
import type { CustomerMessage } from '../../shared/events/messages.js';
import { localLambdaContext } from '../../shared/local/lambda-context.js';
import type { DueExpiry, ExpiryIndex } from '../../shared/ports.js';

const NOW = new Date('2026-11-04T10:00:00.000Z');
const silent = () => new Logger({ serviceName: 'segment-expiry-test', logLevel: 'SILENT' });

function setup(dueByShard: ReadonlyMap<number, readonly DueExpiry[]>) {
  const sent: CustomerMessage[] = [];
  const index: ExpiryIndex = {
    async *due(shard) {
      yield* dueByShard.get(shard) ?? [];
    },
  };
  const handler = buildHandler({
    index,
    queue: { enqueue: async (messages) => void sent.push(...messages) },
    clock: { now: () => NOW },
    shards: 4,
    logger: silent(),
  });
  return { handler, sent };
}

const many = (prefix: string, count: number): DueExpiry[] =>
  Array.from({ length: count }, (_, i) => ({ customerId: `${prefix}-${i}`, nextExpiryAt: '2026-11-04T09:00:00.000Z' }));

describe('segment-expiry handler', () => {
  it('runs the pass over every shard on a scheduler invocation and answers with its counts', async () => {
    // Prepare
    const { handler, sent } = setup(
      new Map([
        [0, many('a', 2)],
        [3, many('b', 1)],
      ]),
    );

    // Act
    const result = await handler({}, localLambdaContext('segment-expiry'));

    // Assess
    expect(result).toMatchObject({ shards: 4, found: 3, enqueued: 3, complete: true });
    expect(sent.every((message) => message.kind === 'recheck' && message.reason === 'expiry')).toBe(true);
  });

  it('stops early when the invocation is about to time out', async () => {
    // Prepare
    const { handler, sent } = setup(
      new Map([
        [0, many('a', 250)],
        [1, many('b', 250)],
        [2, many('c', 250)],
        [3, many('d', 250)],
      ]),
    );
    const context = { ...localLambdaContext('segment-expiry'), getRemainingTimeInMillis: () => STOP_MARGIN_MS - 1 };

    // Act
    const result = await handler({}, context);

    // Assess
    expect(result.complete).toBe(false);
    expect(sent.length).toBeLessThan(1000);
    expect(result.enqueued).toBe(sent.length);
  });
});
