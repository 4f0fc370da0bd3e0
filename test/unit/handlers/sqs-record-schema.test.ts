/**
 * sqs-record-schema.ts restates Powertools parser's SQS record schema (for the bundle's size):
 * it must accept and refuse exactly what Powertools' does, with the same issues.
 */
import { SqsRecordSchema as PowertoolsSqsRecordSchema } from '@aws-lambda-powertools/parser/schemas/sqs';
import { describe, expect, it } from 'vitest';
import { SqsRecordSchema } from '../../../shared/handlers/sqs-record-schema.js';

const record = {
  messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
  receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a',
  body: '{"kind":"wake"}',
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '1545082649183',
    SenderId: 'AIDAIENQZJOLO23YVJ4VO',
    ApproximateFirstReceiveTimestamp: '1545082649185',
    MessageGroupId: 'c-1',
    MessageDeduplicationId: 'd-1',
    SequenceNumber: '18849496460467696128',
  },
  messageAttributes: { trace: { stringValue: '100', dataType: 'Number' } },
  md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:eu-central-1:123456789012:events.fifo',
  awsRegion: 'eu-central-1',
};

const variants: Record<string, unknown> = {
  'a whole record': record,
  'no group id': { ...record, attributes: { ...record.attributes, MessageGroupId: undefined } },
  'a null md5 of attributes': { ...record, md5OfMessageAttributes: null },
  'a custom attribute type': { ...record, messageAttributes: { a: { dataType: 'Number.int', stringValue: '1' } } },
  'no body': { ...record, body: undefined },
  'a numeric receive count': { ...record, attributes: { ...record.attributes, ApproximateReceiveCount: 1 } },
  'another event source': { ...record, eventSource: 'aws:sns' },
  'an attribute without a type': { ...record, messageAttributes: { a: { stringValue: '1' } } },
  'a list attribute of numbers': { ...record, messageAttributes: { a: { dataType: 'String', stringListValues: [1] } } },
  'no attributes at all': { ...record, attributes: undefined, messageAttributes: undefined },
  'not an object': 'record',
};

describe("SqsRecordSchema (Powertools parser's, restated)", () => {
  it.each(Object.entries(variants))('reads %s as Powertools does', (_name, input) => {
    // Act
    const ours = SqsRecordSchema.safeParse(input);
    const theirs = PowertoolsSqsRecordSchema.safeParse(input);

    // Assess
    expect(ours.success).toBe(theirs.success);
    expect(ours.data).toEqual(theirs.data);
    expect(ours.error?.issues).toEqual(theirs.error?.issues);
  });
});
