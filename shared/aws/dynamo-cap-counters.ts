/**
 * CapCounters on the single table: `SK=CAP#<scope>#<day>` under the customer, one atomic ADD per
 * scope when a send is marked sent, read back with one BatchGet of scopes × 7 days. Counters
 * expire by TTL a few days after they leave the rolling week.
 */
import {
  BatchGetCommand,
  UpdateCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { CapCounters, CapScope } from '../channels/ports.js';
import { capKey, customerPartition, TTL_ATTRIBUTE } from './table.js';

const DAY_SECONDS = 86_400;
/** Kept a little past the 7-day window so a late reader never sees a counter vanish early. */
const KEEP_DAYS = 9;
/** BatchGetItem's limit per request. */
const BATCH_GET_LIMIT = 100;

export class DynamoCapCounters implements CapCounters {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async counts(customerId: string, scopes: readonly CapScope[], days: readonly number[]): Promise<Map<string, number>> {
    const keys = scopes.flatMap((scope) => days.map((day) => capKey(customerId, scope, day)));
    const result = new Map<string, number>();
    const prefix = `CAP#`;
    for (let start = 0; start < keys.length; start += BATCH_GET_LIMIT) {
      let pending: Record<string, unknown>[] | undefined = keys
        .slice(start, start + BATCH_GET_LIMIT)
        .map((key) => ({ ...key }));
      // Unprocessed keys (throttling) are asked for again until none is left.
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt > 5) throw new Error('cap counters: BatchGetItem left keys unprocessed after 5 retries');
        const response: BatchGetCommandOutput = await this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }),
        );
        for (const item of response.Responses?.[this.tableName] ?? []) {
          if (item.PK !== customerPartition(customerId) || typeof item.SK !== 'string') continue;
          result.set(item.SK.slice(prefix.length), Number(item.count ?? 0));
        }
        pending = response.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return result;
  }

  async add(customerId: string, scopes: readonly CapScope[], day: number): Promise<void> {
    await Promise.all(
      scopes.map((scope) =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: capKey(customerId, scope, day),
            UpdateExpression: 'ADD #count :one SET #ttl = :ttl',
            ExpressionAttributeNames: { '#count': 'count', '#ttl': TTL_ATTRIBUTE },
            ExpressionAttributeValues: { ':one': 1, ':ttl': (day + KEEP_DAYS) * DAY_SECONDS },
          }),
        ),
      ),
    );
  }
}
