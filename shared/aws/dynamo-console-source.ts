/**
 * What `sadakat console` reads from the single table in local mode (DESIGN "Data model"):
 *
 * - one customer: a Query on `PK=C#<id>` (profile, journey runs, send ledger, orders, the
 *   decisions that sent nothing), bounded to `CUSTOMER_ITEM_LIMIT` items;
 * - the folder's overview: one Scan that folds every item into counts (customers, segment sizes,
 *   events and sends per day, refusals by reason, runs per journey step) and keeps the most recent
 *   ledger entries. It is a local data folder's snapshot, not a hot path: `--table` mode never
 *   scans (it reads the nightly snapshot, counted from indexes, and the bounded reads below:
 *   decision counters, an audience's sample, the due index's pending sends).
 *
 * Items whose TTL has passed are left out, as every reader does.
 */
import { paginateScan, QueryCommand, type QueryCommandInput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EngagementMetric, LedgerStatus, SendDecisionRecord } from '../channels/ports.js';
import { isDoctorCustomer } from '../identity/doctor-customer.js';
import { HANDED_OVER_AT_LOGIN, type JourneyRun } from '../journeys/run.js';
import type { Profile } from '../profiles/schema.js';
import { engagementAttribute } from './dynamo-engagement-marks.js';
import { queryPartition } from './query-pages.js';
import { profileFromItem } from './dynamo-profile-store.js';
import { isKept, NOT_EXPIRED_FILTER } from './table-retention.js';
import { sendRequestSchema } from '../channels/send-request.js';
import {
  AUDIENCE_INDEX,
  audiencePartition,
  DUE_INDEX,
  INDEX_STATE_KEY,
  messageStatsPartitions,
  SEND_DECISION_SK_PREFIX,
  SHARD_COUNT,
  sendIndexShardKeys,
  withoutStorageAttributes,
} from './table.js';

/** More items under one customer than a page shows: the rest is left unread. */
export const CUSTOMER_ITEM_LIMIT = 2_000;
/** Ledger entries the snapshot keeps for the messages page (the most recent). */
export const RECENT_MESSAGES = 500;
/** Members of each segment kept as a sample. */
export const SEGMENT_SAMPLE = 25;

export interface ConsoleMessage {
  customerId: string;
  messageId: string;
  journeyId: string;
  stepId: string;
  runId: string;
  channel: string;
  status: LedgerStatus;
  variant?: string;
  claimedAt: string;
  updatedAt: string;
  detail?: string;
  engaged: Record<string, string>;
}

/** A send decision that sent nothing (`D#`, decision 205): refused or deferred, with its reason. */
export type ConsoleDecision = SendDecisionRecord;

export interface ConsoleOrder {
  orderId: string;
  at: string;
  amount: number;
}

export interface CustomerItems {
  profile: Profile | undefined;
  runs: JourneyRun[];
  messages: ConsoleMessage[];
  /** Decisions that sent nothing, newest first. */
  decisions: ConsoleDecision[];
  orders: ConsoleOrder[];
  /** More items than CUSTOMER_ITEM_LIMIT: the page shows the first ones. */
  truncated: boolean;
}

export interface StepCount {
  /** Runs at this step now (waiting or about to run it). */
  waiting: number;
  /** Runs that reached this step at least once. */
  passed: number;
}

export interface JourneySnapshot {
  entered: number;
  active: number;
  completed: number;
  exited: number;
  holdout: number;
  variants: Record<string, number>;
  steps: Record<string, StepCount>;
}

function emptyJourneyCounts(): JourneySnapshot {
  return { entered: 0, active: 0, completed: 0, exited: 0, holdout: 0, variants: {}, steps: {} };
}

