/**
 * The seeded demo that several files read (the example campaign, 200 customers × 2 days, seed 7,
 * on dynalite), played once per test run instead of once per file: a demo is the most expensive
 * thing CI runs. The first file to ask plays it in the run's scratch folder (test/global-setup.ts)
 * while the others wait (test/file-lock.ts); each gets its own copy of the data folder and the
 * summary as `sadakat demo --format json` prints it. Never kept from one run to the next: each run
 * (CI runs the suite on two clocks) plays its own.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { runDemo, type DemoOptions, type DemoSummary } from '../shared/local/demo/run-demo.js';
import { withFileLock } from './file-lock.js';

export const SEEDED_DEMO = {
  customers: 200,
  days: 2,
  seed: 7,
  engine: 'dynalite',
  campaignDir: 'campaign',
} as const satisfies Omit<DemoOptions, 'dataDir'>;

export interface SeededDemo {
  /** This file's own copy of the demo's data folder. */
  dataDir: string;
  summary: DemoSummary;
  /** Removes the copy. */
  remove(): Promise<void>;
}

export async function seededDemo(): Promise<SeededDemo> {
  const played = join(inject('runScratch'), 'seeded-demo');
  const summaryFile = join(played, 'summary.json');
  await withFileLock(`${played}.lock`, async () => {
    if (existsSync(summaryFile)) return;
    await rm(played, { recursive: true, force: true });
    await mkdir(played, { recursive: true });
    const summary = await runDemo({ ...SEEDED_DEMO, dataDir: join(played, 'data') });
    // Written last: a summary means a whole demo.
    await writeFile(summaryFile, JSON.stringify(summary));
  });
  const copy = await mkdtemp(join(tmpdir(), 'sadakat-seeded-demo-'));
  await cp(join(played, 'data'), copy, { recursive: true });
  return {
    dataDir: copy,
    summary: JSON.parse(await readFile(summaryFile, 'utf8')) as DemoSummary,
    remove: () => rm(copy, { recursive: true, force: true }),
  };
}
