/**
 * Reads profiles with a paginated Scan: local data sets and operator commands such as
 * `segment size`, and, one parallel-scan segment per invocation, the nightly refresh (and later
 * scheduled journeys' audiences). Never on a hot path.
 */
import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { ScanSlice } from '../analytics/refresh/ports.js';
import type { ScannedProfiles } from '../ports.js';
import type { Profile } from '../profiles/schema.js';
import { CorruptProfileError, customerIdOf, profileFromItem } from './dynamo-profile-store.js';
import { PROFILE_SK } from './table.js';
import { NOT_EXPIRED_FILTER } from './table-retention.js';

/**
 * Current profiles: anonymous profiles merged into a customer (frozen copies) are left out, and
 * so are expired ones DynamoDB has not deleted yet (TTL passed at `now`).
 */
export function scanProfiles(
  doc: DynamoDBDocumentClient,
  tableName: string,
  slice: ScanSlice | undefined,
  now: Date,
): ScannedProfiles {
  let invalid = 0;
  async function* pages(): AsyncGenerator<Profile> {
    for await (const page of paginateScan(
      { client: doc },
      {
        TableName: tableName,
        FilterExpression: `SK = :profile AND attribute_not_exists(mergedInto) AND ${NOT_EXPIRED_FILTER}`,
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':profile': PROFILE_SK, ':nowSeconds': Math.floor(now.getTime() / 1000) },
        ...(slice ? { Segment: slice.segment, TotalSegments: slice.totalSegments } : {}),
      },
    )) {
      for (const item of page.Items ?? []) {
        // The same reader as the store: it fills in the attributes stored only when not empty.
        try {
          yield profileFromItem(customerIdOf(item), item);
        } catch (error) {
          if (!(error instanceof CorruptProfileError)) throw error;
          invalid++;
        }
      }
    }
  }
  return { profiles: pages(), invalid: () => invalid };
}
