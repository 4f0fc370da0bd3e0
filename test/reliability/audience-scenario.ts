/**
 * Audiences without scans (issue 20): one scenario at any size, for CI's 20,000 items
 * (audience-index.test.ts) and `npm run bench audience`'s 1M. A table seeded with items of every
 * type the pipeline writes, in fixed shares of the total — per 20 items: 3 known customers (each a
 * profile, an order, a journey run and a ledger entry), 2 anonymous visitors (each a profile, a
 * cap counter and an identity link), a suppression and a stats shard — written as before the
 * indexes existed (no membership items). A third of the known customers are in the audience
 * `churn_risk`, spread over four zones (one of them none). Every request goes through a counting
 * wrapper, so a run reports what it read and how (Scan or Query).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { buildHandler as buildShardHandler } from '../../functions/journey-schedule.js';
import { fitRefresh } from '../../shared/analytics/refresh/fit.js';
import { planRefresh } from '../../shared/analytics/refresh/plan.js';
import type { CustomerScan, RefreshArtifacts } from '../../shared/analytics/refresh/ports.js';
import { scoreSlice } from '../../shared/analytics/refresh/score.js';
import { summarizeSlice } from '../../shared/analytics/refresh/summarize.js';
import { batchWriteItems } from '../../shared/aws/batch-write.js';
import { DynamoAudienceIndex } from '../../shared/aws/dynamo-audience-index.js';
import { DynamoCustomerScan } from '../../shared/aws/dynamo-customers-index.js';
import { scanOrderProducts } from '../../shared/aws/dynamo-order-scan.js';
import { scanProfiles } from '../../shared/aws/dynamo-profile-scan.js';
import { storedProfileItem } from '../../shared/aws/dynamo-profile-store.js';
import { itemSize } from '../../shared/aws/item-size.js';
import {
  capKey,
  customersShardKey,
  identityKey,
  journeyKey,
  ledgerKey,
  messageStatsKey,
  orderKey,
  profileKey,
  suppressionKey,
} from '../../shared/aws/table.js';
import type { CustomerMessage } from '../../shared/events/messages.js';
import { planScheduleShards } from '../../shared/journeys/schedule-shards.js';
import type { DynamoEngine } from '../../shared/local/dynamo-engine.js';
import { localLambdaContext } from '../../shared/local/lambda-context.js';
import type { Clock, EventQueue } from '../../shared/ports.js';
import { emptyProfile } from '../../shared/profiles/schema.js';
import { journeyFrom } from '../unit/journeys/journey-builders.js';

export const SEEDED_AT = '2026-01-01T00:00:00.000Z';
/** Monday 10:00 in Istanbul is 07:00 UTC: the pass at 07:00 covers that bucket only. */
export const SCHEDULED_TIME = '2026-03-02T07:00:00Z';
/** Where the clock stands during the runs: a few minutes into the pass's hour. */
export const RUN_AT = new Date('2026-03-02T07:04:00Z');
export const AUDIENCE = 'churn_risk';
const ZONES = ['Europe/Istanbul', 'America/New_York', 'Asia/Tokyo', undefined] as const;
/** One archive key for every seeded profile (the store gives each its own; its size is what counts here). */
const ARCHIVE_KEY = 'k'.repeat(22);
/** Items per unit of the mix (see the header). */
const UNIT = 20;

export const winBack = journeyFrom(
  `id: win-back\ntrigger: { schedule: "0 10 * * MON", audience: ${AUDIENCE} }\nentry: { reentry: { after: 30d } }\nsteps:\n  - send: { channel: email, template: t }\n`,
);

export interface AudienceSeed {
  items: number;
  /** Profiles the refresh scores (each with one order). */
  known: number;
  /** Known customers in the audience: c0 … c<members-1>. */
  members: number;
  anonymous: number;
}

