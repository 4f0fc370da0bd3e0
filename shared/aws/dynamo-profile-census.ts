/** Counts profiles by kind with a scan (local data sets and operator reports; not on a hot path). */
import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';

export interface ProfileCounts {
  /** Known customers (a userId). */
  known: number;
  /** Anonymous visitors never linked to a customer. */
  anonymous: number;
  /** Anonymous profiles folded into a customer's (kept frozen). */
  merged: number;
  /** Members per segment id, over live (not merged) profiles. */
  segments: Record<string, number>;
}

export async function countProfiles(doc: DynamoDBDocumentClient, tableName: string): Promise<ProfileCounts> {
  const counts: ProfileCounts = { known: 0, anonymous: 0, merged: 0, segments: {} };
  for await (const page of paginateScan(
    { client: doc },
    {
      TableName: tableName,
      FilterExpression: 'SK = :profile',
      ProjectionExpression: 'PK, mergedInto, #segments',
      ExpressionAttributeNames: { '#segments': 'segments' },
      ExpressionAttributeValues: { ':profile': 'PROFILE' },
    },
  )) {
    for (const item of page.Items ?? []) {
      if (item.mergedInto) {
        counts.merged++;
        continue;
      }
      if (String(item.PK).startsWith('C#anon:')) counts.anonymous++;
      else counts.known++;
      for (const segment of Object.keys((item.segments ?? {}) as object))
        counts.segments[segment] = (counts.segments[segment] ?? 0) + 1;
    }
  }
  return counts;
}
