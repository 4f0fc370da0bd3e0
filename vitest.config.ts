import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    setupFiles: ['test/setup.ts'],
    // A scratch folder per run, where files share what is expensive to make (test/seeded-demo.ts).
    globalSetup: ['test/global-setup.ts'],
    // Vitest's default is cores − 1 workers: a single one on CI's 2 cores. Most suites wait on
    // engines, servers and child processes, so two files at a time keep both cores busy
    // (docs/decisions.md 86).
    maxWorkers: 2,
  },
});