/** The mix for `items` items (a multiple of 20). */
export function audienceSeed(items: number): AudienceSeed {
  if (!Number.isInteger(items / UNIT) || items <= 0)
    throw new RangeError(`items: a positive multiple of ${UNIT}, got ${items}`);
  const units = items / UNIT;
  return { items, known: 3 * units, members: units, anonymous: 2 * units };
}

/** The audience members due at SCHEDULED_TIME: Istanbul's and those without a zone (the shop's zone is Istanbul). */
export function dueMembers(seed: AudienceSeed): string[] {
  const due: string[] = [];
  for (let n = 0; n < seed.members; n++) {
    const zone = ZONES[n % ZONES.length];
    if (zone === 'Europe/Istanbul' || zone === undefined) due.push(`c${n}`);
  }
  return due.sort();
}

const profileItems = new Map<string, Record<string, unknown>>();

/**
 * A known customer's profile item as the profile store writes it (its compressed document, the
 * `customers` key), scored by an earlier refresh; made once per kind (compressing is the seed's
 * dearest step), the id (a plain attribute, as the key) set per customer.
 */
function knownProfileItem(timezone: string | undefined, member: boolean): Record<string, unknown> {
  const kind = `${timezone}:${member}`;
  let item = profileItems.get(kind);
  if (item === undefined) {
    const orders = { ...emptyProfile('x', SEEDED_AT).orders, count: 1, days: 1, revenue: 20, firstAt: SEEDED_AT };
    item = storedProfileItem({
      ...emptyProfile('c', SEEDED_AT),
      ...(timezone ? { timezone } : {}),
      segments: member ? { [AUDIENCE]: { enteredAt: SEEDED_AT } } : { newsletter: { enteredAt: SEEDED_AT } },
      orders: { ...orders, lastAt: SEEDED_AT },
      rfm: { r: 2, f: 1, m: 2, segment: 'about_to_sleep' },
      clv: { pAlive: 0.42, expectedPurchases30d: 0.08, value12m: 31.5, tier: 'low', pNoPurchase30d: 0.93 },
      recommendations: ['sku-001', 'sku-002', 'sku-003', 'sku-004', 'sku-005'],
      archiveKey: ARCHIVE_KEY,
    });
    profileItems.set(kind, item);
  }
  return item;
}

function anonymousProfileItem(): Record<string, unknown> {
  let item = profileItems.get('anonymous');
  if (item === undefined) {
    item = storedProfileItem({ ...emptyProfile('anon:v', SEEDED_AT), archiveKey: ARCHIVE_KEY });
    profileItems.set('anonymous', item);
  }
  return item;
}

/**
 * The items, generated as they are written. Profiles and orders carry the `customers` key as
 * today's writers write it: that index comes in an earlier stack update (one GSI per update).
 */
export function* seedItems(seed: AudienceSeed): Generator<Record<string, unknown>> {
  const units = seed.items / UNIT;
  for (let n = 0; n < seed.known; n++) {
    const id = `c${n}`;
    yield {
      ...knownProfileItem(ZONES[n % ZONES.length], n < seed.members),
      ...profileKey(id),
      id,
      customersPK: customersShardKey(id),
    };
    yield {
      ...orderKey(id, `o${n}`),
      customerId: id,
      orderId: `o${n}`,
      at: SEEDED_AT,
      amount: 20,
      products: [{ productId: 'sku-001', quantity: 1, price: 20 }],
      customersPK: customersShardKey(id),
    };
    yield { ...journeyKey(id, 'welcome', `r${n}`), status: 'ended' };
    yield { ...ledgerKey(id, `welcome#s1#${n}`), status: 'sent' };
  }
  for (let n = 0; n < seed.anonymous; n++) {
    yield { ...anonymousProfileItem(), ...profileKey(`anon:v${n}`), id: `anon:v${n}` };
    yield { ...capKey(`c${n}`, 'email', 20_500), count: 1 };
    yield { ...identityKey(`v${n}`), userId: `c${n}` };
  }
  for (let n = 0; n < units; n++) yield { ...suppressionKey(n.toString(16).padStart(64, '0')), reason: 'bounce' };
  for (let n = 0; n < units; n++)
    yield { ...messageStatsKey('welcome', undefined, `s${n}`, 'email', 'sent', n % 8), count: 1 };
}

