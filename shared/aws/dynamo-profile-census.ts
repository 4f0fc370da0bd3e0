/** Counts profiles by kind with a scan (local data sets and operator reports; not on a hot path). */
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface ProfileCounts {
  /** Known customers (a userId). */
  known: number;
  /** Anonymous visitors never linked to a customer. */
  anonymous: number;
  /** Anonymous profiles folded into a customer's (kept frozen). */
  merged: number;
}

export async function countProfiles(doc: DynamoDBDocumentClient, tableName: string): Promise<ProfileCounts> {
  const counts: ProfileCounts = { known: 0, anonymous: 0, merged: 0 };
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'SK = :profile',
        ProjectionExpression: 'PK, mergedInto',
        ExpressionAttributeValues: { ':profile': 'PROFILE' },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      if (item.mergedInto) counts.merged++;
      else if (String(item.PK).startsWith('C#anon:')) counts.anonymous++;
      else counts.known++;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return counts;
}
