/** Capacity units from DynamoDB's `ConsumedCapacity`, for the `WriteReceipt` every write returns. */
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';

/**
 * Total units of one response. With `ReturnConsumedCapacity: 'TOTAL'` DynamoDB reports the
 * table and its indexes together in `CapacityUnits`; the breakdown (INDEXES) is summed only when
 * the total is missing. Batch operations return one entry per table, hence the array.
 */
export function capacityUnits(consumed: ConsumedCapacity | readonly ConsumedCapacity[] | undefined): number {
  if (consumed === undefined) return 0;
  if (isList(consumed)) return consumed.reduce((sum, entry) => sum + capacityUnits(entry), 0);
  if (consumed.CapacityUnits !== undefined) return consumed.CapacityUnits;
  const indexes = [
    ...Object.values(consumed.GlobalSecondaryIndexes ?? {}),
    ...Object.values(consumed.LocalSecondaryIndexes ?? {}),
  ];
  return (consumed.Table?.CapacityUnits ?? 0) + indexes.reduce((sum, index) => sum + (index.CapacityUnits ?? 0), 0);
}

function isList(consumed: ConsumedCapacity | readonly ConsumedCapacity[]): consumed is readonly ConsumedCapacity[] {
  return Array.isArray(consumed);
}
