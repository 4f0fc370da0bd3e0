/** An SQS FIFO record as the event source mapping hands it to a consumer, with what a test names. */
import type { SQSRecord } from 'aws-lambda';

export function sqsRecord(
  id: string,
  body: unknown,
  options: { group?: string; receiveCount?: number; queue?: string } = {},
): SQSRecord {
  return {
    messageId: id,
    receiptHandle: id,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: '0',
      SenderId: 'x',
      ApproximateFirstReceiveTimestamp: '0',
      MessageGroupId: options.group ?? 'g1',
      MessageDeduplicationId: id,
      SequenceNumber: id,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:0:${options.queue ?? 'sends.fifo'}`,
    awsRegion: 'us-east-1',
  };
}
