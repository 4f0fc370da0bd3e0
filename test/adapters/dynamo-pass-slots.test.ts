/**
 * DynamoPassSlots' faults (its behaviour on a real engine is in test/e2e/engine/contracts/): a
 * failed condition is the answer "already claimed"; any other error reaches the pass, which then
 * fails instead of running a slot it may not own or skipping one nobody ran.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoPassSlots } from '../../shared/aws/dynamo-pass-slots.js';
import { VirtualClock } from '../../shared/local/virtual-clock.js';
import { TABLE, conditionFailed, mockedDocumentClient } from './dynamo-mock.js';

const NOW = new Date('2026-11-02T10:00:30.000Z');
const SLOT = '2026-11-02T10:00:00Z';

function throttled(): Error {
  return Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
    name: 'ProvisionedThroughputExceededException',
    $metadata: { httpStatusCode: 400 },
  });
}

describe('DynamoPassSlots', () => {
  it('claims with a conditional put of PASS#<pass> / <scheduled time>, expiring a week after the claim', async () => {
    // Prepare
    const { doc, mock } = mockedDocumentClient();
    mock.on(PutCommand).resolves({});

    // Act
    const claimed = await new DynamoPassSlots(doc, TABLE, new VirtualClock(NOW)).claim('expiry', SLOT);

    // Assess
    expect(claimed).toBe(true);
    expect(mock).toHaveReceivedCommandWith(PutCommand, {
      TableName: TABLE,
      Item: { PK: 'PASS#expiry', SK: SLOT, claimedAt: NOW.toISOString(), ttl: 1_793_613_630 + 7 * 24 * 3600 },
      ConditionExpression: 'attribute_not_exists(PK)',
    });
  });

  it('answers "already claimed" when the condition fails', async () => {
    // Prepare
    const { doc, mock } = mockedDocumentClient();
    mock.on(PutCommand).rejects(conditionFailed({ PK: 'PASS#expiry', SK: SLOT }));

    // Act
    const claimed = await new DynamoPassSlots(doc, TABLE, new VirtualClock(NOW)).claim('expiry', SLOT);

    // Assess
    expect(claimed).toBe(false);
  });

  it.each([
    ['throttling', throttled()],
    ['a network error', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['access denied', Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' })],
  ])('lets %s through instead of reading it as a claimed slot', async (_label, error) => {
    // Prepare
    const { doc, mock } = mockedDocumentClient();
    mock.on(PutCommand).rejects(error);

    // Act
    const claim = new DynamoPassSlots(doc, TABLE, new VirtualClock(NOW)).claim('expiry', SLOT);

    // Assess
    await expect(claim).rejects.toBe(error);
  });
});
