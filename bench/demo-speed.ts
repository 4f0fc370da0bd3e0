/**
 * `npm start`'s speed (issue 19): `sadakat demo` played twice in one run at a fixed size, each in
 * its own process as `npm start` runs it — once with the local runtime's SDK path as it was
 * (`SADAKAT_LOCAL_SDK=per-request`: the middleware stack resolved and SigV4-signed on every
 * request) beside today's. Figures: CPU seconds (every thread of the process, module loading
 * included: on a shared machine the steadier figure) and wall seconds, per phase from
 * `--timings`. The two JSON summaries must agree on everything but the capacity figures.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import type { BenchRow } from './bench-row.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const CPU_AT_EXIT = new URL('./cpu-at-exit.mjs', import.meta.url).href;

interface Played {
  summary: Record<string, unknown>;
  cpuSeconds: number;
  wallSeconds: number;
  /** `--timings` rows: phase → [wall s, cpu s]. */
  phases: Map<string, [number, number]>;
}

async function play(size: { customers: number; days: number }, env: Record<string, string>): Promise<Played> {
  const dir = await mkdtemp(join(tmpdir(), 'sadakat-bench-demo-'));
  const cpuFile = join(dir, 'cpu.json');
  try {
    const args = ['--import', 'tsx', '--import', CPU_AT_EXIT, 'cli/main.ts', 'demo'];
    args.push('--customers', String(size.customers), '--days', String(size.days), '--seed', '1');
    args.push('--format', 'json', '--timings', '--data-dir', join(dir, 'data'));
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env, SADAKAT_BENCH_CPU_FILE: cpuFile },
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

/** The summary without the figures a faster path may change (capacity is metered per request). */
function comparable(summary: Record<string, unknown>): unknown {
  const { writeCapacity: _capacity, sendWrites: _sends, ...rest } = summary;
  return rest;
}

export async function run(options: { customers?: number; days?: number } = {}): Promise<{
  rows: BenchRow[];
  sameSummary: boolean;
  size: { customers: number; days: number };
}> {
  const size = { customers: options.customers ?? 300, days: options.days ?? 3 };
  const before = await play(size, { SADAKAT_LOCAL_SDK: 'per-request' });
  const after = await play(size, {});
  const peerName = 'SDK path per request (before)';
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
  return { rows, sameSummary: isDeepStrictEqual(comparable(before.summary), comparable(after.summary)), size };
}
