/**
 * RefundLedger on the single table: `PK=C#<customerId>, SK=R#<orderId>#<messageId>`, permanent
 * like the orders. Keyed by the event's message id, so a redelivery rewrites the same item and a
 * second partial refund of the order is a second item.
 */
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { WriteReceipt } from '../ports.js';
import type { RefundLedger, RefundRecord } from '../profiles/refund-from-event.js';
import { capacityUnits } from './capacity.js';
import { customerPartition } from './table.js';

export const REFUND_SK_PREFIX = 'R#';

export class DynamoRefundLedger implements RefundLedger {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async recordRefund(refund: RefundRecord): Promise<WriteReceipt> {
    const response = await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          PK: customerPartition(refund.customerId),
          SK: `${REFUND_SK_PREFIX}${refund.orderId}#${refund.messageId}`,
          ...refund,
        },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return { capacityUnits: capacityUnits(response.ConsumedCapacity) };
  }
}
