/** A FIFO consumer that looks at its bodies before processing them parses each record once. */
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { peekBodies, processFifoBatch } from '../../../shared/handlers/sqs-fifo-batch.js';
import { localLambdaContext } from '../../../shared/local/lambda-context.js';

function record(id: string, body: string): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `handle-${id}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1545082649183',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1545082649185',
      MessageGroupId: 'c-1',
      MessageDeduplicationId: `d-${id}`,
      SequenceNumber: '18849496460467696128',
    },
    messageAttributes: {},
    md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-central-1:123456789012:events.fifo',
    awsRegion: 'eu-central-1',
  };
}

describe('processFifoBatch after peekBodies', () => {
  it('parses each record once and hands the handler the body it peeked; a bad body still fails at its turn', async () => {
    // Prepare: a body schema that counts its parses
    let parses = 0;
    const schema = z.object({ n: z.number() }).transform((body) => {
      parses++;
      return body;
    });
    const records = [record('m1', '{"n":1}'), record('m2', '{"n":"two"}'), record('m3', '{"n":3}')];
    const seen: unknown[] = [];

    // Act
    const peeked = peekBodies(schema, records);
    const response = await processFifoBatch(
      { Records: records },
      localLambdaContext('consumer'),
      { schema, logger: new Logger({ logLevel: 'SILENT' }) },
      async (parsed) => {
        seen.push(parsed.body);
      },
    );

    // Assess
    expect(parses).toBe(2);
    expect(peeked).toEqual([{ n: 1 }, undefined, { n: 3 }]);
    expect(seen[0]).toBe(peeked[0]);
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(['m2', 'm3']);
  });
});
