/**
 * The SQS record of a Lambda SQS event, field for field the schema of Powertools parser
 * (`@aws-lambda-powertools/parser/schemas/sqs`, v2.35), written here with `import * as z`.
 * Powertools' file imports `{ z }`, and for that esbuild keeps zod's whole namespace object —
 * every locale, ~345 KB and ~75 ms of cold init in each SQS consumer's bundle for a 1 KB schema
 * (docs/decisions.md, 27 and 210).
 */
import * as z from 'zod';

const SqsMsgAttributeSchema = z.object({
  stringValue: z.string().optional().nullable(),
  binaryValue: z.string().optional().nullable(),
  stringListValues: z.array(z.string()).optional(),
  binaryListValues: z.array(z.string()).optional(),
  dataType: z.union([z.literal('String'), z.literal('Number'), z.literal('Binary'), z.string()]),
});

const SqsAttributesSchema = z.object({
  ApproximateReceiveCount: z.string(),
  ApproximateFirstReceiveTimestamp: z.string(),
  MessageDeduplicationId: z.string().optional(),
  MessageGroupId: z.string().optional(),
  SenderId: z.string(),
  SentTimestamp: z.string(),
  SequenceNumber: z.string().optional(),
  AWSTraceHeader: z.string().optional(),
  /** Undocumented; set on messages re-driven from a DLQ in the console. */
  DeadLetterQueueSourceArn: z.string().optional(),
});

export const SqsRecordSchema = z.object({
  messageId: z.string(),
  receiptHandle: z.string(),
  body: z.string(),
  attributes: SqsAttributesSchema,
  messageAttributes: z.record(z.string(), SqsMsgAttributeSchema),
  md5OfBody: z.string(),
  md5OfMessageAttributes: z.string().optional().nullable(),
  eventSource: z.literal('aws:sqs'),
  eventSourceARN: z.string(),
  awsRegion: z.string(),
});
