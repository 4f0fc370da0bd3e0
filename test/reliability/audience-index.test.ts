/**
 * Audiences without scans (issue 20, "How we will know"): on dynalite, a table seeded with
 * 20,000 items of every item type the pipeline writes (profiles known and anonymous, orders,
 * journey runs, ledger entries, cap counters, identity links, suppressions, stats), written as
 * before the indexes existed. The scheduled pass scans while the audience index is not
 * backfilled; the backfill makes it ready; then the 16 shards of a pass issue no Scan and read
 * only the membership items of the due time-zone bucket. Membership writes follow profile writes.
 * Every request goes through a counting wrapper around the document client.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHandler as buildShardHandler } from '../../functions/journey-schedule.js';
import { fitRefresh } from '../../shared/analytics/refresh/fit.js';
import { planRefresh } from '../../shared/analytics/refresh/plan.js';
import type { CustomerScan } from '../../shared/analytics/refresh/ports.js';
import { scoreSlice } from '../../shared/analytics/refresh/score.js';
import { summarizeSlice } from '../../shared/analytics/refresh/summarize.js';
import { batchWriteItems, type WriteRequest } from '../../shared/aws/batch-write.js';
import { DynamoAudienceIndex } from '../../shared/aws/dynamo-audience-index.js';
import { DynamoCustomerScan } from '../../shared/aws/dynamo-customers-index.js';
import { scanOrderProducts } from '../../shared/aws/dynamo-order-scan.js';
import { scanProfiles } from '../../shared/aws/dynamo-profile-scan.js';
import { DynamoProfileStore } from '../../shared/aws/dynamo-profile-store.js';
import { backfillIndexes } from '../../shared/aws/index-backfill.js';
import {
  INDEX_STATE_KEY,
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
import { ensureTable } from '../../shared/local/dynamo-engine.js';
import { localLambdaContext } from '../../shared/local/lambda-context.js';
import { startLocalRuntime, type LocalRuntime } from '../../shared/local/runtime.js';
import { VirtualClock } from '../../shared/local/virtual-clock.js';
import { AudienceMembershipStore } from '../../shared/profiles/audience-membership-store.js';
import { emptyProfile } from '../../shared/profiles/schema.js';
import { InMemoryArtifacts, RecordingEventQueue } from '../fakes/in-memory-refresh.js';
import { journeyFrom } from '../unit/journeys/journey-builders.js';

const AT = '2026-01-01T00:00:00.000Z';
/** Monday 10:00 in Istanbul is 07:00 UTC: the pass at 07:00 covers that bucket only. */
const SCHEDULED_TIME = '2026-03-02T07:00:00Z';
const ZONES = ['Europe/Istanbul', 'America/New_York', 'Asia/Tokyo', undefined] as const;
const KNOWN = 3_000;
const MEMBERS = 1_000;
const winBack = journeyFrom(
  'id: win-back\ntrigger: { schedule: "0 10 * * MON", audience: churn_risk }\nentry: { reentry: { after: 30d } }\nsteps:\n  - send: { channel: email, template: t }\n',
);

/** Counts every request by command and the items each response returned. */
function countingClient(doc: DynamoDBDocumentClient) {
  const counts = { commands: new Map<string, number>(), itemsRead: 0 };
  const counted = Object.create(doc) as DynamoDBDocumentClient;
  const send = doc.send.bind(doc) as (command: unknown) => Promise<Record<string, unknown>>;
  (counted as unknown as { send: typeof send }).send = async (command) => {
    const name = (command as object).constructor.name;
    counts.commands.set(name, (counts.commands.get(name) ?? 0) + 1);
    const response = await send(command);
    // What a request reads (and is billed for): a scan's every item, not only those its filter keeps.
    if (Array.isArray(response.Items))
      counts.itemsRead += typeof response.ScannedCount === 'number' ? response.ScannedCount : response.Items.length;
    return response;
  };
  const reset = () => {
    counts.commands.clear();
    counts.itemsRead = 0;
  };
  return { doc: counted, counts, reset };
}

/**
 * 20,000 items: every type, as written before the audience index (no membership items). Profiles
 * and orders carry the `customers` key as today's writers write it: that index comes in an
 * earlier stack update (one GSI per update), and its backfill is tested in index-backfill.test.ts.
 */
