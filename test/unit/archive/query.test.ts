/**
 * `sadakat query` over a small hand-made archive: the tables Athena has (columns.ts plus `dt`),
 * and the saved queries (shared/archive/queries.ts) against results worked out by hand.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerQuery } from '../../../cli/commands/query.js';
import { ARCHIVE_COLUMNS, archiveRow, type ArchiveValue } from '../../../shared/archive/columns.js';
import { ARCHIVE_QUERIES, WINDOW_START } from '../../../shared/archive/queries.js';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ArchiveQueryError, openArchive, runQuery } from '../../../shared/local/archive-query.js';
import { localArchive } from '../../../shared/local/file-archive.js';
import { runCli } from '../../cli-harness.js';

let dataDir: string;
/** One connection for the reads (loading the archive is most of a query's time). */
let duck: DuckDBConnection;

const decision = (values: Record<string, ArchiveValue>) =>
  archiveRow('decisions', { journey_id: 'welcome', step_id: 's1', channel: 'email', ...values });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sadakat-query-'));
  const archive = localArchive(dataDir, 'test');
  // Two customers in variant A (one buys twice within 7 days, once after), one in the holdout who buys.
  archive.add(
    'decisions',
    decision({
      message_id: 'm1',
      customer: 'c1',
      variant: 'A',
      reason: 'sent',
      decided_at: '2026-12-01T09:00:00.000Z',
    }),
  );
  archive.add(
    'decisions',
    decision({
      message_id: 'm2',
      customer: 'c2',
      variant: 'A',
      reason: 'sent',
      decided_at: '2026-12-01T10:00:00.000Z',
    }),
  );
  archive.add(
    'decisions',
    decision({
      message_id: 'm3',
      customer: 'c3',
      variant: 'holdout',
      reason: 'holdout',
      decided_at: '2026-12-02T10:00:00.000Z',
    }),
  );
  archive.add(
    'decisions',
    decision({ message_id: 'm4', customer: 'c4', reason: 'no_consent', decided_at: '2026-12-02T11:00:00.000Z' }),
  );
  archive.add(
    'decisions',
    decision({
      message_id: 'm5',
      customer: 'c5',
      reason: 'deferred',
      cause: 'quiet_hours',
      decided_at: '2026-12-02T23:00:00.000Z',
    }),
  );
  for (const [message_id, type] of [
    ['m1', 'delivered'],
    ['m1', 'opened'],
    ['m1', 'opened'],
    ['m1', 'clicked'],
    ['m2', 'delivered'],
  ])
    archive.add(
      'engagement',
      archiveRow('engagement', { message_id, customer: 'c', type, channel: 'email', at: '2026-12-01T12:00:00.000Z' }),
    );
  const order = (customer: string, timestamp: string, revenue: number) =>
    archiveRow('events', {
      event_id: `${customer}${timestamp}`,
      type: 'track',
      event: 'Order Completed',
      customer,
      timestamp,
      received_at: timestamp,
      revenue,
      currency: 'TRY',
    });
  archive.add('events', order('c1', '2026-12-02T08:00:00.000Z', 100));
  archive.add('events', order('c1', '2026-12-05T08:00:00.000Z', 50.5));
  archive.add('events', order('c1', '2026-12-09T08:00:00.000Z', 999));
  archive.add('events', order('c3', '2026-12-03T08:00:00.000Z', 80));
  archive.add(
    'events',
    archiveRow('events', {
      event_id: 'p1',
      type: 'page',
      event: 'Home',
      customer: 'c2',
      timestamp: '2026-12-01T08:00:00.000Z',
      received_at: '2026-12-01T08:00:00.000Z',
      page_path: '/',
    }),
  );
  await archive.flush();
  duck = await openArchive(dataDir);
});

afterAll(async () => {
  duck?.closeSync();
  await rm(dataDir, { recursive: true, force: true });
});

/** A saved query with its 30-day window opened (the fixture's days are fixed; the wall clock is not). */
async function saved(name: string) {
  const query = ARCHIVE_QUERIES.find((candidate) => candidate.name === name);
  if (!query) throw new Error(name);
  return (await runQuery(duck, query.sql.replaceAll(WINDOW_START, "'1970-01-01'"))).rows;
}

describe('sadakat query', () => {
  it('has the archive as three tables with the documented columns and the partition day', async () => {
    for (const stream of ['events', 'decisions', 'engagement'] as const) {
      const { columns } = await runQuery(duck, `select * from ${stream} limit 0`);
      expect(columns).toEqual([...ARCHIVE_COLUMNS[stream].map((column) => column.name), 'dt']);
    }
    const { rows } = await runQuery(duck, 'select dt, count(*) as n from decisions group by dt order by dt');
    expect(rows).toEqual([
      { dt: '2026-12-01', n: 2 },
      { dt: '2026-12-02', n: 3 },
    ]);
  });

  it('prints a table, or JSON, and names a SQL error in one line', async () => {
    const table = await runCli(
      [registerQuery],
      ['query', 'select reason, count(*) as n from decisions group by reason order by reason', '--data-dir', dataDir],
    );
    expect(table.error).toBeUndefined();
    expect(table.stdout.split('\n')[0]).toMatch(/^reason\s+n$/);
    expect(table.stdout).toContain('no_consent');
    const json = await runCli(
      [registerQuery],
      ['query', "select count(*) as n from events where type = 'track'", '--data-dir', dataDir, '--format', 'json'],
    );
    expect(JSON.parse(json.stdout)).toEqual([{ n: 4 }]);
    const bad = await runCli([registerQuery], ['query', 'select nope from decisions', '--data-dir', dataDir]);
    expect(String((bad.error as Error).message)).toMatch(/^query failed: .*nope/);
    await expect(runQuery(duck, 'select from where')).rejects.toBeInstanceOf(ArchiveQueryError);
  });

  it('runs the daily funnel: sends, then delivered, opened and clicked messages (each once)', async () => {
    expect(await saved('daily-funnel-per-journey')).toEqual([
      { day: '2026-12-01', journey_id: 'welcome', sent: 2, delivered: 2, opened: 1, clicked: 1 },
    ]);
  });

  it('runs the refusals by reason', async () => {
    expect(await saved('refusals-by-reason')).toEqual([
      { reason: 'deferred', cause: 'quiet_hours', channel: 'email', journey_id: 'welcome', decisions: 1 },
      { reason: 'holdout', cause: null, channel: 'email', journey_id: 'welcome', decisions: 1 },
      { reason: 'no_consent', cause: null, channel: 'email', journey_id: 'welcome', decisions: 1 },
    ]);
  });

  it('runs the revenue by variant: orders in the 7 days after the first decision, the holdout beside', async () => {
    expect(await saved('revenue-by-variant')).toEqual([
      {
        journey_id: 'welcome',
        variant: 'A',
        customers: 2,
        buyers: 1,
        orders: 2,
        revenue: 150.5,
        revenue_per_customer: 75.25,
      },
      {
        journey_id: 'welcome',
        variant: 'holdout',
        customers: 1,
        buyers: 1,
        orders: 1,
        revenue: 80,
        revenue_per_customer: 80,
      },
    ]);
  });
});
