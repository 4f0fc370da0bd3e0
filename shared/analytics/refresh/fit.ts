/**
 * Fit phase: reads every segment's summary and fits, on all customers at once, the RFM cut points
 * (rfm.ts's rules, see rfm-cuts.ts), BG/NBD + Gamma-Gamma through clv-model's history gate, the
 * CLV tertiles, and the co-purchase recommender. The model goes to one artifact; the phase returns
 * its key and what the run report shows.
 */
import type { FitGate } from '../bgnbd.js';
import { fitClvModelOf } from '../clv-model.js';
import { distinctTriplets, repeatSpendOfColumns } from '../customer-summary.js';
import { buildRecommender, coPurchasesFromJson, mergeCoPurchases, type CoPurchaseCounts } from '../recommendations.js';
import type { RfmSegment } from '../rfm.js';
import { modelKey, readArtifact, sliceSummarySchema, type RefreshModel } from './artifacts.js';
import { publishConsoleSnapshot } from './console-counts.js';
import { tierCuts, valueOf } from './clv-scores.js';
import type { RefreshRun } from './plan.js';
import type { RefreshArtifacts } from './ports.js';
import { BuyerColumns, type BuyerColumnsView } from './buyer-columns.js';
import { fitRfmCutsOfColumns } from './rfm-cuts.js';

export interface FitInput extends RefreshRun {
  /** The summarize results: their keys, buyers, and whether each wrote the console's counts. */
  summaries: readonly { key: string; customers?: number; consoleCounts?: boolean }[];
}

export type ClvOutcome =
  | {
      status: 'fitted';
      params: { r: number; alpha: number; a: number; b: number; p: number; q: number; gamma: number };
      /** MBG/NBD, the churn score's model. */
      mbgnbd: { r: number; alpha: number; a: number; b: number };
    }
  | { status: 'not_enough_data'; reason: string };

export interface FitResult extends RefreshRun {
  modelKey: string;
  customers: number;
  rfmSegments: Record<RfmSegment, number> | null;
  clv: ClvOutcome;
  /** Products with co-purchases or buyers. */
  products: number;
}

export interface FitOptions {
  gate?: FitGate;
  /** CLV tertiles are taken on at most this many customers (an even stride through them). */
  tierSample?: number;
}

const DEFAULT_TIER_SAMPLE = 200_000;

export async function fitRefresh(
  artifacts: RefreshArtifacts,
  input: FitInput,
  options: FitOptions = {},
): Promise<FitResult> {
  // Every buyer's inputs stream into typed columns, one slice at a time (issue 20: 10M buyers
  // within the function's memory); counts from the summarize results size them exactly.
  const expected = input.summaries.every((summary) => summary.customers !== undefined)
    ? input.summaries.reduce((sum, summary) => sum + (summary.customers ?? 0), 0)
    : undefined;
  const buyers = new BuyerColumns(expected);
  const coPurchases: CoPurchaseCounts = { buyers: new Map(), pairs: new Map() };
  const segments: number[] = [];
  for (const { key } of input.summaries) {
    const summary = await readArtifact(artifacts, key, sliceSummarySchema);
    segments.push(summary.segment);
    buyers.append(summary.customers);
    mergeCoPurchases(coPurchases, coPurchasesFromJson(summary.coPurchases));
  }
  const columns = buyers.columns();

  const rfm = columns.length === 0 ? null : fitRfmCutsOfColumns(columns);
  const clv = fitClv(columns, options);
  const recommender = buildRecommender(coPurchases);
  const model: RefreshModel = {
    runId: input.runId,
    asOf: input.asOf,
    at: input.at,
    customers: columns.length,
    rfm,
    clv,
    recommender,
  };
  const key = modelKey(input.runId);
  await artifacts.put(key, model);
  // The console's nightly snapshot: the counts each summarize slice wrote, as one object — only when
  // they counted (opt-in in AWS, decision 180), so a refresh without them reads no missing object.
  if (input.summaries.every((summary) => summary.consoleCounts === true))
    await publishConsoleSnapshot(artifacts, input.runId, segments);
  return {
    runId: input.runId,
    asOf: input.asOf,
    at: input.at,
    timezone: input.timezone,
    modelKey: key,
    customers: columns.length,
    rfmSegments: rfm?.segments ?? null,
    clv:
      clv.status === 'fitted'
        ? { status: 'fitted', params: { ...clv.bgnbd, ...clv.gammaGamma }, mbgnbd: clv.mbgnbd }
        : { status: 'not_enough_data', reason: clv.reason },
    products: coPurchases.buyers.size,
  };
}

function fitClv(columns: BuyerColumnsView, options: FitOptions): RefreshModel['clv'] {
  if (columns.length === 0)
    return { status: 'not_enough_data', reason: 'no customer has an order on or before the as-of date' };
  const model = fitClvModelOf(
    distinctTriplets(columns.x, columns.txDays, columns.TDays, 'week'),
    repeatSpendOfColumns(columns.x, columns.repeatMean),
    options.gate,
  );
  if (model.status === 'not_enough_data') return model;

  const params = { bgnbd: model.bgnbd.params, mbgnbd: model.mbgnbd.params, gammaGamma: model.gammaGamma.params };
  const stride = Math.max(1, Math.ceil(columns.length / (options.tierSample ?? DEFAULT_TIER_SAMPLE)));
  const sampled: number[] = [];
  for (let i = 0; i < columns.length; i += stride) sampled.push(valueOf(params, columns.history(i)));
  return {
    status: 'fitted',
    ...params,
    tiers: tierCuts(Float64Array.from(sampled)),
    logLik: { bgnbd: model.bgnbd.logLik, mbgnbd: model.mbgnbd.logLik, gammaGamma: model.gammaGamma.logLik },
    repeatCustomers: model.repeatCustomers,
  };
}
