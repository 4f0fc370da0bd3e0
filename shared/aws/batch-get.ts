/**
 * BatchGetItem over any number of keys: chunks of 100 (the API's limit), unprocessed keys resent
 * with backoff. Items come back in no particular order.
 */
import { BatchGetCommand, type BatchGetCommandInput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { defaultBackoff, retryUnprocessed, type BackoffOptions } from './unprocessed-retry.js';

const BATCH_GET_LIMIT = 100;

type BatchGetRequests = NonNullable<BatchGetCommandInput['RequestItems']>;
type Key = { PK: string; SK: string };

export async function batchGetItems(
  doc: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Key[],
  options: { operation: string; consistentRead?: boolean; projection?: string; backoff?: BackoffOptions },
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  const unique = [...new Map(keys.map((key) => [`${key.PK}\u0000${key.SK}`, key])).values()];
  for (let start = 0; start < unique.length; start += BATCH_GET_LIMIT) {
    const requests: BatchGetRequests = {
      [tableName]: {
        Keys: unique.slice(start, start + BATCH_GET_LIMIT),
        ConsistentRead: options.consistentRead ?? true,
        ...(options.projection ? { ProjectionExpression: options.projection } : {}),
      },
    };
    await retryUnprocessed(
      options.operation,
      requests,
      async (pending) => {
        const response = await doc.send(new BatchGetCommand({ RequestItems: pending }));
        items.push(...(response.Responses?.[tableName] ?? []));
        const remaining = response.UnprocessedKeys;
        return { remaining, remainingCount: remaining?.[tableName]?.Keys?.length ?? 0 };
      },
      options.backoff ?? defaultBackoff,
    );
  }
  return items;
}