function seedItems(): WriteRequest[] {
  const items: Record<string, unknown>[] = [];
  for (let n = 0; n < KNOWN; n++) {
    const id = `c${n}`;
    const member = n < MEMBERS;
    const timezone = ZONES[n % ZONES.length];
    items.push({
      ...profileKey(id),
      ...emptyProfile(id, AT),
      ...(timezone ? { timezone } : {}),
      segments: member ? { churn_risk: { enteredAt: AT } } : { newsletter: { enteredAt: AT } },
      orders: { ...emptyProfile(id, AT).orders, count: 1, days: 1, revenue: 20, firstAt: AT, lastAt: AT },
      customersPK: customersShardKey(id),
    });
    items.push({
      ...orderKey(id, `o${n}`),
      customerId: id,
      orderId: `o${n}`,
      at: AT,
      amount: 20,
      products: [],
      customersPK: customersShardKey(id),
    });
    items.push({ ...journeyKey(id, 'welcome', `r${n}`), status: 'ended' });
    items.push({ ...ledgerKey(id, `welcome#s1#${n}`), status: 'sent' });
  }
  for (let n = 0; n < 2_000; n++) {
    items.push({ ...profileKey(`anon:v${n}`), ...emptyProfile(`anon:v${n}`, AT) });
    items.push({ ...capKey(`c${n}`, 'email', 20_500), count: 1 });
    items.push({ ...identityKey(`v${n}`), userId: `c${n}` });
  }
  for (let n = 0; n < 1_000; n++) items.push({ ...suppressionKey(n.toString(16).padStart(64, '0')), reason: 'bounce' });
  for (let n = 0; n < 1_000; n++)
    items.push({ ...messageStatsKey('welcome', undefined, `s${n}`, 'email', 'sent', n % 8), count: 1 });
  return items.map((Item) => ({ PutRequest: { Item } }));
}