/**
 * Writes the seed, a chunk of the generator at a time, and says how many bytes the items hold as
 * DynamoDB sizes them (what a Scan of the whole table reads): straight into dynalite's store when the
 * engine offers it (DynamoEngine.seed: no requests), else with BatchWriteItem, `writers` batches in
 * flight at once (the engine's thread stays busy while each waits on its response).
 */
export async function writeSeed(
  runtime: { doc: DynamoDBDocumentClient; tableName: string; engine: Pick<DynamoEngine, 'seed'> },
  seed: AudienceSeed,
  options: { writers?: number; onProgress?: (written: number) => void } = {},
): Promise<{ bytes: number }> {
  const { doc, tableName, engine } = runtime;
  const writers = options.writers ?? 4;
  const chunk = engine.seed ? 10_000 : 25 * writers * 8;
  const items = seedItems(seed);
  let written = 0;
  let bytes = 0;
  // Straight into the engine, the next chunk is made while the engine's thread stores this one.
  let storing: Promise<void> = Promise.resolve();
  for (;;) {
    const batch: Record<string, unknown>[] = [];
    for (let next = items.next(); !next.done; next = items.next()) {
      batch.push(next.value);
      if (batch.length === chunk) break;
    }
    if (batch.length === 0) return storing.then(() => ({ bytes }));
    for (const item of batch) bytes += itemSize(item);
    if (engine.seed) {
      const marshalled = batch.map((item) =>
        marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: false }),
      );
      await storing;
      storing = engine.seed(tableName, marshalled);
    } else {
      const share = Math.ceil(batch.length / writers);
      await Promise.all(
        Array.from({ length: writers }, (_, part) =>
          batchWriteItems(
            doc,
            tableName,
            batch.slice(part * share, (part + 1) * share).map((Item) => ({ PutRequest: { Item } })),
            { operation: 'seed' },
          ),
        ),
      );
    }
    written += batch.length;
    options.onProgress?.(written);
  }
}

export interface RequestCounts {
  commands: Map<string, number>;
  /** Items the responses returned; a Scan's every item it read (`ScannedCount`), not only those its filter kept. */
  itemsRead: number;
  /** Bytes of the items the responses returned, as DynamoDB sizes them (a Scan's filtered-out items not included). */
  bytesReturned: number;
}

/** Counts every request by command and the items each response returned. */
export function countingClient(doc: DynamoDBDocumentClient): {
  doc: DynamoDBDocumentClient;
  counts: RequestCounts;
  reset(): void;
} {
  const counts: RequestCounts = { commands: new Map(), itemsRead: 0, bytesReturned: 0 };
  const counted = Object.create(doc) as DynamoDBDocumentClient;
  const send = doc.send.bind(doc) as (command: unknown) => Promise<Record<string, unknown>>;
  (counted as unknown as { send: typeof send }).send = async (command) => {
    const name = (command as object).constructor.name;
    counts.commands.set(name, (counts.commands.get(name) ?? 0) + 1);
    const response = await send(command);
    // What a request reads (and is billed for): a scan's every item, not only those its filter keeps.
    if (Array.isArray(response.Items)) {
      counts.itemsRead += typeof response.ScannedCount === 'number' ? response.ScannedCount : response.Items.length;
      for (const item of response.Items) counts.bytesReturned += itemSize(item as Record<string, unknown>);
    }
    return response;
  };
  const reset = () => {
    counts.commands.clear();
    counts.itemsRead = 0;
    counts.bytesReturned = 0;
  };
  return { doc: counted, counts, reset };
}

export interface RunFigures {
  scans: number;
  queries: number;
  itemsRead: number;
  bytesReturned: number;
  /** Wall time of the run. */
  ms: number;
}

