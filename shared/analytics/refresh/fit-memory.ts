/**
 * The refresh-fit function's memory (infra/constructs/nightly-refresh.ts) and the V8 heap cap it
 * runs with (NODE_OPTIONS): the buyers' ids live in the heap, their typed columns outside it, so
 * the cap leaves room for those. `npm run bench fit-memory` measures the fit against the share of
 * this budget its buyers would have at 10M (issue 20, decision 226).
 */
export const FIT_MEMORY = { lambdaMb: 3008, heapMb: 2304, targetBuyers: 10_000_000 } as const;
