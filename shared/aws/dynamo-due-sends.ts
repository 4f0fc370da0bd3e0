/**
 * DueQueue on the single table: a deferred send is `SK=DEFER#<messageId>` under the customer,
 * holding the request, in the `due` index under `DEFER#<shard>` sorted by `wakeAt`. Deferring the
 * same message again overwrites it (one wake per message) and bumps its `version`; release
 * removes it only at the version and wake time it released, so a re-deferral racing a release
 * is kept (it used to be deleted unconditionally, and such a send was lost).
 */
import { DeleteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeferredSend, DueQueue } from '../channels/ports.js';
import { sendRequestSchema, type SendRequest } from '../channels/send-request.js';
import { isConditionalCheckFailed } from './conditional-check.js';
import { dueShard, queryIndexShard } from './query-pages.js';
import { deferredSendKey, sendIndexShardKey, sendIndexShardKeys } from './table.js';

export class DynamoDueSends implements DueQueue {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async defer(request: SendRequest, wakeAt: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: deferredSendKey(request.customerId, request.messageId),
        UpdateExpression: 'SET #request = :request, duePK = :duePK, wakeAt = :wakeAt ADD #version :one',
        ExpressionAttributeNames: { '#request': 'request', '#version': 'version' },
        ExpressionAttributeValues: {
          ':request': request,
          ':duePK': sendIndexShardKey('defer', request.customerId),
          ':wakeAt': wakeAt,
          ':one': 1,
        },
      }),
    );
  }

  async *due(until: string): AsyncIterable<DeferredSend> {
    for (const shardKey of sendIndexShardKeys('defer')) {
      for await (const item of queryIndexShard(this.doc, this.tableName, dueShard(shardKey, until))) {
        const request = sendRequestSchema.safeParse(item.request);
        // Items written before versions existed read as version 0.
        const version = typeof item.version === 'number' ? item.version : 0;
        if (request.success && typeof item.wakeAt === 'string')
          yield { request: request.data, wakeAt: item.wakeAt, version };
      }
    }
  }

  async remove(released: DeferredSend): Promise<boolean> {
    const { customerId, messageId } = released.request;
    // Version 0: an item written before versions existed. The wake time guards against a deferral
    // removed and written afresh (its version starts again at 1; its wake time is later).
    const sameVersion = released.version === 0 ? 'attribute_not_exists(#version)' : '#version = :version';
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: deferredSendKey(customerId, messageId),
          ConditionExpression: `${sameVersion} AND wakeAt = :wakeAt`,
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: {
            ':wakeAt': released.wakeAt,
            ...(released.version === 0 ? {} : { ':version': released.version }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async cancel(customerId: string, messageId: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: deferredSendKey(customerId, messageId) }));
  }
}