export interface ConsoleSnapshot {
  asOf: string;
  /**
   * The folder was counted whole (local mode). A deployed table is never scanned: customers,
   * segments, per-step counts and recent messages are then absent, and `notes` say why.
   */
  counted: boolean;
  /**
   * Events and sends per day were counted (a local folder). A deployed table's snapshot counts
   * from indexes only (decision 220): per-day figures, and the other figures it lacks, which are
   * NaN (console/format.ts NOT_COUNTED, shown as "—").
   */
  daily: boolean;
  notes: string[];
  /** Known customers (anonymous visitors and profiles merged away not counted). */
  customers: number;
  anonymous: number;
  segments: Record<string, { members: number; sample: string[] }>;
  /** UTC day (YYYY-MM-DD) → events that day, from the profiles' daily counts (90 days). */
  eventsPerDay: Record<string, number>;
  /** UTC day → channel → messages sent. */
  sendsPerDay: Record<string, Record<string, number>>;
  /** Send decisions by reason (the STATS# counters), `sent` included. */
  decisions: Record<string, number>;
  /** The same counters by journey, variant (`-` outside experiments) and metric; read with `--table` only. */
  decisionsByVariant?: Record<string, Record<string, Record<string, number>>>;
  journeys: Record<string, JourneySnapshot>;
  /** The most recent ledger entries, newest first. */
  messages: ConsoleMessage[];
  /** The most recent decisions that sent nothing (`D#`), newest first; empty where not counted. */
  unsent: ConsoleDecision[];
  /** Lower-cased email address → customer id, for find-by-email. */
  emails: Map<string, string>;
}

export async function readCustomerItems(
  doc: DynamoDBDocumentClient,
  tableName: string,
  customerId: string,
  now: Date,
): Promise<CustomerItems> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': `C#${customerId}` },
        ExclusiveStartKey: startKey,
        Limit: CUSTOMER_ITEM_LIMIT - items.length,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey && items.length < CUSTOMER_ITEM_LIMIT);
  const result: CustomerItems = {
    profile: undefined,
    runs: [],
    messages: [],
    decisions: [],
    orders: [],
    truncated: startKey !== undefined,
  };
  for (const item of items) {
    if (!isKept(item, now)) continue;
    const sk = String(item.SK);
    // Stored profiles leave out attributes at their empty default: read back as every reader does.
    if (sk === 'PROFILE') result.profile = profileFromItem(customerId, item);
    else if (sk.startsWith('J#')) {
      if (item.exitReason !== HANDED_OVER_AT_LOGIN)
        result.runs.push(withoutStorageAttributes(item) as unknown as JourneyRun);
    } else if (sk.startsWith('M#') && typeof item.claimedAt === 'string') result.messages.push(messageOf(item));
    else if (sk.startsWith(SEND_DECISION_SK_PREFIX) && typeof item.decidedAt === 'string')
      result.decisions.push(decisionOf(item));
    else if (sk.startsWith('O#') && typeof item.at === 'string')
      result.orders.push({
        orderId: String(item.orderId ?? sk.slice(2)),
        at: item.at,
        amount: Number(item.amount ?? 0),
      });
  }
  result.runs.sort((a, b) => b.enteredAt.localeCompare(a.enteredAt));
  result.messages.sort((a, b) => b.claimedAt.localeCompare(a.claimedAt));
  result.decisions.sort(newestDecisionFirst);
  result.orders.sort((a, b) => b.at.localeCompare(a.at));
  return result;
}

const STATS_PREFIX = 'STATS#MSG#';
const DAY_MS = 86_400_000;

export async function readConsoleSnapshot(
  doc: DynamoDBDocumentClient,
  tableName: string,
  now: Date,
): Promise<ConsoleSnapshot> {
  const snapshot: ConsoleSnapshot = {
    asOf: now.toISOString(),
    counted: true,
    daily: true,
    notes: [],
    customers: 0,
    anonymous: 0,
    segments: {},
    eventsPerDay: {},
    sendsPerDay: {},
    decisions: {},
    journeys: {},
    messages: [],
    unsent: [],
    emails: new Map(),
  };
  for await (const page of paginateScan(
    { client: doc },
    {
      TableName: tableName,
      FilterExpression: NOT_EXPIRED_FILTER,
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':nowSeconds': Math.floor(now.getTime() / 1000) },
    },
  )) {
    for (const item of page.Items ?? []) {
      const pk = String(item.PK);
      const sk = String(item.SK);
      if (pk.startsWith(STATS_PREFIX)) {
        const metric = sk.split('#')[2] ?? '';
        snapshot.decisions[metric] = (snapshot.decisions[metric] ?? 0) + Number(item.count ?? 0);
        continue;
      }
      if (!pk.startsWith('C#') || isDoctorCustomer(pk.slice(2))) continue;
      if (sk === 'PROFILE') addProfile(snapshot, profileFromItem(String(item.PK).slice(2), item));
      else if (sk.startsWith('J#')) addRun(snapshot, item as unknown as JourneyRun & { exitReason?: string });
      else if (sk.startsWith('M#') && typeof item.claimedAt === 'string') addMessage(snapshot, messageOf(item));
      else if (sk.startsWith(SEND_DECISION_SK_PREFIX) && typeof item.decidedAt === 'string')
        keepRecent(snapshot.unsent, decisionOf(item), newestDecisionFirst);
    }
  }
  snapshot.unsent.sort(newestDecisionFirst);
  snapshot.unsent.length = Math.min(snapshot.unsent.length, RECENT_MESSAGES);
  snapshot.messages.sort(newestMessageFirst);
  snapshot.messages.length = Math.min(snapshot.messages.length, RECENT_MESSAGES);
  for (const segment of Object.values(snapshot.segments)) segment.sample.sort();
  return snapshot;
}

