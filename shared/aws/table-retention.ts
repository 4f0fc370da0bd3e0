/**
 * What the table adapters need for retention (shared/privacy/retention.ts): the clock that
 * stamps and checks the `ttl` attribute, and the policy of the writer, when it has one. A writer
 * without a policy (unsubscribe, feedback, erasure: they do not load the campaign) leaves an
 * item's TTL as it is; every reader ignores items whose TTL has passed, since DynamoDB deletes
 * them only some time later.
 */
import { type Clock, systemClock } from '../ports.js';
import { isExpired, type RetentionPolicy } from '../privacy/retention.js';
import { TTL_ATTRIBUTE } from './table.js';

export interface TableRetention {
  clock: Clock;
  policy?: RetentionPolicy;
}

/** Readers ignore expired items; writers set no TTL. */
export const READ_ONLY_RETENTION: TableRetention = { clock: systemClock };

/** True while an item's TTL has not passed (or it has none). */
export function isKept(item: Record<string, unknown>, now: Date): boolean {
  return !isExpired(item[TTL_ATTRIBUTE], now);
}

/**
 * The condition of a first write: no item, or only one whose TTL has passed (DynamoDB has not
 * deleted it yet and the readers already ignore it). Uses `#ttl` and `:nowSeconds`.
 */
export const ABSENT_OR_EXPIRED = 'attribute_not_exists(PK) OR #ttl <= :nowSeconds';

export function absentOrExpiredValues(now: Date): { names: Record<string, string>; values: Record<string, unknown> } {
  return { names: { '#ttl': TTL_ATTRIBUTE }, values: { ':nowSeconds': Math.floor(now.getTime() / 1000) } };
}

/** A scan filter keeping only items whose TTL has not passed; uses `#ttl` and `:nowSeconds`. */
export const NOT_EXPIRED_FILTER = '(attribute_not_exists(#ttl) OR #ttl > :nowSeconds)';
