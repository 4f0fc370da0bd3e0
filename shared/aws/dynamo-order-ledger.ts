/**
 * OrderLedger on the single table: `PK=C#<customerId>, SK=O#<orderId>`, permanent. The
 * conditional put is what makes orders exactly-once (DESIGN "Events"): whoever creates the
 * item applies the order; everyone else learns its status.
 */
import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type BatchWriteCommandInput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { OrderLedger, OrderRecord, WriteReceipt } from '../ports.js';
import { capacityUnits } from './capacity.js';
import { isConditionalCheckFailed, itemOfFailedCheck } from './conditional-check.js';
import { queryPartition } from './query-pages.js';
import { ORDER_SK_PREFIX, customerPartition, customersShardKey, orderKey, withoutStorageAttributes } from './table.js';
import { batchGetItems } from './batch-get.js';
import { defaultBackoff, retryUnprocessed, type BackoffOptions } from './unprocessed-retry.js';

/** BatchWriteItem's limit per request. */
const BATCH_WRITE_LIMIT = 25;

type BatchRequests = NonNullable<BatchWriteCommandInput['RequestItems']>;

export class OrderNotFoundError extends Error {
  override readonly name = 'OrderNotFoundError';
  constructor(
    readonly customerId: string,
    readonly orderId: string,
  ) {
    super(`order ${orderId} of customer ${customerId} was never claimed, so it cannot be marked applied`);
  }
}

export class DynamoOrderLedger implements OrderLedger {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly backoff: BackoffOptions = defaultBackoff,
  ) {}

  async claimOrder(order: OrderRecord): Promise<{ status: 'new' | 'pending' | 'applied'; receipt: WriteReceipt }> {
    try {
      const response = await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...orderItem(order), status: 'pending' },
          ConditionExpression: 'attribute_not_exists(PK)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      return { status: 'new', receipt: { capacityUnits: capacityUnits(response.ConsumedCapacity) } };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      // A failed condition reports no capacity, hence 0 (WriteReceipt: "0 where unknown").
      const existing = itemOfFailedCheck(error) ?? (await this.readOrder(order.customerId, order.orderId));
      return { status: existing?.status === 'applied' ? 'applied' : 'pending', receipt: { capacityUnits: 0 } };
    }
  }

  async markOrderApplied(customerId: string, orderId: string): Promise<WriteReceipt> {
    try {
      const response = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: orderKey(customerId, orderId),
          UpdateExpression: 'SET #status = :applied',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':applied': 'applied' },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      return { capacityUnits: capacityUnits(response.ConsumedCapacity) };
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new OrderNotFoundError(customerId, orderId);
      throw error;
    }
  }

  /** Orders repeated in `orders` are written once (the last one wins): a batch may not name a key twice. */
  async putOrders(orders: OrderRecord[]): Promise<WriteReceipt> {
    const unique = [...new Map(orders.map((order) => [`${order.customerId}\u0000${order.orderId}`, order])).values()];
    let units = 0;
    for (let start = 0; start < unique.length; start += BATCH_WRITE_LIMIT) {
      const chunk = unique.slice(start, start + BATCH_WRITE_LIMIT);
      const requests: BatchRequests = {
        [this.tableName]: chunk.map((order) => ({
          PutRequest: { Item: orderItem(order) },
        })),
      };
      await retryUnprocessed(
        'BatchWriteItem of orders',
        requests,
        async (pending) => {
          const response = await this.doc.send(
            new BatchWriteCommand({ RequestItems: pending, ReturnConsumedCapacity: 'TOTAL' }),
          );
          units += capacityUnits(response.ConsumedCapacity);
          const remaining = response.UnprocessedItems;
          return { remaining, remainingCount: remaining?.[this.tableName]?.length ?? 0 };
        },
        this.backoff,
      );
    }
    return { capacityUnits: units };
  }

  async getOrders(keys: readonly { customerId: string; orderId: string }[]): Promise<OrderRecord[]> {
    const items = await batchGetItems(
      this.doc,
      this.tableName,
      keys.map((key) => orderKey(key.customerId, key.orderId)),
      { operation: 'BatchGetItem of orders', backoff: this.backoff },
    );
    return items.map((item) => withoutStorageAttributes(item) as unknown as OrderRecord);
  }

  async listOrders(customerId: string): Promise<OrderRecord[]> {
    const orders: OrderRecord[] = [];
    for await (const item of queryPartition(this.doc, this.tableName, {
      partition: customerPartition(customerId),
      sortKeyPrefix: ORDER_SK_PREFIX,
      consistentRead: true,
    }))
      orders.push(withoutStorageAttributes(item) as unknown as OrderRecord);
    return orders;
  }

  private async readOrder(customerId: string, orderId: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: orderKey(customerId, orderId), ConsistentRead: true }),
    );
    return Item;
  }
}

/** An order's item: its key, the record, and the `customers` index key the nightly refresh reads orders by (issue 20). */
function orderItem(order: OrderRecord): Record<string, unknown> {
  return { ...orderKey(order.customerId, order.orderId), ...order, customersPK: customersShardKey(order.customerId) };
}
