import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqsEventDeadLetters } from '../../shared/aws/sqs-event-dead-letters.js';
import { messageDeduplicationId, messageGroupId } from '../../shared/events/fifo-ids.js';
import { INTERNAL_SOURCE, type CustomerMessage } from '../../shared/events/messages.js';

const DLQ_URL = 'https://sqs.eu-central-1.amazonaws.com/123456789012/events-dlq.fifo';
const sqs = mockClient(SQSClient);

const poison: CustomerMessage = {
  kind: 'event',
  source: INTERNAL_SOURCE,
  customerId: 'u-1',
  event: {
    type: 'track',
    messageId: 'm-poison',
    event: 'Product Viewed',
    properties: {},
    traits: {},
    context: {},
    timestamp: '2026-11-02T10:00:00.000Z',
    receivedAt: '2026-11-02T10:00:00.000Z',
  },
};

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'dlq-1' });
});

describe('SqsEventDeadLetters', () => {
  it("sends the event alone to the DLQ in its customer's group, with the events queue's ids", async () => {
    // Prepare
    const deadLetters = new SqsEventDeadLetters(new SQSClient({ region: 'eu-central-1' }), DLQ_URL, 5);

    // Act
    await deadLetters.deadLetterAlone(poison);

    // Assess
    expect(deadLetters.maxReceiveCount).toBe(5);
    expect(sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input)).toEqual([
      {
        QueueUrl: DLQ_URL,
        MessageBody: JSON.stringify(poison),
        MessageGroupId: messageGroupId('u-1'),
        MessageDeduplicationId: messageDeduplicationId(poison),
      },
    ]);
  });

  it('lets a refused send fail, so the whole message stays on the queue', async () => {
    // Prepare
    sqs.on(SendMessageCommand).rejects(new Error('AccessDenied'));
    const deadLetters = new SqsEventDeadLetters(new SQSClient({ region: 'eu-central-1' }), DLQ_URL, 5);

    // Act / Assess
    await expect(deadLetters.deadLetterAlone(poison)).rejects.toThrow('AccessDenied');
  });
});
