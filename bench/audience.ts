/**
 * Audiences without scans at 1M items (issue 20, "How we will know": `npm run bench`): CI's
 * scenario (test/reliability/audience-scenario.ts, 20,000 items of every type) at `items` items on
 * dynalite, seeded straight into the engine's store. Each figure read through the indexes (ours)
 * beside the scan the readers fall back to (peer), in the same run on the same table: the hourly
 * scheduled pass (audience index, 16 shards) and the nightly refresh's summarize + fit + score
 * (`customers` index, the plan's slices for the table's size). Items read are what the responses
 * returned, a Scan counted by `ScannedCount` (what DynamoDB bills); bytes as DynamoDB sizes the
 * items (a Scan: the table's bytes per full scan). CPU is the process's, both threads: the readers'
 * own (unmarshalling, summaries, the fit, scoring) and the engine's.
 *
 * Standalone: `tsx bench/audience.ts [items]` (default 1,000,000; a multiple of 20).
 */
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { createDocumentClient, type DocumentClientOptions } from '../shared/aws/dynamo-client.js';
import { backfillIndexes } from '../shared/aws/index-backfill.js';
import type { CustomerMessage } from '../shared/events/messages.js';
import { ensureTable, startDynamoEngine } from '../shared/local/dynamo-engine.js';
import { VirtualClock } from '../shared/local/virtual-clock.js';
import { InMemoryArtifacts } from '../test/fakes/in-memory-refresh.js';
import {
  AUDIENCE,
  audienceSeed,
  dueMembers,
  RUN_AT,
  refreshRun,
  type RefreshFigures,
  type RunFigures,
  schedulePass,
  writeSeed,
} from '../test/reliability/audience-scenario.js';
import { formatRows, type BenchRow } from './bench-row.js';

const TABLE = 'sadakat-bench-audience';
const LAMBDA_LIMIT_MS = 900_000;

export function title(items: number): string {
  return `audiences without scans: ${items.toLocaleString('en-US')} items of every type on dynalite — read through the indexes beside the scan they replace`;
}

export interface AudienceBench {
  rows: BenchRow[];
  /** What the run was, for the notes under the table. */
  notes: string[];
}

/** The process's CPU milliseconds while `work` runs: the readers' and the engine's thread together. */
async function cpu<T>(work: () => Promise<T>): Promise<{ result: T; cpuMs: number }> {
  const before = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(before);
  return { result, cpuMs: (used.user + used.system) / 1000 };
}

