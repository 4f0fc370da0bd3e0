/**
 * Reads profiles with a paginated Scan: local data sets and operator commands such as
 * `segment size`, and, one parallel-scan segment per invocation, the nightly refresh (and later
 * scheduled journeys' audiences). Never on a hot path.
 */
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { emptyProfile, profileSchema, type Profile } from '../profiles/schema.js';
import { PROFILE_SK, withoutStorageAttributes } from './table.js';

export interface ScannedProfiles {
  profiles: AsyncIterable<Profile>;
  /** Items that did not match the profile schema (skipped, counted). */
  invalid(): number;
}

/** One segment of a parallel scan (DynamoDB's Segment / TotalSegments); a customer's items share a segment. */
export interface ScanSegment {
  segment: number;
  totalSegments: number;
}

/** Current profiles: anonymous profiles merged into a customer (frozen copies) are left out. */
export function scanProfiles(doc: DynamoDBDocumentClient, tableName: string, slice?: ScanSegment): ScannedProfiles {
  let invalid = 0;
  async function* pages(): AsyncGenerator<Profile> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new ScanCommand({
          TableName: tableName,
          FilterExpression: 'SK = :profile AND attribute_not_exists(mergedInto)',
          ExpressionAttributeValues: { ':profile': PROFILE_SK },
          ExclusiveStartKey: startKey,
          ...(slice ? { Segment: slice.segment, TotalSegments: slice.totalSegments } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        // The store leaves attributes at their empty value out of the item (DynamoProfileStore):
        // they read back as the empty profile's, which the item's own attributes then override.
        const parsed = profileSchema.safeParse({ ...emptyProfile('', ''), ...withoutStorageAttributes(item) });
        if (parsed.success) yield parsed.data;
        else invalid++;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
  return { profiles: pages(), invalid: () => invalid };
}
