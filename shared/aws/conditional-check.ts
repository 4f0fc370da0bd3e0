/** Recognizing a failed condition expression, and reading the item that made it fail. */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

/** By name rather than `instanceof`: two copies of the SDK in one bundle make distinct classes. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * The stored item carried by the exception when the write asked for
 * `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`. The document client does not unmarshall
 * exceptions, so it arrives as raw attribute values. Engines that predate the option (dynalite)
 * leave it out; callers then read the item.
 */
export function itemOfFailedCheck(error: unknown): Record<string, unknown> | undefined {
  const item = (error as { Item?: Record<string, AttributeValue> } | undefined)?.Item;
  return item ? unmarshall(item) : undefined;
}
