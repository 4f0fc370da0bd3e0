/**
 * Audiences without scans (issue 20, "How we will know"): on dynalite, a table seeded with
 * 20,000 items of every item type the pipeline writes (profiles known and anonymous, orders,
 * journey runs, ledger entries, cap counters, identity links, suppressions, stats), written as
 * before the indexes existed. The scheduled pass scans while the audience index is not
 * backfilled; the backfill makes it ready; then the 16 shards of a pass issue no Scan and read
 * only the membership items of the due time-zone bucket. Membership writes follow profile writes.
 * Every request goes through a counting wrapper around the document client. The seed and the
 * runs are audience-scenario.ts's, which `npm run bench audience` runs at 1M items.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchWriteItems } from '../../shared/aws/batch-write.js';
import { DynamoAudienceIndex } from '../../shared/aws/dynamo-audience-index.js';
import { DynamoCustomerScan } from '../../shared/aws/dynamo-customers-index.js';
import { DynamoProfileStore } from '../../shared/aws/dynamo-profile-store.js';
import { dynamoTableAdapters } from '../../shared/aws/dynamo-table-adapters.js';
import { backfillIndexes } from '../../shared/aws/index-backfill.js';
import { INDEX_STATE_KEY, journeyKey, orderKey, profileKey } from '../../shared/aws/table.js';
import { loadCampaign } from '../../shared/config/campaign.js';
import type { AudienceIndex } from '../../shared/ports.js';
import { loadProfiles } from '../../shared/migration/pinpoint/load-profiles.js';
import { importOrders } from '../../shared/profiles/import-orders.js';
import { composeProcessDeps } from '../../shared/wiring/compose.js';
import { ensureTable } from '../../shared/local/dynamo-engine.js';
import { startLocalRuntime, type LocalRuntime } from '../../shared/local/runtime.js';
import { VirtualClock } from '../../shared/local/virtual-clock.js';
import { AudienceMembershipStore } from '../../shared/profiles/audience-membership-store.js';
import { emptyProfile } from '../../shared/profiles/schema.js';
import { InMemoryArtifacts, RecordingEventQueue } from '../fakes/in-memory-refresh.js';
import { TEST_PEPPER } from '../fakes/test-pepper.js';
import { journeyFrom } from '../unit/journeys/journey-builders.js';
import {
  AUDIENCE,
  RUN_AT,
  SEEDED_AT as AT,
  audienceSeed,
  dueMembers,
  refreshRun,
  schedulePass,
  writeSeed,
} from './audience-scenario.js';

const SEED = audienceSeed(20_000);
/** A segment an imported order of last autumn puts its customer in (campaign/segments.yaml: ordered, not in 60 days). */
const LAPSED = 'lapsed_60d';
const lapsedJourney = journeyFrom(
  `id: lapsed\ntrigger: { schedule: "0 10 * * MON", audience: ${LAPSED} }\nsteps:\n  - send: { channel: email, template: t }\n`,
);

/** Every member of `segment` in `bucket`, over the index's shards. */
async function membersOf(index: AudienceIndex, segment: string, bucket: string): Promise<string[]> {
  const ids: string[] = [];
  for (let shard = 0; shard < index.shards; shard++)
    for await (const id of index.members(segment, bucket, shard)) ids.push(id);
  return ids.sort();
}

