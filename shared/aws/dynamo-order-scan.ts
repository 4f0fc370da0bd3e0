/**
 * Reads the products of every `O#` order item of one parallel-scan segment (the nightly
 * refresh's co-purchase counts). Only the attributes the recommender needs are projected.
 */
import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { PurchasedOrder } from '../analytics/recommendations.js';
import type { ScanSlice } from '../analytics/refresh/ports.js';
import { ORDER_SK_PREFIX } from './table.js';

export async function* scanOrderProducts(
  doc: DynamoDBDocumentClient,
  tableName: string,
  slice?: ScanSlice,
): AsyncGenerator<PurchasedOrder> {
  for await (const page of paginateScan(
    { client: doc },
    {
      TableName: tableName,
      FilterExpression: 'begins_with(SK, :order)',
      ProjectionExpression: 'customerId, #at, products',
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: { ':order': ORDER_SK_PREFIX },
      ...(slice ? { Segment: slice.segment, TotalSegments: slice.totalSegments } : {}),
    },
  )) {
    for (const item of page.Items ?? []) {
      const order = purchasedOrder(item);
      if (order) yield order;
    }
  }
}

/** Items written by the order ledger always have these; anything else is skipped, not fatal. */
export function purchasedOrder(item: Record<string, unknown>): PurchasedOrder | undefined {
  const { customerId, at, products } = item;
  if (typeof customerId !== 'string' || typeof at !== 'string') return undefined;
  const productIds = Array.isArray(products)
    ? products.flatMap((line: unknown) => {
        const id = (line as { productId?: unknown } | null)?.productId;
        return typeof id === 'string' && id !== '' ? [id] : [];
      })
    : [];
  return { customerId, at, productIds };
}
