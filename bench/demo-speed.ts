/**
 * `npm start`'s speed (issue 19): `sadakat demo` played twice in one run at a fixed size, each in
 * its own process, both at once (so they share the machine's load): the working tree as its
 * `npm start` runs it, beside a baseline commit (default `main`) as that commit's `npm start` ran
 * it — its files taken with `git archive` into a temporary folder that uses this checkout's
 * node_modules. Figures: CPU seconds (every thread of the process, module loading included: on a
 * shared machine the steadier figure) and wall seconds, per phase from `--timings`. The two JSON
 * summaries must agree on everything but the capacity figures.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, promisify } from 'node:util';
import type { BenchRow } from './bench-row.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const CPU_AT_EXIT = new URL('./cpu-at-exit.mjs', import.meta.url).href;
const execFileAsync = promisify(execFile);

interface Played {
  summary: Record<string, unknown>;
  cpuSeconds: number;
  wallSeconds: number;
  /** `--timings` rows: phase → [wall s, cpu s]. */
  phases: Map<string, [number, number]>;
}

/**
 * The node arguments a checkout's `npm start` script amounts to: `tsx <file> …` (how it ran up to
 * decision 270) is node with tsx's loader, `node <file> …` is itself.
 */
async function startArguments(checkout: string): Promise<string[]> {
  const { scripts } = JSON.parse(await readFile(join(checkout, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const [runner, ...rest] = scripts.start.split(/\s+/);
  if (runner === 'tsx') return ['--import', 'tsx', ...rest];
  if (runner === 'node') return rest;
  throw new Error(`npm start runs ${scripts.start}: neither tsx nor node`);
}

async function play(checkout: string, size: { customers: number; days: number }): Promise<Played> {
  const dir = await mkdtemp(join(tmpdir(), 'sadakat-bench-demo-'));
  const cpuFile = join(dir, 'cpu.json');
  try {
    const args = ['--import', CPU_AT_EXIT, ...(await startArguments(checkout))];
    args.push('--customers', String(size.customers), '--days', String(size.days), '--seed', '1');
    args.push('--format', 'json', '--timings', '--data-dir', join(dir, 'data'));
    const child = spawn(process.execPath, args, {
      cwd: checkout,
      env: { ...process.env, SADAKAT_BENCH_CPU_FILE: cpuFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const code = await new Promise<number | null>((done) => child.on('close', done));
    if (code !== 0) throw new Error(`sadakat demo exited with ${code}: ${stderr.slice(-2000)}`);
    const measured = JSON.parse(await readFile(cpuFile, 'utf8')) as { cpuSeconds: number; wallSeconds: number };
    return { summary: JSON.parse(stdout) as Record<string, unknown>, ...measured, phases: phaseRows(stderr) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `  process-events      14.6 s    11.9 s` → process-events: [14.6, 11.9]. */
function phaseRows(timings: string): Map<string, [number, number]> {
  const rows = new Map<string, [number, number]>();
  for (const match of timings.matchAll(/^ {2}([a-z-]+) +([\d.]+) s +([\d.]+) s$/gm))
    rows.set(match[1]!, [Number(match[2]), Number(match[3])]);
  return rows;
}

/**
 * The summary without the figures a faster path may change: capacity (metered per request) and
 * the events queue's deliveries (a request's events are one message since decision 287; its
 * retries and dead letters still count).
 */
function comparable(summary: Record<string, unknown>): unknown {
  const { writeCapacity: _capacity, sendWrites: _sends, queue, ...rest } = summary;
  const { deliveries: _deliveries, ...queueRest } = (queue ?? {}) as Record<string, unknown>;
  return { ...rest, queue: queueRest };
}

/** The baseline's files at `ref`, beside this checkout's node_modules; removed by the caller. */
async function checkoutOf(ref: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sadakat-bench-baseline-'));
  await execFileAsync('bash', ['-c', 'git -C "$0" archive "$1" | tar -x -C "$2"', REPO_ROOT, ref, dir]);
  await symlink(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

export async function run(options: { customers?: number; days?: number; baseline?: string } = {}): Promise<{
  rows: BenchRow[];
  sameSummary: boolean;
  size: { customers: number; days: number };
  baseline: string;
}> {
  const size = { customers: options.customers ?? 300, days: options.days ?? 3 };
  const baseline = options.baseline ?? 'main';
  const baselineCheckout = await checkoutOf(baseline);
  try {
    // A start that builds first (bin/built-cli.mjs) builds here, outside the measured run.
    for (const checkout of [REPO_ROOT, baselineCheckout])
      await execFileAsync(
        process.execPath,
        [...(await startArguments(checkout)).filter((argument) => argument !== 'demo'), '--version'],
        { cwd: checkout },
      );
    const [before, after] = await Promise.all([play(baselineCheckout, size), play(REPO_ROOT, size)]);
    return { ...compare(before, after, baseline), size, baseline };
  } finally {
    await rm(baselineCheckout, { recursive: true, force: true });
  }
}

function compare(before: Played, after: Played, baseline: string): { rows: BenchRow[]; sameSummary: boolean } {
  const peerName = `${baseline}'s npm start, at the same time`;
  const row = (name: string, value: number, peer: number, unit = 's'): BenchRow => ({
    name,
    value,
    unit,
    peerName,
    peer,
    ratio: peer === 0 ? 0 : value / peer,
  });
  const rows: BenchRow[] = [
    row('demo CPU seconds (all threads, process start to exit)', after.cpuSeconds, before.cpuSeconds),
    row('demo wall seconds (process start to exit)', after.wallSeconds, before.wallSeconds),
  ];
  for (const [phase, [, cpu]] of after.phases) {
    if (phase === 'total') continue;
    rows.push(row(`  ${phase}: CPU seconds`, cpu, before.phases.get(phase)?.[1] ?? 0));
  }
  return { rows, sameSummary: isDeepStrictEqual(comparable(before.summary), comparable(after.summary)) };
}