describe('audiences without scans (dynalite, 20,000 items)', () => {
  let dataDir: string;
  let runtime: LocalRuntime;
  let seedMs = 0;
  const clock = new VirtualClock(RUN_AT);

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sadakat-audience-'));
    runtime = await startLocalRuntime({ dataDir, engine: 'dynalite', clock, fresh: true });
    const started = performance.now();
    await writeSeed(runtime, SEED);
    seedMs = performance.now() - started;
  }, 240_000);

  afterAll(async () => {
    await runtime?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('scans until the backfill, then reads only the due members, with no Scan', async () => {
    // Prepare
    const expected = dueMembers(SEED);
    const ids = (run: { enqueued: { customerId: string }[] }) =>
      run.enqueued.map((message) => message.customerId).sort();

    // Act: before the backfill, the pass falls back to the scan (one invocation, as the local runtime runs it)
    const before = await schedulePass(runtime.doc, runtime.tableName, clock, false);
    const backfillStarted = performance.now();
    const backfill = await backfillIndexes(runtime.doc, runtime.tableName, {
      audiences: [AUDIENCE],
      pageSize: 2_000,
      maxPages: 3,
    });
    const resumed = await backfillIndexes(runtime.doc, runtime.tableName, { audiences: [AUDIENCE], pageSize: 2_000 });
    const backfillMs = performance.now() - backfillStarted;
    // The index by the 16 shards of a deployed pass.
    const after = await schedulePass(runtime.doc, runtime.tableName, clock, true);

    // Assess
    expect(before.sources.every((source) => source === 'scan')).toBe(true);
    expect(before.scans).toBeGreaterThan(0);
    expect(before.itemsRead).toBeGreaterThanOrEqual(20_000);
    expect(ids(before)).toEqual(expected);
    expect(backfill.complete).toBe(false);
    expect(resumed.complete).toBe(true);
    expect(backfill.memberships + resumed.memberships).toBe(SEED.members);
    expect(after.sources.every((source) => source === 'index')).toBe(true);
    expect(after.scans).toBe(0);
    // Istanbul's members and those without a zone (the shop's zone is Istanbul): half the audience.
    expect(ids(after)).toEqual(expected);
    expect(after.itemsRead).toBe(expected.length);
    expect(after.enqueued[0]).toMatchObject({
      kind: 'schedule',
      journeyId: 'win-back',
      slot: '2026-03-02T07:00:00.000Z',
    });
    console.log(
      `seed 20,000 items: ${Math.round(seedMs)} ms; backfill ${Math.round(backfillMs)} ms; items read per pass: scan ${before.itemsRead}, index ${after.itemsRead} (${(before.itemsRead / after.itemsRead).toFixed(1)}x)`,
    );
  }, 240_000);

  it('refreshes from the customers index: no Scan, only the scored profiles and the orders', async () => {
    // Prepare
    const run = (read: 'index' | 'scan') =>
      refreshRun(runtime.doc, runtime.tableName, clock, {
        read,
        itemCount: SEED.items,
        segments: 4,
        artifacts: new InMemoryArtifacts(),
        queue: new RecordingEventQueue(),
      });

    // Act
    const scanned = await run('scan');
    const indexed = await run('index');

    // Assess
    expect((await new DynamoCustomerScan(runtime.doc, runtime.tableName, () => clock.now()).readiness()).ready).toBe(
      true,
    );
    expect(indexed.scans).toBe(0);
    expect(indexed).toMatchObject({ customers: SEED.known, orders: SEED.known, scored: SEED.known });
    expect(scanned).toMatchObject({ customers: SEED.known, orders: SEED.known, scored: SEED.known });
    // Each phase (summarize, score) reads the scored profiles and the orders once; the anonymous
    // visitors, the runs, ledger entries and the rest are never read.
    expect(indexed.itemsRead).toBe(2 * (SEED.known + SEED.known));
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
    // Every item once, the state item that holds the position, and journey-tick's wake cursor
    // that ensureTable writes (decision 290).
    expect(first.scanned + rest.scanned).toBe(items.length + 2);
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
      AUDIENCE,
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

  it('keeps memberships on writes outside process-events: history import and the local refresh without live journeys, the Pinpoint load', async () => {
    // Prepare: a table of its own; the import wired as `sadakat import orders` and the local refresh wire it
    const table = 'writers';
    await ensureTable(runtime.doc, table);
    const adapters = { table: dynamoTableAdapters(runtime.doc, table, TEST_PEPPER, clock), clock };
    const campaign = { ...(await loadCampaign('campaign')), journeys: [lapsedJourney] };
    const deps = composeProcessDeps(adapters, campaign, null);
    const order = (customerId: string) => ({ customerId, timestamp: '2025-10-01T10:00:00Z', amount: 30 });

    // Act
    await importOrders(deps, [order('h1'), order('p1')]);
    const imported = await adapters.table.audiences.current('h1');
    // Pinpoint gives p1 its first time zone (and h1 one it already has: kept).
    const loaded = await loadProfiles(
      adapters.table.profiles,
      [
        { ...emptyProfile('p1', AT), timezone: 'Asia/Tokyo' },
        { ...emptyProfile('p2', AT), timezone: 'Asia/Tokyo' },
      ],
      { concurrency: 2, audiences: adapters.table.audiences },
    );

    // Assess
    expect(imported).toEqual(new Map([[LAPSED, '-']]));
    expect(loaded).toEqual({ created: 1, updated: 1, unchanged: 0 });
    expect(await adapters.table.audiences.current('p1')).toEqual(new Map([[LAPSED, 'Asia/Tokyo']]));
    expect(await membersOf(adapters.table.audiences, LAPSED, 'Asia/Tokyo')).toEqual(['p1']);
    expect(await membersOf(adapters.table.audiences, LAPSED, '-')).toEqual(['h1']);
  }, 60_000);

  it('a segment that stops being an audience loses its covered state: when it is one again the pass waits for the backfill', async () => {
    // Prepare: a table of its own, a member imported while a journey targets the segment, then backfilled
    const table = 'regained';
    await ensureTable(runtime.doc, table);
    const adapters = { table: dynamoTableAdapters(runtime.doc, table, TEST_PEPPER, clock), clock };
    const base = await loadCampaign('campaign');
    const targeting = { ...base, journeys: [lapsedJourney] };
    const untargeted = { ...base, journeys: [] };
    const order = (customerId: string) => [{ customerId, timestamp: '2025-10-01T10:00:00Z', amount: 30 }];
    const index = adapters.table.audiences;
    await importOrders(composeProcessDeps(adapters, targeting, null), order('r1'));
    await backfillIndexes(runtime.doc, table, { audiences: [LAPSED] });
    const covered = await index.readiness([LAPSED]);

    // Act: a deployment whose journeys no longer target it writes a new member; then one that targets it again
    await importOrders(composeProcessDeps(adapters, untargeted, null), order('r2'));
    const dropped = await index.readiness([LAPSED]);
    await importOrders(composeProcessDeps(adapters, targeting, null), order('r3'));
    const again = await index.readiness([LAPSED]);
    const before = await membersOf(index, LAPSED, '-');
    await backfillIndexes(runtime.doc, table, { audiences: [LAPSED] });

    // Assess
    expect(covered).toEqual({ ready: true });
    expect(dropped).toEqual({ ready: false, reason: `no backfill yet for audience ${LAPSED}` });
    expect(again).toEqual(dropped);
    // r2 joined while nothing kept the segment's memberships: only the backfill finds it.
    expect(before).toEqual(['r1', 'r3']);
    expect(await index.readiness([LAPSED])).toEqual({ ready: true });
    expect(await membersOf(index, LAPSED, '-')).toEqual(['r1', 'r2', 'r3']);
  }, 60_000);
});
