/** Counts profiles by kind with a scan (local data sets and operator reports; not on a hot path). */
import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { itemSize } from './item-size.js';
import { PROFILE_DOCUMENT_ATTRIBUTE, unpackProfileItem } from './profile-item-codec.js';
import { NOT_EXPIRED_FILTER } from './table-retention.js';

export interface ProfileCounts {
  /** Known customers (a userId). */
  known: number;
  /** Anonymous visitors never linked to a customer. */
  anonymous: number;
  /** Anonymous profiles folded into a customer's (kept frozen). */
  merged: number;
  /** Members per segment id, over live (not merged) profiles. */
  segments: Record<string, number>;
  /** Complaints summed over live profiles: opened and resolved ever, open now (issue 22). */
  complaints: { opened: number; resolved: number; open: number };
}

/** Profiles whose TTL has passed at `now` are not counted (shared/privacy/retention.ts). */
export async function countProfiles(doc: DynamoDBDocumentClient, tableName: string, now: Date): Promise<ProfileCounts> {
  const counts: ProfileCounts = {
    known: 0,
    anonymous: 0,
    merged: 0,
    segments: {},
    complaints: { opened: 0, resolved: 0, open: 0 },
  };
  for await (const page of paginateScan(
    { client: doc },
    {
      TableName: tableName,
      FilterExpression: `SK = :profile AND ${NOT_EXPIRED_FILTER}`,
      ProjectionExpression: 'PK, mergedInto, #segments, complaints, #document',
      ExpressionAttributeNames: { '#segments': 'segments', '#document': PROFILE_DOCUMENT_ATTRIBUTE, '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':profile': 'PROFILE', ':nowSeconds': Math.floor(now.getTime() / 1000) },
    },
  )) {
    for (const stored of page.Items ?? []) {
      // Segments and complaints are in the compressed document (or plain, on items written before it).
      const item = unpackProfileItem(stored);
      if (item.mergedInto) {
        counts.merged++;
        continue;
      }
      if (String(item.PK).startsWith('C#anon:')) counts.anonymous++;
      else counts.known++;
      for (const segment of Object.keys((item.segments ?? {}) as object))
        counts.segments[segment] = (counts.segments[segment] ?? 0) + 1;
      const complaints = (item.complaints ?? {}) as Partial<Record<'opened' | 'resolved' | 'open', unknown>>;
      counts.complaints.opened += Number(complaints.opened ?? 0);
      counts.complaints.resolved += Number(complaints.resolved ?? 0);
      counts.complaints.open += Number(complaints.open ?? 0);
    }
  }
  return counts;
}

/** The billed size (shared/aws/item-size.ts) of every profile item not expired at `now`, merged ones included. */
export async function profileItemSizes(doc: DynamoDBDocumentClient, tableName: string, now: Date): Promise<number[]> {
  const sizes: number[] = [];
  for await (const page of paginateScan(
    { client: doc },
    {
      TableName: tableName,
      FilterExpression: `SK = :profile AND ${NOT_EXPIRED_FILTER}`,
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':profile': 'PROFILE', ':nowSeconds': Math.floor(now.getTime() / 1000) },
    },
  ))
    for (const item of page.Items ?? []) sizes.push(itemSize(item));
  return sizes;
}
