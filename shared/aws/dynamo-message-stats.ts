/**
 * MessageStats on the single table: `PK=STATS#MSG#<journeyId>#<variant>#<shard>`, one counter
 * item per step, channel, metric and shard (sha256 of the message id picks it), so a hot journey
 * variant spreads its writes over STATS_SHARDS partitions instead of one (shared/aws/table.ts).
 */
import { createHash } from 'node:crypto';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MessageStats, MessageStatsKey } from '../channels/ports.js';
import { messageStatsKey, STATS_SHARDS } from './table.js';

export class DynamoMessageStats implements MessageStats {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async increment(key: MessageStatsKey, seed: string): Promise<void> {
    const shard = createHash('sha256').update(seed).digest().readUInt32BE(0) % STATS_SHARDS;
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: messageStatsKey(key.journeyId, key.variant, key.stepId, key.channel, key.metric, shard),
        UpdateExpression: 'ADD #count :one',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
  }
}
