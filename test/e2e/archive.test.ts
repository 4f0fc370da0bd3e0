/**
 * The archive (issue 23) after one small seeded demo: `sadakat export` writes Parquet that an
 * independent reader (DuckDB) opens, one row per accepted event and per send decision, with no
 * address anywhere.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVE_COLUMNS } from '../../shared/archive/columns.js';
import { exportArchive } from '../../shared/local/archive-export.js';
import { runDemo, type DemoSummary } from '../../shared/local/demo/run-demo.js';

let dataDir: string;
let out: string;
let summary: DemoSummary;
let duck: DuckDBConnection;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sadakat-archive-'));
  out = await mkdtemp(join(tmpdir(), 'sadakat-export-'));
  summary = await runDemo({ customers: 200, days: 2, seed: 7, dataDir, engine: 'dynalite', campaignDir: 'campaign' });
  duck = await (await DuckDBInstance.create(':memory:')).connect();
});

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
        count(*) filter (where customer is null) as unkeyed from read_parquet(${files})`,
    );
    const live = summary.events.accepted + summary.responseOrders;
    expect(counts).toEqual({
      n: String(live + summary.history.orders),
      ids: String(live + summary.history.orders),
      imported: String(summary.history.orders),
      unkeyed: '0',
    });
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
});
