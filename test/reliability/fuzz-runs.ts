/**
 * How many cases the reliability property suites try: 10,000 in CI; bench mode raises it with
 * SADAKAT_FUZZ_RUNS (for example SADAKAT_FUZZ_RUNS=200000 npx vitest run test/reliability).
 */
export function fuzzRuns(ciDefault = 10_000): number {
  const fromEnv = Number(process.env.SADAKAT_FUZZ_RUNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : ciDefault;
}