/** Time-zone buckets a segment sample reads at most (16 shard partitions each). */
export const SAMPLE_ZONES = 4;

/**
 * A sample of an audience segment's members for `--table` (decision 221): the registered zones of
 * the index state (one Query of its partition), then the zones' 16 shard partitions of the
 * `audience` index at once, `limit` keys each, zone after zone until `limit` members — at most
 * 1 + SAMPLE_ZONES × 16 Queries, whatever the table holds. Ids sorted; stale members possible
 * (the index is eventually consistent and a membership may outlive its member, decision 190).
 */
export async function readAudienceSample(
  doc: DynamoDBDocumentClient,
  tableName: string,
  segment: string,
  limit = SEGMENT_SAMPLE,
): Promise<string[]> {
  const state = await doc.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': INDEX_STATE_KEY.PK },
      Limit: 1,
    }),
  );
  const registered = state.Items?.[0]?.zones;
  const zones = (registered instanceof Set ? [...registered].map(String) : [])
    // Members without a zone of their own first: in most shops the largest bucket.
    .sort((a, b) => Number(b === '-') - Number(a === '-') || a.localeCompare(b))
    .slice(0, SAMPLE_ZONES);
  const members = new Set<string>();
  for (const zone of zones) {
    const pages = await Promise.all(
      Array.from({ length: SHARD_COUNT }, (_, shard) =>
        queryIndexPage(doc, tableName, {
          IndexName: AUDIENCE_INDEX,
          KeyConditionExpression: 'audPK = :pk',
          ExpressionAttributeValues: { ':pk': audiencePartition(segment, zone, shard) },
          Limit: limit,
        }),
      ),
    );
    for (const item of pages.flat()) members.add(String(item.PK).slice('C#'.length));
    if (members.size >= limit) break;
  }
  return [...members].sort().slice(0, limit);
}

/** Sends each shard's partition of the `due` index gives the messages page, at most. */
export const PENDING_PER_SHARD = 5;

/**
 * Sends across customers that a deployed table lists by key (decision 222): deferred sends waiting
 * to go out (`DEFER#<shard>` of the `due` index, soonest first) and claims not yet settled
 * (`CLAIM#<shard>`, newest first) — 2 × 16 Queries of PENDING_PER_SHARD items, no write added.
 * Sends already settled are in no index: their ledger entries are read per customer.
 */
export async function readPendingSends(
  doc: DynamoDBDocumentClient,
  tableName: string,
  now: Date,
): Promise<{ claims: ConsoleMessage[]; deferred: ConsoleDecision[] }> {
  const read = (kind: 'defer' | 'claim') =>
    Promise.all(
      sendIndexShardKeys(kind).map((pk) =>
        queryIndexPage(doc, tableName, {
          IndexName: DUE_INDEX,
          KeyConditionExpression: 'duePK = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ScanIndexForward: kind === 'defer',
          Limit: PENDING_PER_SHARD,
        }),
      ),
    ).then((pages) => pages.flat().filter((item) => isKept(item, now)));
  const [deferredItems, claimItems] = await Promise.all([read('defer'), read('claim')]);
  const deferred: ConsoleDecision[] = [];
  for (const item of deferredItems) {
    const request = sendRequestSchema.safeParse(item.request);
    if (!request.success || typeof item.wakeAt !== 'string' || isDoctorCustomer(request.data.customerId)) continue;
    const { customerId, messageId, journeyId, stepId, runId, channel, variant } = request.data;
    deferred.push({
      customerId,
      messageId,
      journeyId,
      stepId,
      runId,
      channel,
      ...(variant === undefined ? {} : { variant }),
      reason: 'deferred',
      detail: 'waiting to go out',
      wakeAt: item.wakeAt,
      decidedAt: '',
    });
  }
  deferred.sort((a, b) => (a.wakeAt ?? '').localeCompare(b.wakeAt ?? '') || a.messageId.localeCompare(b.messageId));
  const claims = claimItems
    .filter((item) => item.status === 'claimed' && typeof item.claimedAt === 'string')
    .map(messageOf)
    .filter((message) => !isDoctorCustomer(message.customerId))
    .sort(newestMessageFirst);
  return { claims, deferred };
}

