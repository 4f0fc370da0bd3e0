/**
 * The archive (issue 23) after one small seeded demo: `sadakat export` writes Parquet that an
 * independent reader (DuckDB) opens, one row per accepted event and per send decision, with no
 * address anywhere; the saved Athena queries run on it through `sadakat query`'s DuckDB; replay
 * rebuilds every profile's orders. Outside test/e2e on purpose: the demo runs on its virtual
 * clock, so CI's daytime pass would only run it again (decision 159).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVE_COLUMNS } from '../../shared/archive/columns.js';
import { ARCHIVE_QUERIES, WINDOW_START } from '../../shared/archive/queries.js';
import { openArchive, runQuery } from '../../shared/local/archive-query.js';
import { exportArchive } from '../../shared/local/archive-export.js';
import { pseudonym } from '../../shared/archive/pseudonym.js';
import { loadCampaign } from '../../shared/config/campaign.js';
import { anonymousCustomerId, isAnonymousCustomerId } from '../../shared/identity/customer-id.js';
import { replayArchive } from '../../shared/local/archive-replay.js';
import type { DemoSummary } from '../../shared/local/demo/run-demo.js';
import { startLocalRuntime } from '../../shared/local/runtime.js';
import { VirtualClock } from '../../shared/local/virtual-clock.js';
import type { Profile } from '../../shared/profiles/schema.js';
import { seededDemo } from '../seeded-demo.js';

let dataDir: string;
let out: string;
let summary: DemoSummary;
let duck: DuckDBConnection;

// The seeded demo is most of this file's time; a loaded machine takes longer than the default hook timeout.
beforeAll(async () => {
  ({ dataDir, summary } = await seededDemo());
  out = await mkdtemp(join(tmpdir(), 'sadakat-export-'));
  duck = await (await DuckDBInstance.create(':memory:')).connect();
}, 240_000);

afterAll(async () => {
  duck?.closeSync();
  await Promise.all([dataDir, out].map((folder) => folder && rm(folder, { recursive: true, force: true })));
});

async function query(sql: string): Promise<Record<string, unknown>[]> {
  return (await duck.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
}

describe('sadakat export after sadakat demo', () => {
  it('writes events as Parquet that DuckDB opens: one row per accepted event, the documented columns', async () => {
    // Act
    const exported = await exportArchive({ dataDir, stream: 'events', out, format: 'parquet' });

    // Assess
    const files = `'${out}/events/*/*.parquet'`;
    const columns = await query(
      `select column_name from (describe select * from read_parquet(${files}, hive_partitioning = false))`,
    );
    expect(columns.map((row) => row.column_name)).toEqual(ARCHIVE_COLUMNS.events.map((column) => column.name));
    const [counts] = await query(
      `select count(*) as n, count(distinct event_id) as ids,
        count(*) filter (where source_key_id = 'import') as imported,
        count(*) filter (where customer is null) as unkeyed,
        count(*) filter (where event = 'Complaint Opened') as opened,
        count(*) filter (where event = 'Complaint Resolved') as resolved,
        count(*) filter (where event = 'Survey Answered') as answers,
        count(*) filter (where event = 'Call Completed' and call_id is not null and call_outcome is not null) as calls
        from read_parquet(${files})`,
    );
    // The storefront's events, the demo's response orders and the shop back end's complaints,
    // survey answers and agents' call outcomes (issue 22; the demo posts them beside the storefront's traffic).
    const service = Number(counts?.opened) + Number(counts?.resolved) + Number(counts?.answers) + Number(counts?.calls);
    const live = summary.events.accepted + summary.responseOrders + service;
    expect(counts).toMatchObject({
      n: String(live + summary.history.orders),
      ids: String(live + summary.history.orders),
      imported: String(summary.history.orders),
      unkeyed: '0',
      opened: String(summary.complaints.opened),
      resolved: String(summary.complaints.resolved),
      calls: String(summary.calls.completed),
    });
    expect(Number(counts?.answers)).toBeGreaterThanOrEqual(summary.nps.responses);
    expect(exported.rows).toBe(live + summary.history.orders);
    const [merges] = await query(`select count(*) as n from read_parquet(${files}) where merged_anonymous is not null`);
    expect(merges?.n).toBe(String(summary.identityMerges));
  });

  it('has no email address or phone number in any exported value', async () => {
    await exportArchive({ dataDir, stream: 'events', out, format: 'parquet' });
    const text = ARCHIVE_COLUMNS.events.filter((column) => column.type === 'string').map((column) => column.name);
    const rows = await query(
      `select ${text.map((name) => `"${name}"`).join(', ')} from read_parquet('${out}/events/*/*.parquet')`,
    );
    const values = rows
      .flatMap((row) => Object.values(row))
      .filter((value): value is string => typeof value === 'string');
    expect(values.length).toBeGreaterThan(1000);
    expect(values.filter((value) => value.includes('@') || /\+?\d[\d ().-]{8,}\d/.test(value))).toEqual([]);
  });

  it('writes decisions with one row per send decision and its reason', async () => {
    // Act
    await exportArchive({ dataDir, stream: 'decisions', out, format: 'parquet' });

    // Assess
    const rows = await query(
      `select reason, channel, count(*) as n from read_parquet('${out}/decisions/*/*.parquet') group by all order by all`,
    );
    const sent = Object.fromEntries(
      rows.filter((row) => row.reason === 'sent').map((row) => [row.channel, Number(row.n)]),
    );
    expect(sent).toEqual(Object.fromEntries(Object.entries(summary.sends).filter(([, n]) => n > 0)));
    const refused: Record<string, number> = {};
    for (const row of rows.filter((row) => row.reason !== 'sent'))
      refused[String(row.reason)] = (refused[String(row.reason)] ?? 0) + Number(row.n);
    expect(refused).toEqual(summary.refusals);
    const [unkeyed] = await query(
      `select count(*) as n from read_parquet('${out}/decisions/*/*.parquet') where customer is null or message_id is null`,
    );
    expect(unkeyed?.n).toBe('0');
  });

  it('answers the saved Athena queries over the demo archive with the demo’s own counts', async () => {
    // Arrange: the local archive as Athena's tables; the queries' 30-day window opened (the demo's days are virtual).
    const archive = await openArchive(dataDir);
    const run = async (name: string) =>
      (
        await runQuery(
          archive,
          ARCHIVE_QUERIES.find((query) => query.name === name)!.sql.replaceAll(WINDOW_START, "'1970-01-01'"),
        )
      ).rows;
    try {
      // Act
      const funnel = await run('daily-funnel-per-journey');
      const refusals = await run('refusals-by-reason');
      const revenue = await run('revenue-by-variant');

      // Assess: every send counted once in the funnel, every refusal once by reason; each stage within the one before.
      const total = (rows: Record<string, unknown>[], column: string) =>
        rows.reduce((sum, row) => sum + Number(row[column]), 0);
      expect(total(funnel, 'sent')).toBe(Object.values(summary.sends).reduce((sum, n) => sum + n, 0));
      for (const row of funnel) expect(Number(row.sent)).toBeGreaterThanOrEqual(Number(row.delivered));
      const byReason: Record<string, number> = {};
      for (const row of refusals)
        byReason[String(row.reason)] = (byReason[String(row.reason)] ?? 0) + Number(row.decisions);
      expect(byReason).toEqual(summary.refusals);
      expect(revenue.length).toBeGreaterThan(0);
      expect(total(revenue, 'customers')).toBeGreaterThan(0);
    } finally {
      archive.closeSync();
    }
  });

  it('replays the events into a fresh folder with every profile’s order statistics exactly as they were', async () => {
    // Act
    const into = await mkdtemp(join(tmpdir(), 'sadakat-replay-'));
    await rm(into, { recursive: true, force: true });
    const replayed = await replayArchive({
      from: dataDir,
      into,
      campaign: await loadCampaign('campaign'),
      engine: 'dynalite',
    });

    // Assess
    expect(replayed).toMatchObject({ skipped: 0, deadLettered: 0 });
    expect(replayed.rejected).toEqual({});
    expect(replayed.accepted).toBe(replayed.rows);
    const clock = new VirtualClock(new Date('2026-12-01T00:00:00Z'));
    const original = await startLocalRuntime({ dataDir, engine: 'dynalite', clock });
    const rebuilt = await startLocalRuntime({ dataDir: into, engine: 'dynalite', clock });
    try {
      const expected = new Map<string, Profile['orders']>();
      for await (const profile of original.adapters.table.scanProfiles().profiles) {
        if (profile.orders.count === 0) continue;
        const key = profile.archiveKey ?? '';
        const id = pseudonym(key, 'customer', profile.id);
        expected.set(isAnonymousCustomerId(profile.id) ? anonymousCustomerId(id) : id, profile.orders);
      }
      const actual = new Map<string, Profile['orders']>();
      for await (const profile of rebuilt.adapters.table.scanProfiles().profiles)
        if (profile.orders.count > 0) actual.set(profile.id, profile.orders);
      expect(expected.size).toBeGreaterThan(100);
      expect(actual).toEqual(expected);
    } finally {
      await Promise.all([original.stop(), rebuilt.stop()]);
      await rm(into, { recursive: true, force: true });
    }
  });
});
