import { SendMessageBatchCommand, SQSClient, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { messageDeduplicationId, messageGroupId } from '../../shared/events/fifo-ids.js';
import type { CustomerMessage } from '../../shared/events/messages.js';
import { INTERNAL_SOURCE } from '../../shared/events/messages.js';
import { EnqueueError, SqsEventQueue } from '../../shared/aws/sqs-event-queue.js';

const QUEUE_URL = 'https://sqs.eu-central-1.amazonaws.com/123456789012/events.fifo';
const sqs = mockClient(SQSClient);

const message = (index: number, padding = ''): CustomerMessage => ({
  kind: 'event',
  source: INTERNAL_SOURCE,
  customerId: `u${index % 3}`,
  event: {
    type: 'track',
    messageId: `m-${index}`,
    event: 'Product Viewed',
    properties: padding ? { padding } : {},
    traits: {},
    context: {},
    timestamp: '2026-11-02T10:00:00.000Z',
    receivedAt: '2026-11-02T10:00:00.000Z',
  },
});
const messages = (count: number): CustomerMessage[] => Array.from({ length: count }, (_, index) => message(index));

const sentEntries = (): SendMessageBatchRequestEntry[][] =>
  sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input.Entries ?? []);
const queue = (options: { maxAttempts?: number } = {}) => {
  const sleeps: number[] = [];
  const instance = new SqsEventQueue(new SQSClient({ region: 'eu-central-1' }), QUEUE_URL, {
    ...options,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { instance, sleeps };
};

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
});

describe('SqsEventQueue', () => {
  it('sends in chunks of at most 10 entries, in order', async () => {
    // Act
    await queue().instance.enqueue(messages(23));

    // Assess
    expect(sentEntries().map((entries) => entries.length)).toEqual([10, 10, 3]);
    expect(
      sentEntries()
        .flat()
        .map((entry) => entry.Id),
    ).toEqual(Array.from({ length: 23 }, (_, index) => String(index)));
    expect(sqs).toHaveReceivedCommandWith(SendMessageBatchCommand, { QueueUrl: QUEUE_URL });
  });

  it('sets FIFO ids from fifo-ids and the message as the JSON body', async () => {
    // Prepare
    const sent = message(4);

    // Act
    await queue().instance.enqueue([sent]);

    // Assess
    expect(sentEntries()[0]).toEqual([
      {
        Id: '0',
        MessageBody: JSON.stringify(sent),
        MessageGroupId: messageGroupId('u1'),
        MessageDeduplicationId: messageDeduplicationId(sent),
      },
    ]);
  });

  it('splits a chunk before its bodies pass 256 KB', async () => {
    // Prepare: 30 KB each, so 8 fit under 256 KB and the 9th does not
    const large = Array.from({ length: 10 }, (_, index) => message(index, 'x'.repeat(30 * 1024)));

    // Act
    await queue().instance.enqueue(large);

    // Assess
    expect(sentEntries().map((entries) => entries.length)).toEqual([8, 2]);
    for (const entries of sentEntries()) {
      expect(entries.reduce((sum, entry) => sum + Buffer.byteLength(entry.MessageBody ?? ''), 0)).toBeLessThanOrEqual(
        256 * 1024,
      );
    }
  });

  it('retries only the failed entries, with exponential backoff', async () => {
    // Prepare
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({
        Failed: [
          { Id: '2', Code: 'InternalError', SenderFault: false },
          { Id: '5', Code: 'ServiceUnavailable', SenderFault: false },
        ],
      })
      .resolvesOnce({ Failed: [{ Id: '5', Code: 'ServiceUnavailable', SenderFault: false }] })
      .resolves({ Failed: [] });
    const { instance, sleeps } = queue();

    // Act
    await instance.enqueue(messages(7));

    // Assess
    expect(sentEntries().map((entries) => entries.map((entry) => entry.Id))).toEqual([
      ['0', '1', '2', '3', '4', '5', '6'],
      ['2', '5'],
      ['5'],
    ]);
    expect(sleeps).toEqual([50, 100]);
  });

  it('gives up after the last attempt and says how many failed and why', async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).resolves({ Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false }] });
    const { instance } = queue({ maxAttempts: 3 });

    // Act
    const failure = instance.enqueue(messages(4)).catch((error: unknown) => error);

    // Assess
    await expect(failure).resolves.toBeInstanceOf(EnqueueError);
    await expect(failure).resolves.toMatchObject({
      message: '1 of 4 messages could not be queued (InternalError)',
      failed: 1,
    });
    expect(sqs).toHaveReceivedCommandTimes(SendMessageBatchCommand, 3);
  });

  it('does not retry sender faults', async () => {
    // Prepare
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Failed: [{ Id: '0', Code: 'InvalidParameterValue', SenderFault: true }] });

    // Act
    const failure = queue().instance.enqueue(messages(2));

    // Assess
    await expect(failure).rejects.toThrow('1 of 2 messages could not be queued (InvalidParameterValue)');
    expect(sqs).toHaveReceivedCommandTimes(SendMessageBatchCommand, 1);
  });

  it('lets an error of the whole call reach the caller', async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).rejects(new Error('AccessDenied'));

    // Act + Assess
    await expect(queue().instance.enqueue(messages(1))).rejects.toThrow('AccessDenied');
  });

  it('sends nothing for no messages', async () => {
    // Act
    await queue().instance.enqueue([]);

    // Assess
    expect(sqs).not.toHaveReceivedCommand(SendMessageBatchCommand);
  });
});