async function queryIndexPage(
  doc: DynamoDBDocumentClient,
  tableName: string,
  input: Omit<QueryCommandInput, 'TableName'>,
): Promise<Record<string, unknown>[]> {
  return (await doc.send(new QueryCommand({ TableName: tableName, ...input }))).Items ?? [];
}

/**
 * One bounded read `sadakat console --table` makes at start, within its policy (Query on a
 * `STATS#MSG#` partition, at most one item): throws as the SDK does when the table is missing or
 * the credentials may not read it, so the command can say so before printing its address.
 */
export async function probeConsoleTable(doc: DynamoDBDocumentClient, tableName: string): Promise<void> {
  await doc.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': `${STATS_PREFIX}-` },
      Limit: 1,
    }),
  );
}

/**
 * The send-decision counters of the given journeys and variants (`PK=STATS#MSG#<journey>#<variant>#<shard>`,
 * and the unsharded partition of older counters: messageStatsPartitions): one Query per partition,
 * each holding at most steps × channels × metrics items,
 * so the cost depends on the campaign, never on how many customers the table holds.
 */
export async function readDecisionCounters(
  doc: DynamoDBDocumentClient,
  tableName: string,
  partitions: readonly { journeyId: string; variant: string | undefined }[],
): Promise<{
  total: Record<string, number>;
  byJourney: Record<string, Record<string, number>>;
  /** Journey → variant (`-` outside experiments) → metric → count: the counters `sadakat report` reads. */
  byVariant: Record<string, Record<string, Record<string, number>>>;
}> {
  const total: Record<string, number> = {};
  const byJourney: Record<string, Record<string, number>> = {};
  const byVariant: Record<string, Record<string, Record<string, number>>> = {};
  const add = (journeyId: string, variant: string | undefined, items: readonly Record<string, unknown>[]) => {
    for (const item of items) {
      const metric = String(item.SK).split('#')[2] ?? '';
      const count = Number(item.count ?? 0);
      total[metric] = (total[metric] ?? 0) + count;
      const journey = (byJourney[journeyId] ??= {});
      journey[metric] = (journey[metric] ?? 0) + count;
      const arm = ((byVariant[journeyId] ??= {})[variant ?? '-'] ??= {});
      arm[metric] = (arm[metric] ?? 0) + count;
    }
  };
  // Every partition of every journey and variant is read at once: a page waits for one round
  // trip, not one per variant (81 Queries with the example campaign either way: a Query reads one
  // partition, and each shard is one).
  const reads = partitions.flatMap(({ journeyId, variant }) =>
    messageStatsPartitions(journeyId, variant).map(async (pk) => ({
      journeyId,
      variant,
      items: await counterItems(doc, tableName, pk),
    })),
  );
  for (const { journeyId, variant, items } of await Promise.all(reads)) add(journeyId, variant, items);
  return { total, byJourney, byVariant };
}

/** Every counter item of one partition (`SK` and `count`). */
async function counterItems(
  doc: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  const query = { partition: pk, projection: 'SK, #count', names: { '#count': 'count' } };
  for await (const item of queryPartition(doc, tableName, query)) items.push(item);
  return items;
}

function addProfile(snapshot: ConsoleSnapshot, profile: Profile): void {
  if (profile.mergedInto) return;
  if (profile.id.startsWith('anon:')) {
    snapshot.anonymous++;
    return;
  }
  snapshot.customers++;
  const email = profile.channels?.email;
  if (typeof email === 'string') snapshot.emails.set(email.toLowerCase(), profile.id);
  for (const id of Object.keys(profile.segments ?? {})) {
    const segment = (snapshot.segments[id] ??= { members: 0, sample: [] });
    segment.members++;
    // Keep the smallest ids (a stable sample whatever the scan order).
    if (segment.sample.length < SEGMENT_SAMPLE) segment.sample.push(profile.id);
    else {
      const largest = segment.sample.reduce((max, id) => (id > max ? id : max));
      if (profile.id < largest) segment.sample[segment.sample.indexOf(largest)] = profile.id;
    }
  }
  for (const summary of Object.values(profile.events ?? {})) {
    for (const [day, count] of Object.entries(summary.daily ?? {})) {
      const date = new Date(Number(day) * DAY_MS).toISOString().slice(0, 10);
      snapshot.eventsPerDay[date] = (snapshot.eventsPerDay[date] ?? 0) + count;
    }
  }
}