function figures(counts: RequestCounts, started: number): RunFigures {
  return {
    scans: counts.commands.get('ScanCommand') ?? 0,
    queries: counts.commands.get('QueryCommand') ?? 0,
    itemsRead: counts.itemsRead,
    bytesReturned: counts.bytesReturned,
    ms: performance.now() - started,
  };
}

/**
 * The scheduled pass at SCHEDULED_TIME, as the journey-schedule function runs it: over the 16
 * shards of a deployed pass (`sharded`), or in one invocation as the local runtime does. Before
 * the audience index is backfilled it falls back to the scan.
 */
export async function schedulePass(
  doc: DynamoDBDocumentClient,
  tableName: string,
  clock: Clock,
  sharded: boolean,
  /** The invocation's time limit (the local context gives 60 s; a deployed shard has Lambda's). */
  limitMs?: number,
): Promise<RunFigures & { sources: string[]; enqueued: CustomerMessage[] }> {
  const { doc: counted, counts } = countingClient(doc);
  const enqueued: CustomerMessage[] = [];
  const handler = buildShardHandler({
    scanProfiles: (slice) => scanProfiles(counted, tableName, slice, clock.now()),
    audiences: new DynamoAudienceIndex(counted, tableName),
    journeys: [winBack],
    queue: { enqueue: async (messages) => void enqueued.push(...messages) },
    clock,
    defaultTimezone: 'Europe/Istanbul',
    logger: new Logger({ serviceName: 'journey-schedule', logLevel: 'SILENT' }),
  });
  const plan = planScheduleShards(SCHEDULED_TIME);
  if (!plan.run) throw new Error(`no pass planned at ${SCHEDULED_TIME}`);
  const started = performance.now();
  const sources: string[] = [];
  const context = localLambdaContext('journey-schedule');
  if (limitMs !== undefined) context.getRemainingTimeInMillis = () => limitMs;
  for (const shard of sharded ? plan.shards : [{}]) sources.push((await handler(shard, context)).source ?? 'none');
  return { ...figures(counts, started), sources, enqueued };
}

export interface RefreshFigures extends RunFigures {
  customers: number;
  orders: number;
  scored: number;
}

/**
 * Summarize, fit and score over the plan's slices, reading through the `customers` index
 * (`'index'`) or the scan the refresh falls back to (`'scan'`).
 */
export async function refreshRun(
  doc: DynamoDBDocumentClient,
  tableName: string,
  clock: Clock,
  options: {
    read: 'index' | 'scan';
    itemCount: number;
    /** A fixed slice count; by default the plan's for `itemCount` (as deployed). */
    segments?: number;
    artifacts: RefreshArtifacts;
    queue: EventQueue;
  },
): Promise<RefreshFigures> {
  const { doc: counted, counts } = countingClient(doc);
  const customers: CustomerScan =
    options.read === 'index'
      ? new DynamoCustomerScan(counted, tableName, () => clock.now())
      : {
          profiles: (slice) => scanProfiles(counted, tableName, slice, clock.now()).profiles,
          orders: (slice) => scanOrderProducts(counted, tableName, slice),
        };
  const plan = planRefresh({
    now: clock.now(),
    timezone: 'UTC',
    itemCount: options.itemCount,
    ...(options.segments === undefined ? {} : { segments: options.segments }),
  });
  const deps = { scan: customers, artifacts: options.artifacts, queue: options.queue };
  const started = performance.now();
  const summaries = await Promise.all(plan.slices.map((slice) => summarizeSlice(deps, slice)));
  const fit = await fitRefresh(options.artifacts, { ...plan, summaries });
  const scored = await Promise.all(plan.slices.map((slice) => scoreSlice(deps, { ...slice, modelKey: fit.modelKey })));
  return {
    ...figures(counts, started),
    customers: summaries.reduce((sum, summary) => sum + summary.customers, 0),
    orders: summaries.reduce((sum, summary) => sum + summary.orders, 0),
    scored: scored.reduce((sum, result) => sum + result.scored, 0),
  };
}