describe('audiences without scans (dynalite, 20,000 items)', () => {
  let dataDir: string;
  let runtime: LocalRuntime;
  let seedMs = 0;
  const clock = new VirtualClock(new Date('2026-03-02T07:04:00Z'));

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sadakat-audience-'));
    runtime = await startLocalRuntime({ dataDir, engine: 'dynalite', clock, fresh: true });
    const started = performance.now();
    // Four writers at once: the engine's thread stays busy while each waits on its response.
    const items = seedItems();
    const quarter = Math.ceil(items.length / 4);
    await Promise.all(
      [0, 1, 2, 3].map((part) =>
        batchWriteItems(runtime.doc, runtime.tableName, items.slice(part * quarter, (part + 1) * quarter), {
          operation: 'seed',
        }),
      ),
    );
    seedMs = performance.now() - started;
  }, 240_000);

  afterAll(async () => {
    await runtime?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('scans until the backfill, then reads only the due members, with no Scan', async () => {
    // Prepare
    expect(seedItems()).toHaveLength(20_000);
    const { doc, counts, reset } = countingClient(runtime.doc);
    const queued: CustomerMessage[] = [];
    const shardHandler = buildShardHandler({
      scanProfiles: (slice) => scanProfiles(doc, runtime.tableName, slice, clock.now()),
      audiences: new DynamoAudienceIndex(doc, runtime.tableName),
      journeys: [winBack],
      queue: { enqueue: async (messages) => void queued.push(...messages) },
      clock,
      defaultTimezone: 'Europe/Istanbul',
      logger: new Logger({ serviceName: 'journey-schedule', logLevel: 'SILENT' }),
    });
    const plan = planScheduleShards(SCHEDULED_TIME);
    if (!plan.run) throw new Error('planned');
    // The fallback is read as the local runtime does (one whole-table scan); the index by the 16 shards of a deployed pass.
    const pass = async (sharded: boolean) => {
      queued.length = 0;
      reset();
      const results = [];
      for (const shard of sharded ? plan.shards : [{}])
        results.push(await shardHandler(shard, localLambdaContext('journey-schedule')));
      return { results, scans: counts.commands.get('ScanCommand') ?? 0, itemsRead: counts.itemsRead };
    };
    const dueMembers = (ids: Iterable<string>) =>
      [...ids].filter((id) => {
        const n = Number(id.slice(1));
        const zone = ZONES[n % ZONES.length];
        return n < MEMBERS && (zone === 'Europe/Istanbul' || zone === undefined);
      });
    const expected = dueMembers(Array.from({ length: KNOWN }, (_, n) => `c${n}`)).sort();

    // Act: before the backfill, the pass falls back to the scan
    const before = await pass(false);
    const scanned = queued.map((message) => message.customerId).sort();
    const backfillStarted = performance.now();
    const backfill = await backfillIndexes(runtime.doc, runtime.tableName, {
      audiences: ['churn_risk'],
      pageSize: 2_000,
      maxPages: 3,
    });
    const resumed = await backfillIndexes(runtime.doc, runtime.tableName, {
      audiences: ['churn_risk'],
      pageSize: 2_000,
    });
    const backfillMs = performance.now() - backfillStarted;
    const after = await pass(true);
    const indexed = queued.map((message) => message.customerId).sort();

    // Assess
    expect(before.results.every((result) => result.source === 'scan')).toBe(true);
    expect(before.scans).toBeGreaterThan(0);
    expect(before.itemsRead).toBeGreaterThanOrEqual(20_000);
    expect(scanned).toEqual(expected);
    expect(backfill.complete).toBe(false);
    expect(resumed.complete).toBe(true);
    expect(backfill.memberships + resumed.memberships).toBe(MEMBERS);
    expect(after.results.every((result) => result.source === 'index')).toBe(true);
    expect(after.scans).toBe(0);
    // Istanbul's members and those without a zone (the shop's zone is Istanbul): half the audience.
    expect(indexed).toEqual(expected);
    expect(after.itemsRead).toBe(expected.length);
    expect(queued[0]).toMatchObject({ kind: 'schedule', journeyId: 'win-back', slot: '2026-03-02T07:00:00.000Z' });
    console.log(
      `seed 20,000 items: ${Math.round(seedMs)} ms; backfill ${Math.round(backfillMs)} ms; items read per pass: scan ${before.itemsRead}, index ${after.itemsRead} (${(before.itemsRead / after.itemsRead).toFixed(1)}x)`,
    );
  }, 240_000);

  it('refreshes from the customers index: no Scan, only the scored profiles and the orders', async () => {
    // Prepare
    const { doc, counts, reset } = countingClient(runtime.doc);
    const artifacts = new InMemoryArtifacts();
    const queue = new RecordingEventQueue();
    const plan = planRefresh({ now: clock.now(), timezone: 'UTC', itemCount: 20_000, segments: 4 });
    const scan = new DynamoCustomerScan(doc, runtime.tableName, () => clock.now());
    const fallback: CustomerScan = {
      profiles: (slice) => scanProfiles(doc, runtime.tableName, slice, clock.now()).profiles,
      orders: (slice) => scanOrderProducts(doc, runtime.tableName, slice),
    };
    const refresh = async (customers: CustomerScan) => {
      reset();
      const summaries = [];
      for (const slice of plan.slices) summaries.push(await summarizeSlice({ scan: customers, artifacts }, slice));
      const fit = await fitRefresh(artifacts, { ...plan, summaries });
      const scored = [];
      for (const slice of plan.slices)
        scored.push(await scoreSlice({ scan: customers, artifacts, queue }, { ...slice, modelKey: fit.modelKey }));
      return {
        customers: summaries.reduce((sum, summary) => sum + summary.customers, 0),
        orders: summaries.reduce((sum, summary) => sum + summary.orders, 0),
        scored: scored.reduce((sum, result) => sum + result.scored, 0),
        scans: counts.commands.get('ScanCommand') ?? 0,
        itemsRead: counts.itemsRead,
      };
    };

    // Act
    const scanned = await refresh(fallback);
    const indexed = await refresh(scan);

    // Assess
    expect((await scan.readiness()).ready).toBe(true);
    expect(indexed.scans).toBe(0);
    expect(indexed).toMatchObject({ customers: KNOWN, orders: KNOWN, scored: KNOWN });
    expect(scanned).toMatchObject({ customers: KNOWN, orders: KNOWN, scored: KNOWN });
    // Each phase (summarize, score) reads the scored profiles and the orders once; the 2,000 anonymous
    // visitors, the runs, ledger entries and the rest are never read.
    expect(indexed.itemsRead).toBe(2 * (KNOWN + KNOWN));
    console.log(
      `items read per refresh: scan ${scanned.itemsRead}, customers index ${indexed.itemsRead} (${(scanned.itemsRead / indexed.itemsRead).toFixed(1)}x)`,
    );
  }, 120_000);

  it('backfills the customers key on scored profiles and orders written before the index, resuming where it stopped', async () => {
    // Prepare: a second table of the same engine, its state item removed as if it predated the indexes
    const table = 'backfill';
    await ensureTable(runtime.doc, table);
    await runtime.doc.send(new DeleteCommand({ TableName: table, Key: INDEX_STATE_KEY }));
    const items: Record<string, unknown>[] = [
      { ...profileKey('k1'), ...emptyProfile('k1', AT) },
      {
        ...profileKey('anon:buyer'),
        ...emptyProfile('anon:buyer', AT),
        orders: { ...emptyProfile('x', AT).orders, count: 1, days: 1 },
      },
      { ...profileKey('anon:visitor'), ...emptyProfile('anon:visitor', AT) },
      { ...profileKey('anon:merged'), ...emptyProfile('anon:merged', AT), mergedInto: 'k1' },
      { ...orderKey('k1', 'o1'), customerId: 'k1', orderId: 'o1', at: AT, amount: 5, products: [] },
      { ...journeyKey('k1', 'welcome', 'r1'), status: 'ended' },
    ];
    await batchWriteItems(
      runtime.doc,
      table,
      items.map((Item) => ({ PutRequest: { Item } })),
      { operation: 'seed' },
    );
    const scan = new DynamoCustomerScan(runtime.doc, table, () => clock.now());
    const readiness = await scan.readiness();

    // Act
    const first = await backfillIndexes(runtime.doc, table, { audiences: [], pageSize: 2, maxPages: 1 });
    const rest = await backfillIndexes(runtime.doc, table, { audiences: [], pageSize: 2 });
    const again = await backfillIndexes(runtime.doc, table, { audiences: [], pageSize: 2 });

    // Assess
    expect(readiness).toEqual({ ready: false, reason: 'no backfill of the customers index yet' });
    expect(first.complete).toBe(false);
    expect(rest.complete).toBe(true);
    // Every item once, and the state item that holds the position.
    expect(first.scanned + rest.scanned).toBe(items.length + 1);
    expect(first.keyed + rest.keyed).toBe(3);
    expect(again.keyed).toBe(0);
    expect(await scan.readiness()).toEqual({ ready: true });
    const profiles = [];
    for await (const profile of scan.profiles({ segment: 0, totalSegments: 1 })) profiles.push(profile.id);
    const orders = [];
    for await (const order of scan.orders({ segment: 0, totalSegments: 1 })) orders.push(order.customerId);
    expect(profiles.sort()).toEqual(['anon:buyer', 'k1']);
    expect(orders).toEqual(['k1']);
  }, 60_000);

  it('keeps memberships in step with profile writes: a member who moves zone or leaves the segment', async () => {
    // Prepare
    const index = new DynamoAudienceIndex(runtime.doc, runtime.tableName);
    const store = new AudienceMembershipStore(new DynamoProfileStore(runtime.doc, runtime.tableName), index, [
      'churn_risk',
    ]);
    const moving = await store.getProfile('c0');
    const leaving = await store.getProfile('c4');
    const joining = await store.getProfile('c1004');
    if (!moving || !leaving || !joining) throw new Error('seeded');

    // Act
    const moved = await store.putProfile({ ...moving, timezone: 'Asia/Tokyo' }, moving.version);
    await store.putProfile({ ...leaving, segments: {} }, leaving.version);
    await store.putProfile({ ...joining, segments: { churn_risk: { enteredAt: AT } } }, joining.version);
    // A writer that did not read through the store: the memberships are read from the partition.
    const fresh = new AudienceMembershipStore(new DynamoProfileStore(runtime.doc, runtime.tableName), index, [
      'churn_risk',
    ]);
    const unchanged = await fresh.putProfile({ ...moved.profile, name: { first: 'Ayşe' } }, moved.profile.version);

    // Assess
    const members = async (bucket: string) => {
      const ids: string[] = [];
      for (let shard = 0; shard < index.shards; shard++)
        for await (const id of index.members('churn_risk', bucket, shard)) ids.push(id);
      return ids;
    };
    const istanbul = await members('Europe/Istanbul');
    const tokyo = await members('Asia/Tokyo');
    expect(istanbul).not.toContain('c0');
    expect(tokyo).toContain('c0');
    expect(istanbul.concat(tokyo, await members('-'), await members('America/New_York'))).not.toContain('c4');
    expect(istanbul).toContain('c1004');
    expect(await index.current('c0')).toEqual(new Map([['churn_risk', 'Asia/Tokyo']]));
    expect(moved.receipt.capacityUnits).toBeGreaterThan(0);
    expect(unchanged.receipt.capacityUnits).toBeGreaterThan(0);
  }, 60_000);
});