function addRun(snapshot: ConsoleSnapshot, run: JourneyRun & { exitReason?: string }): void {
  if (run.exitReason === HANDED_OVER_AT_LOGIN) return;
  const journey = (snapshot.journeys[run.journeyId] ??= emptyJourneyCounts());
  journey.entered++;
  if (run.status === 'active' || run.status === 'waiting') journey.active++;
  if (run.status === 'completed') journey.completed++;
  if (run.status === 'exited') journey.exited++;
  if (run.holdout) journey.holdout++;
  if (run.variant) journey.variants[run.variant] = (journey.variants[run.variant] ?? 0) + 1;
  for (const [stepId, visits] of Object.entries(run.visits ?? {})) {
    if (visits > 0) (journey.steps[stepId] ??= { waiting: 0, passed: 0 }).passed++;
  }
  if ((run.status === 'active' || run.status === 'waiting') && run.stepId)
    (journey.steps[run.stepId] ??= { waiting: 0, passed: 0 }).waiting++;
}

function addMessage(snapshot: ConsoleSnapshot, message: ConsoleMessage): void {
  keepRecent(snapshot.messages, message, newestMessageFirst);
  if (message.status === 'sent') {
    const day = message.claimedAt.slice(0, 10);
    const channels = (snapshot.sendsPerDay[day] ??= {});
    channels[message.channel] = (channels[message.channel] ?? 0) + 1;
  }
}

/** Keeps memory bounded on a large folder: trims to the most recent now and then. */
function keepRecent<T>(list: T[], item: T, order: (a: T, b: T) => number): void {
  list.push(item);
  if (list.length > RECENT_MESSAGES * 4) {
    list.sort(order);
    list.length = RECENT_MESSAGES;
  }
}

const newestMessageFirst = (a: ConsoleMessage, b: ConsoleMessage): number =>
  b.claimedAt.localeCompare(a.claimedAt) || a.messageId.localeCompare(b.messageId);

const newestDecisionFirst = (a: ConsoleDecision, b: ConsoleDecision): number =>
  b.decidedAt.localeCompare(a.decidedAt) || a.messageId.localeCompare(b.messageId);

function decisionOf(item: Record<string, unknown>): ConsoleDecision {
  const text = (name: string) => (typeof item[name] === 'string' ? { [name]: item[name] as string } : {});
  return {
    customerId: String(item.customerId ?? String(item.PK).slice(2)),
    messageId: String(item.messageId ?? ''),
    journeyId: String(item.journeyId ?? ''),
    stepId: String(item.stepId ?? ''),
    runId: String(item.runId ?? ''),
    channel: String(item.channel ?? '') as ConsoleDecision['channel'],
    reason: String(item.reason ?? '') as ConsoleDecision['reason'],
    decidedAt: String(item.decidedAt),
    ...text('variant'),
    ...text('detail'),
    ...(typeof item.cause === 'string' ? { cause: item.cause as NonNullable<ConsoleDecision['cause']> } : {}),
    ...text('wakeAt'),
  };
}

const ENGAGEMENTS: readonly EngagementMetric[] = ['delivered', 'opened', 'clicked', 'bounced', 'complained'];

function messageOf(item: Record<string, unknown>): ConsoleMessage {
  const engaged: Record<string, string> = {};
  for (const metric of ENGAGEMENTS) {
    const at = item[engagementAttribute(metric)];
    if (typeof at === 'string') engaged[metric] = at;
  }
  return {
    customerId: String(item.customerId ?? String(item.PK).slice(2)),
    messageId: String(item.messageId ?? String(item.SK).slice(2)),
    journeyId: String(item.journeyId ?? ''),
    stepId: String(item.stepId ?? ''),
    runId: String(item.runId ?? ''),
    channel: String(item.channel ?? ''),
    status: String(item.status) as LedgerStatus,
    ...(typeof item.variant === 'string' ? { variant: item.variant } : {}),
    claimedAt: String(item.claimedAt),
    updatedAt: String(item.updatedAt ?? item.claimedAt),
    ...(typeof item.detail === 'string' ? { detail: item.detail } : {}),
    engaged,
  };
}
