import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DeleteCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { DynamoDueSends } from '../../shared/aws/dynamo-due-sends.js';
import { DynamoMessageStats } from '../../shared/aws/dynamo-message-stats.js';
import { SqsSendQueue } from '../../shared/aws/sqs-send-queue.js';
import { sendDeduplicationId } from '../../shared/channels/send-fifo-ids.js';
import { messageGroupId } from '../../shared/events/fifo-ids.js';
import { sendRequest } from '../unit/channels/send-harness.js';
import { TABLE, mockedDocumentClient } from './dynamo-mock.js';

describe('DynamoDueSends', () => {
  it('stores a deferral under DEFER#<messageId>, in a DEFER# shard of the due index by wakeAt', async () => {
    const { doc, mock } = mockedDocumentClient();
    mock.on(UpdateCommand).resolves({});
    const request = sendRequest();
    await new DynamoDueSends(doc, TABLE).defer(request, '2026-11-03T06:00:00.000Z');
    const input = mock.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.Key).toEqual({ PK: 'C#c1', SK: `DEFER#${request.messageId}` });
    expect(input?.UpdateExpression).toContain('ADD #version :one');
    expect(input?.ExpressionAttributeValues).toMatchObject({
      ':wakeAt': '2026-11-03T06:00:00.000Z',
      ':request': request,
    });
    expect(String(input?.ExpressionAttributeValues?.[':duePK'])).toMatch(/^DEFER#\d+$/);
  });

  it('lists due deferrals from every DEFER# shard and removes one by key', async () => {
    const { doc, mock } = mockedDocumentClient();
    const request = sendRequest();
    mock.on(QueryCommand).resolves({ Items: [] });
    mock
      .on(QueryCommand, { ExpressionAttributeValues: { ':shard': 'DEFER#5', ':until': '2026-11-03T06:00:00.000Z' } })
      .resolves({
        Items: [
          { request, wakeAt: '2026-11-03T06:00:00.000Z', version: 3 },
          { request: { broken: true }, wakeAt: 'x' },
        ],
      });
    mock.on(DeleteCommand).resolves({});
    const dues = new DynamoDueSends(doc, TABLE);
    const due = [];
    for await (const item of dues.due('2026-11-03T06:00:00.000Z')) due.push(item);
    await dues.remove(due[0]!);
    expect(due).toEqual([{ request, wakeAt: '2026-11-03T06:00:00.000Z', version: 3 }]);
    expect(
      mock
        .commandCalls(QueryCommand)
        .every((call) => String(call.args[0].input.ExpressionAttributeValues?.[':shard']).startsWith('DEFER#')),
    ).toBe(true);
    expect(mock).toHaveReceivedCommandWith(DeleteCommand, {
      Key: { PK: 'C#c1', SK: `DEFER#${request.messageId}` },
      ConditionExpression: '#version = :version AND wakeAt = :wakeAt',
      ExpressionAttributeValues: { ':version': 3, ':wakeAt': '2026-11-03T06:00:00.000Z' },
    });
  });

  it('cancels a deferral by key, whatever its version (an at-least-once lease after the send went out)', async () => {
    const { doc, mock } = mockedDocumentClient();
    mock.on(DeleteCommand).resolves({});
    await new DynamoDueSends(doc, TABLE).cancel('c1', 'm1');
    const input = mock.commandCalls(DeleteCommand)[0]?.args[0].input;
    expect(input?.Key).toEqual({ PK: 'C#c1', SK: 'DEFER#m1' });
    expect(input?.ConditionExpression).toBeUndefined();
  });
});

describe('DynamoMessageStats', () => {
  it('adds one to the journey variant’s counter for the step, channel, metric in a shard partition picked by the message id', async () => {
    const { doc, mock } = mockedDocumentClient();
    mock.on(UpdateCommand).resolves({});
    await new DynamoMessageStats(doc, TABLE).increment(
      { journeyId: 'vnb', stepId: 'discount', variant: 'discount10', channel: 'email', metric: 'frequency_cap' },
      'm1',
    );
    const input = mock.commandCalls(UpdateCommand)[0]?.args[0].input;
    // The shard is in the partition key: a hot variant's writes spread over 8 partitions
    const shard = /^STATS#MSG#vnb#discount10#([0-7])$/.exec(String(input?.Key?.PK))?.[1];
    expect(shard).toBeDefined();
    expect(input?.Key?.SK).toBe(`discount#email#frequency_cap#${shard}`);
    expect(input?.UpdateExpression).toBe('ADD #count :one');
  });
});

describe('SqsSendQueue', () => {
  it('groups by customer and deduplicates by message id and deferral', async () => {
    const client = new SQSClient({ region: 'eu-west-1' });
    const sqs = mockClient(client);
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [] });
    const first = sendRequest();
    const released = { ...first, deferredUntil: '2026-11-03T06:00:00.000Z' };
    await new SqsSendQueue(client, 'https://sqs/sends.fifo').enqueue([first, released]);
    const entries = sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries ?? [];
    expect(entries.map((entry) => entry.MessageGroupId)).toEqual([messageGroupId('c1'), messageGroupId('c1')]);
    expect(entries.map((entry) => entry.MessageDeduplicationId)).toEqual([
      sendDeduplicationId(first),
      sendDeduplicationId(released),
    ]);
    expect(entries[0]?.MessageDeduplicationId).not.toBe(entries[1]?.MessageDeduplicationId);
  });

  it('throws when SQS refuses an entry', async () => {
    const client = new SQSClient({ region: 'eu-west-1' });
    mockClient(client)
      .on(SendMessageBatchCommand)
      .resolves({ Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false }] });
    await expect(new SqsSendQueue(client, 'q').enqueue([sendRequest()])).rejects.toThrow(/InternalError/);
  });
});
