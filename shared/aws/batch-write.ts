/**
 * BatchWriteItem over any number of put/delete requests: chunks of 25 (the API's limit),
 * unprocessed items resent with backoff (unprocessed-retry.ts). A chunk may not name one key
 * twice; callers pass distinct keys. Returns the write capacity consumed.
 */
import { BatchWriteCommand, type BatchWriteCommandInput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { capacityUnits } from './capacity.js';
import { defaultBackoff, retryUnprocessed, type BackoffOptions } from './unprocessed-retry.js';

const BATCH_WRITE_LIMIT = 25;

type BatchRequests = NonNullable<BatchWriteCommandInput['RequestItems']>;
export type WriteRequest = BatchRequests[string][number];

export async function batchWriteItems(
  doc: DynamoDBDocumentClient,
  tableName: string,
  requests: readonly WriteRequest[],
  options: { operation: string; backoff?: BackoffOptions },
): Promise<number> {
  let units = 0;
  for (let start = 0; start < requests.length; start += BATCH_WRITE_LIMIT) {
    const chunk: BatchRequests = { [tableName]: requests.slice(start, start + BATCH_WRITE_LIMIT) };
    await retryUnprocessed(
      options.operation,
      chunk,
      async (pending) => {
        const response = await doc.send(
          new BatchWriteCommand({ RequestItems: pending, ReturnConsumedCapacity: 'TOTAL' }),
        );
        units += capacityUnits(response.ConsumedCapacity);
        const remaining = response.UnprocessedItems;
        return { remaining, remainingCount: remaining?.[tableName]?.length ?? 0 };
      },
      options.backoff ?? defaultBackoff,
    );
  }
  return units;
}
