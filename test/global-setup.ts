/**
 * Once per test run (one `vitest run`): a scratch folder the run's test files share
 * (test/seeded-demo.ts plays the run's seeded demo there), removed when the run ends.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's shared scratch folder. */
    runScratch: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const scratch = await mkdtemp(join(tmpdir(), 'sadakat-test-run-'));
  project.provide('runScratch', scratch);
  return () => rm(scratch, { recursive: true, force: true });
}