export async function run(options: { items?: number; log?: (line: string) => void } = {}): Promise<AudienceBench> {
  const seed = audienceSeed(options.items ?? 1_000_000);
  const log = options.log ?? (() => undefined);
  const load = loadavg()[0] ?? 0;
  // In memory: nothing written to disk, nothing to clean up; the engine on its own thread.
  const engine = await startDynamoEngine({ engine: 'dynalite' });
  // The engine's in-process transport, as the local runtime uses it (runtime.ts).
  const requestHandler = engine.requestHandler as DocumentClientOptions['requestHandler'];
  const doc = createDocumentClient({ endpoint: engine.endpoint, ...(requestHandler ? { requestHandler } : {}) });
  const clock = new VirtualClock(RUN_AT);
  try {
    await ensureTable(doc, TABLE);
    const runtime = { doc, tableName: TABLE, engine };
    const seedStarted = performance.now();
    let reported = 0;
    const { bytes: tableBytes } = await writeSeed(runtime, seed, {
      onProgress: (written) => {
        if (written - reported < 100_000) return;
        reported = written;
        log(
          `  seeded ${written.toLocaleString('en-US')} items in ${Math.round((performance.now() - seedStarted) / 1000)} s`,
        );
      },
    });
    const seedMs = performance.now() - seedStarted;
    log(`  seed done: ${Math.round(seedMs / 1000)} s, ${tableBytes} bytes`);

    // The hourly pass as deployed (16 shards, Lambda's 15 minutes each): the scan fallback, the backfill, the index.
    const scanPass = await schedulePass(doc, TABLE, clock, true, LAMBDA_LIMIT_MS);
    log(
      `  pass by scan: ${Math.round(scanPass.ms / 1000)} s, ${scanPass.itemsRead} items read, ${scanPass.scans} Scans`,
    );
    const backfillStarted = performance.now();
    const backfill = await backfillIndexes(doc, TABLE, { audiences: [AUDIENCE] });
    const backfillMs = performance.now() - backfillStarted;
    log(
      `  backfill: ${Math.round(backfillMs / 1000)} s, ${backfill.scanned} items scanned, ${backfill.memberships} memberships`,
    );
    const indexPass = await schedulePass(doc, TABLE, clock, true, LAMBDA_LIMIT_MS);
    const due = dueMembers(seed).length;
    log(
      `  pass by index: ${Math.round(indexPass.ms / 1000)} s, ${indexPass.itemsRead} items read, ${indexPass.scans} Scans, ${indexPass.queries} Queries`,
    );
    // Every due member, as by the scan: dynalite keeps an index entry per item (decision 275; it
    // used to lose 1 of 25,000 here to a 6-digit hash collision, c24327 and c42527).
    const dueIds = new Set(dueMembers(seed));
    const notDue = indexPass.enqueued.filter((message) => !dueIds.has(message.customerId)).length;
    if (scanPass.enqueued.length !== due || notDue > 0 || indexPass.enqueued.length !== due || indexPass.scans > 0)
      throw new Error(
        `audience bench: the pass enqueued ${indexPass.enqueued.length} (index, ${notDue} not due) and ${scanPass.enqueued.length} (scan) of ${due} due members, with ${indexPass.scans} Scans`,
      );

    // The nightly refresh, both ways; scores messages counted, not kept.
    let enqueued = 0;
    const queue = { enqueue: async (messages: readonly CustomerMessage[]) => void (enqueued += messages.length) };
    const refresh = (read: 'index' | 'scan') =>
      cpu(() =>
        refreshRun(doc, TABLE, clock, {
          read,
          itemCount: seed.items,
          artifacts: new InMemoryArtifacts(),
          queue,
        }),
      );
    const scanRefresh = await refresh('scan');
    log(`  refresh by scan: ${Math.round(scanRefresh.result.ms / 1000)} s, ${JSON.stringify(scanRefresh)}`);
    const indexRefresh = await refresh('index');
    log(`  refresh by index: ${Math.round(indexRefresh.result.ms / 1000)} s, ${JSON.stringify(indexRefresh)}`);
    const seen = (result: RefreshFigures, least: number) =>
      result.customers >= least && result.scored === result.customers && result.orders >= least;
    if (!seen(scanRefresh.result, seed.known) || !seen(indexRefresh.result, seed.known))
      throw new Error(
        `audience bench: the refreshes saw ${JSON.stringify([scanRefresh.result, indexRefresh.result])} of ${seed.known} customers`,
      );

    const pair = (
      name: string,
      unit: string,
      ours: number,
      peer: number,
      peerName = 'by Scan (the fallback)',
    ): BenchRow => ({ name, value: ours, unit, peerName, peer, ...(peer > 0 ? { ratio: ours / peer } : {}) });
    const passRows = (label: string, index: RunFigures, scan: RunFigures): BenchRow[] => [
      pair(`${label}: items read`, 'items', index.itemsRead, scan.itemsRead),
      pair(`${label}: Scan requests`, 'requests', index.scans, scan.scans),
      pair(`${label}: Query requests`, 'requests', index.queries, scan.queries),
      pair(`${label}: wall time (ms)`, 'ms', index.ms, scan.ms),
    ];
    const perThousand = (ms: number) => (ms / seed.known) * 1000;
    return {
      rows: [
        pair('scheduled pass: due members enqueued', 'members', indexPass.enqueued.length, scanPass.enqueued.length),
        ...passRows('scheduled pass (16 shards)', indexPass, scanPass),
        pair('refresh: customers scored', 'customers', indexRefresh.result.scored, scanRefresh.result.scored),
        ...passRows('refresh (summarize + fit + score)', indexRefresh.result, scanRefresh.result),
        pair(
          'refresh: MB read',
          'MB',
          indexRefresh.result.bytesReturned / 1e6,
          // A Scan reads (and bills) every item of the table: the table's bytes once per full scan.
          ((scanRefresh.result.itemsRead / (seed.items + 1 + backfill.memberships)) * tableBytes) / 1e6,
        ),
        pair(
          'refresh: CPU ms per 1,000 customers (readers + engine)',
          'ms',
          perThousand(indexRefresh.cpuMs),
          perThousand(scanRefresh.cpuMs),
        ),
        { name: 'backfill of the audience: items scanned', value: backfill.scanned, unit: 'items' },
        { name: 'backfill: memberships written', value: backfill.memberships, unit: 'items' },
        { name: 'backfill: wall time (ms)', value: backfillMs, unit: 'ms' },
        {
          name: 'seed straight into the engine: items per second',
          value: seed.items / (seedMs / 1000),
          unit: 'items/s',
        },
      ],
      notes: [
        `  the table: ${seed.items.toLocaleString('en-US')} items, ${(tableBytes / 1e6).toFixed(1)} MB — ${seed.known.toLocaleString('en-US')} scored customers (profile, order, journey run, ledger entry each), ${seed.anonymous.toLocaleString('en-US')} anonymous visitors (profile, cap counter, identity link), suppressions and stats shards; ${seed.members.toLocaleString('en-US')} in the audience, ${due.toLocaleString('en-US')} due in the pass`,
        `  refresh slices: the plan's for ${seed.items.toLocaleString('en-US')} items; ${enqueued.toLocaleString('en-US')} scores messages in the two refreshes; seeded in ${Math.round(seedMs / 1000)} s; load average ${load.toFixed(1)} at the start (2 cores): wall times are this machine's, not DynamoDB's`,
      ],
    };
  } finally {
    doc.destroy();
    await engine.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const items = Number(process.argv[2] ?? 1_000_000);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const { rows, notes } = await run({ items, log });
  process.stdout.write(`${formatRows(title(items), rows)}\n${notes.join('\n')}\n`);
}
