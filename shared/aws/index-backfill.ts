/**
 * The resumable backfill of issue 20's indexes for items written before them (docs/deploy.md,
 * "Audiences without scans"): one pass over the table that writes the membership items of the
 * given audience segments and sets the `customers` index key on the profiles the refresh scores
 * and on every order. It is the one scan left, run once per rollout (or per audience a journey
 * starts targeting), never on a schedule.
 *
 * Resumable: after each page the scan's position is kept in the index-state item; a run that is
 * stopped (Lambda's 15 minutes, Ctrl-C) goes on from there when started again with the same
 * audiences. When the scan ends, the state records what it covered and the readers switch from
 * their scan fallback to the indexes.
 *
 * Safe beside live writes: the profile writer keeps both indexes in step from its first write on,
 * a profile's `customers` key is set only on the version that was read, and a membership the
 * backfill puts for a customer who left meanwhile is only a stale one (the pass's `schedule`
 * message is checked against the profile).
 */
import { GetCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { scoredByRefresh } from '../analytics/refresh/scored-customers.js';
import { membershipsOf } from '../journeys/audiences.js';
import type { Profile } from '../profiles/schema.js';
import { batchWriteItems } from './batch-write.js';
import { recordIndexState, registerZones } from './dynamo-index-state.js';
import { CorruptProfileError, profileFromItem } from './dynamo-profile-store.js';
import { isConditionalCheckFailed } from './conditional-check.js';
import {
  audienceMembershipKey,
  audiencePartition,
  customersShardKey,
  INDEX_STATE_KEY,
  ORDER_SK_PREFIX,
  PROFILE_SK,
  shardOf,
} from './table.js';

export interface BackfillOptions {
  /** The audience segments to write memberships for (the campaign's scheduled journeys' audiences). */
  audiences: readonly string[];
  /** Items per Scan page. */
  pageSize?: number;
  /** Stop after this many pages (a Lambda invocation's share); the next run resumes. */
  maxPages?: number;
  onPage?: (progress: BackfillResult) => void;
}

export interface BackfillResult {
  /** Items the scan read (every type: the scan reads them all, which is why it runs once). */
  scanned: number;
  profiles: number;
  memberships: number;
  /** Profiles and orders given the `customers` index key. */
  keyed: number;
  /** True when the scan reached the end and the state records what it covered. */
  complete: boolean;
  /** Write units the backfill consumed. */
  capacityUnits: number;
}

type Key = Record<string, unknown>;

/** UpdateItem calls in flight at once (each sets one item's `customers` key). */
const KEY_UPDATES_AT_ONCE = 25;

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** The position is kept per audience set: a run for other audiences starts from the beginning. */
function cursorName(audiences: readonly string[]): string {
  return `cursor:${[...audiences].sort().join(',')}`;
}

export async function backfillIndexes(
  doc: DynamoDBDocumentClient,
  tableName: string,
  options: BackfillOptions,
): Promise<BackfillResult> {
  const result: BackfillResult = {
    scanned: 0,
    profiles: 0,
    memberships: 0,
    keyed: 0,
    complete: false,
    capacityUnits: 0,
  };
  const cursor = cursorName(options.audiences);
  const { Item: state } = await doc.send(
    new GetCommand({ TableName: tableName, Key: INDEX_STATE_KEY, ConsistentRead: true }),
  );
  let startKey = state?.[cursor] as Key | undefined;
  for (let page = 0; options.maxPages === undefined || page < options.maxPages; page++) {
    const response = await doc.send(
      new ScanCommand({
        TableName: tableName,
        ...(options.pageSize === undefined ? {} : { Limit: options.pageSize }),
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    const memberships = [];
    const keys: Promise<number>[] = [];
    for (const item of response.Items ?? []) {
      result.scanned++;
      const sk = String(item.SK);
      if (sk === PROFILE_SK) {
        let profile: Profile;
        try {
          profile = profileFromItem(String(item.id), item);
        } catch (error) {
          if (error instanceof CorruptProfileError) continue;
          throw error;
        }
        result.profiles++;
        for (const [segment, bucket] of membershipsOf(profile, options.audiences))
          memberships.push({
            PutRequest: {
              Item: {
                ...audienceMembershipKey(profile.id, segment),
                audPK: audiencePartition(segment, bucket, shardOf(profile.id)),
                bucket,
              },
            },
          });
        if (item.customersPK === undefined && scoredByRefresh(profile))
          keys.push(setCustomersKey(doc, tableName, item, profile.id, profile.version, result));
      } else if (
        sk.startsWith(ORDER_SK_PREFIX) &&
        item.customersPK === undefined &&
        typeof item.customerId === 'string'
      ) {
        keys.push(setCustomersKey(doc, tableName, item, item.customerId, undefined, result));
      }
      // A page's updates go out together, a bounded number at a time.
      if (keys.length >= KEY_UPDATES_AT_ONCE) result.keyed += sum(await Promise.all(keys.splice(0)));
    }
    result.keyed += sum(await Promise.all(keys.splice(0)));
    result.memberships += memberships.length;
    // Buckets are registered before memberships are written under them (decision 220).
    result.capacityUnits += await registerZones(doc, tableName, [
      ...new Set(memberships.map((request) => String(request.PutRequest.Item.bucket))),
    ]);
    result.capacityUnits += await batchWriteItems(doc, tableName, memberships, {
      operation: 'BatchWriteItem of backfilled audience memberships',
    });
    startKey = response.LastEvaluatedKey;
    await keepCursor(doc, tableName, cursor, startKey);
    options.onPage?.(result);
    if (startKey === undefined) {
      await recordIndexState(doc, tableName, { audiences: options.audiences, customers: true });
      result.complete = true;
      break;
    }
  }
  return result;
}

async function setCustomersKey(
  doc: DynamoDBDocumentClient,
  tableName: string,
  item: Record<string, unknown>,
  customerId: string,
  version: number | undefined,
  result: BackfillResult,
): Promise<number> {
  try {
    const response = await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { PK: item.PK, SK: item.SK },
        UpdateExpression: 'SET customersPK = :key',
        // A profile only at the version read (a later write has set or removed the key itself).
        ConditionExpression: version === undefined ? 'attribute_exists(PK)' : '#version = :version',
        ...(version === undefined ? {} : { ExpressionAttributeNames: { '#version': 'version' } }),
        ExpressionAttributeValues: {
          ':key': customersShardKey(customerId),
          ...(version === undefined ? {} : { ':version': version }),
        },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    result.capacityUnits += response.ConsumedCapacity?.CapacityUnits ?? 0;
    return 1;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return 0;
    throw error;
  }
}

async function keepCursor(
  doc: DynamoDBDocumentClient,
  tableName: string,
  cursor: string,
  startKey: Key | undefined,
): Promise<void> {
  await doc.send(
    new UpdateCommand({
      TableName: tableName,
      Key: INDEX_STATE_KEY,
      UpdateExpression: startKey === undefined ? 'REMOVE #cursor' : 'SET #cursor = :cursor',
      ExpressionAttributeNames: { '#cursor': cursor },
      ...(startKey === undefined ? {} : { ExpressionAttributeValues: { ':cursor': startKey } }),
    }),
  );
}
