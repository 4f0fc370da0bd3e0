/**
 * `sadakat console` on a 50,000-customer data folder: how long the first render of a customer page
 * and of a journey page takes, beside reading the same profile with `sadakat profile` (the peer,
 * run as a command in the same run on the same folder). Both are real processes through the
 * `sadakat` bin: the console is started, its printed address opened once (token → cookie), then
 * each page fetched cold (first render) and again (warm).
 *
 * The folder is written directly (profiles, one journey run per tenth customer, one ledger entry
 * per twentieth), not through the pipeline: the bench measures reads.
 *
 * Standalone: `tsx bench/console.ts [customers]` (default 50,000).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { batchWriteItems, type WriteRequest } from '../shared/aws/batch-write.js';
import { startLocalRuntime } from '../shared/local/runtime.js';
import { systemClock } from '../shared/ports.js';
import { emptyProfile } from '../shared/profiles/schema.js';
import { formatRows, type BenchRow } from './bench-row.js';

const JOURNEY = 'viewed-not-bought';
const STEPS = ['step-1', 'offer', 'reminder', 'discount'];
const WRITERS = 8;

export async function run(options: { customers?: number } = {}): Promise<BenchRow[]> {
  const customers = options.customers ?? 50_000;
  const dataDir = await mkdtemp(join(tmpdir(), 'sadakat-bench-console-'));
  try {
    await seed(dataDir, customers);
    const customerId = `c${Math.floor(customers / 2)}`;
    const peer = median(
      [0, 1, 2].map(() => {
        const began = performance.now();
        const result = spawnSync(process.execPath, ['bin/sadakat.js', 'profile', customerId, '--data-dir', dataDir], {
          encoding: 'utf8',
        });
        if (result.status !== 0) throw new Error(`sadakat profile failed: ${result.stderr}`);
        return performance.now() - began;
      }),
    );
    const ours = await timeConsole(dataDir, customerId);
    const row = (name: string, value: number): BenchRow => ({
      name,
      value,
      unit: 'ms',
      peerName: `sadakat profile ${customerId} (whole command)`,
      peer,
      ratio: value / peer,
    });
    return [
      row('console: start until its address is printed', ours.started),
      row('/customers/<id>: first render', ours.customerFirst),
      row('/customers/<id>: again', ours.customerAgain),
      row('/journeys/<id>: first render (one scan)', ours.journeyFirst),
      row('/journeys/<id>: again (snapshot cached)', ours.journeyAgain),
    ];
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function seed(dataDir: string, customers: number): Promise<void> {
  const runtime = await startLocalRuntime({ dataDir, engine: 'dynalite', clock: systemClock, fresh: true });
  try {
    const at = '2026-11-02T10:00:00.000Z';
    const requests: WriteRequest[] = [];
    for (let i = 0; i < customers; i++) {
      const id = `c${i}`;
      const base = emptyProfile(id, at);
      const profile = {
        ...base,
        name: { first: `Customer ${i}` },
        channels: { email: `c${i}@example.com`, push: [] },
        consent: { email: { granted: true, at } },
        orders: { ...base.orders, count: 2, revenue: 180, firstAt: at, lastAt: at, days: 2 },
        segments: i % 3 === 0 ? { email_reachable: { enteredAt: at } } : {},
      };
      requests.push({ PutRequest: { Item: { PK: `C#${id}`, SK: 'PROFILE', ...profile } } });
      if (i % 10 === 0) {
        const stepId = STEPS[i % STEPS.length] as string;
        requests.push({
          PutRequest: {
            Item: {
              PK: `C#${id}`,
              SK: `J#${JOURNEY}#r${i}`,
              journeyId: JOURNEY,
              runId: `r${i}`,
              customerId: id,
              status: 'waiting',
              stepId,
              visits: Object.fromEntries(STEPS.slice(0, STEPS.indexOf(stepId) + 1).map((step) => [step, 1])),
              holdout: false,
              enteredAt: at,
              sent: {},
              engaged: {},
              updatedAt: at,
              version: 1,
            },
          },
        });
      }
      if (i % 20 === 0)
        requests.push({
          PutRequest: {
            Item: {
              PK: `C#${id}`,
              SK: `M#m${i}`,
              customerId: id,
              messageId: `m${i}`,
              status: 'sent',
              channel: 'email',
              journeyId: JOURNEY,
              runId: `r${i}`,
              stepId: 'reminder',
              claimedAt: at,
              updatedAt: at,
            },
          },
        });
    }
    const chunk = Math.ceil(requests.length / WRITERS);
    await Promise.all(
      Array.from({ length: WRITERS }, (_, w) =>
        batchWriteItems(runtime.doc, runtime.tableName, requests.slice(w * chunk, (w + 1) * chunk), {
          operation: 'bench console seed',
        }),
      ),
    );
  } finally {
    await runtime.stop();
  }
}

interface ConsoleTimes {
  started: number;
  customerFirst: number;
  customerAgain: number;
  journeyFirst: number;
  journeyAgain: number;
}

async function timeConsole(dataDir: string, customerId: string): Promise<ConsoleTimes> {
  const began = performance.now();
  const child = spawn(process.execPath, ['bin/sadakat.js', 'console', '--port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += String(chunk);
        const line = out.split('\n')[0] ?? '';
        if (out.includes('\n')) resolve(line.replace('sadakat console: ', ''));
      });
      child.once('exit', (code) => reject(new Error(`sadakat console exited (${code}) before printing its address`)));
    });
    const started = performance.now() - began;
    const opened = await fetch(url, { redirect: 'manual' });
    const cookie = (opened.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const origin = new URL(url).origin;
    const timed = async (path: string) => {
      const start = performance.now();
      const response = await fetch(`${origin}${path}`, { headers: { cookie } });
      const body = await response.text();
      if (response.status !== 200 || !body.includes('</html>')) throw new Error(`${path}: ${response.status}`);
      return performance.now() - start;
    };
    const customerFirst = await timed(`/customers/${customerId}`);
    const customerAgain = await timed(`/customers/${customerId}`);
    const journeyFirst = await timed(`/journeys/${JOURNEY}`);
    const journeyAgain = await timed(`/journeys/${JOURNEY}`);
    return { started, customerFirst, customerAgain, journeyFirst, journeyAgain };
  } finally {
    child.kill('SIGTERM');
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const customers = Number(process.argv[2] ?? 50_000);
  process.stdout.write(
    `${formatRows(`sadakat console on ${customers.toLocaleString('en-US')} customers (dynalite)`, await run({ customers }))}\n`,
  );
}
