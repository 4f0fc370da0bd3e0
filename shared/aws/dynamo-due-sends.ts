/**
 * DueQueue on the single table: a deferred send is `SK=DEFER#<messageId>` under the customer,
 * holding the request, in the `due` index under `DEFER#<shard>` sorted by `wakeAt`. Deferring the
 * same message again overwrites it (one wake per message).
 */
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeferredSend, DueQueue } from '../channels/ports.js';
import { sendRequestSchema, type SendRequest } from '../channels/send-request.js';
import { dueShard, queryIndexShard } from './query-pages.js';
import { deferredSendKey, sendIndexShardKey, sendIndexShardKeys } from './table.js';

export class DynamoDueSends implements DueQueue {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async defer(request: SendRequest, wakeAt: string): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...deferredSendKey(request.customerId, request.messageId),
          request,
          duePK: sendIndexShardKey('defer', request.customerId),
          wakeAt,
        },
      }),
    );
  }

  async *due(until: string): AsyncIterable<DeferredSend> {
    for (const shardKey of sendIndexShardKeys('defer')) {
      for await (const item of queryIndexShard(this.doc, this.tableName, dueShard(shardKey, until))) {
        const request = sendRequestSchema.safeParse(item.request);
        if (request.success && typeof item.wakeAt === 'string') yield { request: request.data, wakeAt: item.wakeAt };
      }
    }
  }

  async remove(customerId: string, messageId: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: deferredSendKey(customerId, messageId) }));
  }
}
