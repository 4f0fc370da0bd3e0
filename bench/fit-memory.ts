/**
 * Fit memory per million buyers (issue 20): the refresh's fit phase (fitRefresh, the code
 * refresh-fit runs in Lambda) on synthetic slice summaries of 250,000 and 1,000,000 buyers, each
 * in its own child process, reading the summaries from files as the local refresh does. The
 * figure is the child's peak RSS (what Lambda's memory limit counts); MB per million buyers is
 * the slope between the two sizes, so the runtime's own footprint drops out. Each child's V8 heap is
 * capped at the share of the function's heap cap (FIT_MEMORY) its buyers would have at 10M buyers,
 * as the function runs with NODE_OPTIONS=--max-old-space-size. Beside it: the peak of a child that
 * fits nobody (node, tsx and the modules loaded) and the function's configured memory.
 *
 * Standalone: `tsx bench/fit-memory.ts [buyers…]` (default 250000 1000000).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { simulateBgNbd } from '../shared/analytics/bgnbd-simulation.js';
import { dayOfDate } from '../shared/analytics/calendar-day.js';
import { emptySliceColumns, summaryKey, type SliceSummary } from '../shared/analytics/refresh/artifacts.js';
import { fitRefresh } from '../shared/analytics/refresh/fit.js';
import { FIT_MEMORY } from '../shared/analytics/refresh/fit-memory.js';
import { FileRefreshArtifacts } from '../shared/local/file-artifacts.js';
import { SeededRandom } from '../shared/local/seeded-random.js';
import type { BenchRow } from './bench-row.js';

const SLICES = 16;
const AS_OF = '2026-11-30';
const RUN = { runId: 'fit-memory', asOf: AS_OF, at: `${AS_OF}T03:00:00.000Z`, timezone: 'UTC' };

/** Writes `buyers` synthetic customers as SLICES slice summaries under `dir`. */
async function writeSummaries(dir: string, buyers: number): Promise<void> {
  const artifacts = new FileRefreshArtifacts(dir);
  const end = dayOfDate(AS_OF);
  if (!end.ok) throw new Error(end.reason);
  const simulated = simulateBgNbd(
    { r: 0.5, alpha: 6, a: 0.8, b: 2.5 },
    { customers: buyers, acquisitionDays: 365, calibrationDays: 540, period: 'week' },
    new SeededRandom(20_261_207),
  );
  const random = new SeededRandom(7);
  for (let slice = 0; slice < SLICES; slice++) {
    const columns = emptySliceColumns();
    for (let i = slice; i < buyers; i += SLICES) {
      const x = simulated.x[i] as number;
      const TDays = simulated.TDays[i] as number;
      const txDays = simulated.txDays[i] as number;
      const firstAmount = 20 + Math.round(random.next() * 8000) / 100;
      const repeatMean = x > 0 ? 20 + Math.round(random.next() * 8000) / 100 : 0;
      columns.id.push(`user-${(i * 2_654_435_761) % 4_294_967_296}`);
      columns.recency.push(TDays - txDays);
      columns.frequency.push(x + 1);
      columns.monetary.push(Math.round((firstAmount + repeatMean * x) * 100) / 100);
      columns.firstDay.push(end.day - TDays);
      columns.x.push(x);
      columns.txDays.push(txDays);
      columns.TDays.push(TDays);
      columns.repeatMean.push(repeatMean);
    }
    const summary: SliceSummary = {
      ...RUN,
      segment: slice,
      totalSegments: SLICES,
      profiles: columns.id.length,
      customers: columns,
      coPurchases: { buyers: [], pairs: [] },
    };
    await artifacts.put(summaryKey(RUN.runId, slice), summary);
  }
}

/** In the child: fits the summaries under `dir` and prints the peak RSS in MB. */
async function fitChild(dir: string, slices: number): Promise<void> {
  const summaries = Array.from({ length: slices }, (_, segment) => ({ key: summaryKey(RUN.runId, segment) }));
  if (slices > 0) {
    const result = await fitRefresh(new FileRefreshArtifacts(dir), { ...RUN, summaries });
    if (result.clv.status !== 'fitted') throw new Error(`fit did not fit: ${result.clv.reason}`);
  }
  process.stdout.write(`${JSON.stringify({ peakMb: process.resourceUsage().maxRSS / 1024 })}\n`);
}

/** The child's heap cap: the share of the function's heap these buyers would have at 10M buyers. */
function heapCapMb(buyers: number): number {
  return Math.max(64, Math.round((FIT_MEMORY.heapMb * buyers) / FIT_MEMORY.targetBuyers));
}

function peakOfChild(dir: string, slices: number, heapMb: number): number {
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      `--max-old-space-size=${heapMb}`,
      new URL(import.meta.url).pathname,
      'child',
      dir,
      String(slices),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  if (child.status !== 0) throw new Error(`fit child failed (${child.status}): ${child.stderr.slice(-2000)}`);
  const last = child.stdout.trim().split('\n').at(-1) ?? '';
  return (JSON.parse(last) as { peakMb: number }).peakMb;
}

export async function run(options: { buyers?: readonly number[] } = {}): Promise<BenchRow[]> {
  const sizes = options.buyers ?? [250_000, 1_000_000];
  const rows: BenchRow[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'sadakat-bench-fit-'));
  try {
    const idle = peakOfChild(dir, 0, FIT_MEMORY.heapMb);
    const peaks: number[] = [];
    for (const buyers of sizes) {
      await rm(join(dir, 'refresh'), { recursive: true, force: true });
      await writeSummaries(dir, buyers);
      const peak = peakOfChild(dir, SLICES, heapCapMb(buyers));
      peaks.push(peak);
      rows.push({
        name: `fit, ${buyers.toLocaleString('en-US')} buyers (heap cap ${heapCapMb(buyers)} MB): peak RSS, MB`,
        value: peak,
        unit: 'MB',
        peerName: 'a child that fits nobody',
        peer: idle,
        ratio: peak / idle,
      });
    }
    const [small, large] = [sizes[0] as number, sizes.at(-1) as number];
    if (large > small) {
      const perMillion = (((peaks.at(-1) as number) - (peaks[0] as number)) / (large - small)) * 1e6;
      rows.push({ name: 'fit: MB per million buyers (slope)', value: perMillion, unit: 'MB' });
      const target = FIT_MEMORY.targetBuyers;
      rows.push({
        name: `${(target / 1e6).toFixed(0)}M buyers, extrapolated peak RSS, MB`,
        value: idle + (perMillion * target) / 1e6,
        unit: 'MB',
        peerName: 'refresh-fit memory',
        peer: FIT_MEMORY.lambdaMb,
        ratio: (idle + (perMillion * target) / 1e6) / FIT_MEMORY.lambdaMb,
      });
    }
  } finally {
    if (!process.env.KEEP_FIT_DIR) await rm(dir, { recursive: true, force: true });
    else process.stderr.write(`kept ${dir}\n`);
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv[2] === 'child') await fitChild(process.argv[3] as string, Number(process.argv[4]));
  else {
    const { formatRows } = await import('./bench-row.js');
    const buyers = process.argv.slice(2).map(Number);
    process.stdout.write(
      `${formatRows('refresh fit memory (peak RSS of a child process)', await run(buyers.length > 0 ? { buyers } : {}))}\n`,
    );
  }
}
