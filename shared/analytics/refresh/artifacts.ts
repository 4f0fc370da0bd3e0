/**
 * The refresh's artifacts (DESIGN "Data model": too big for a Step Functions payload, so they go
 * to S3, or to the data folder locally): one summary per scan segment and the fitted model.
 * Phases read them back through these schemas, so a stale or hand-edited file fails with the
 * field that is wrong instead of producing odd scores.
 */
import * as z from 'zod';
import type { RefreshArtifacts } from './ports.js';
import { InvalidArtifactError } from './ports.js';

const count = z.number().int().nonnegative();
/**
 * A column of numbers, checked where it lies: z.array would copy it, and the fit reads millions
 * (issue 20: the fit's memory is the summaries it holds).
 */
const numbers = z.custom<number[]>(
  (value) => Array.isArray(value) && value.every((item) => typeof item === 'number' && Number.isFinite(item)),
  'expected an array of finite numbers',
);
const pairs = z.array(z.tuple([z.string(), z.string(), count]));

/** Per-customer inputs as columns (the same index in every array is one customer). */
export const sliceSummarySchema = z.object({
  runId: z.string(),
  asOf: z.string(),
  segment: count,
  totalSegments: z.number().int().positive(),
  profiles: count,
  customers: z.object({
    id: z.array(z.string()),
    recency: numbers,
    frequency: numbers,
    monetary: numbers,
    firstDay: numbers,
    x: numbers,
    txDays: numbers,
    TDays: numbers,
    repeatMean: numbers,
  }),
  coPurchases: z.object({ buyers: z.array(z.tuple([z.string(), count])), pairs }),
});
export type SliceSummary = z.infer<typeof sliceSummarySchema>;

/** A slice's customer columns before any customer is added. */
export function emptySliceColumns(): SliceSummary['customers'] {
  return {
    id: [],
    recency: [],
    frequency: [],
    monetary: [],
    firstDay: [],
    x: [],
    txDays: [],
    TDays: [],
    repeatMean: [],
  };
}

const threshold = z.object({ value: z.number(), id: z.string().optional() }).nullable();
const dimensionCut = z.object({
  basis: z.enum(['value', 'rank']),
  upper: z.tuple([threshold, threshold, threshold, threshold]),
});

export const refreshModelSchema = z.object({
  runId: z.string(),
  asOf: z.string(),
  at: z.string(),
  customers: count,
  rfm: z
    .object({
      customers: count,
      recency: dimensionCut,
      frequency: dimensionCut,
      monetary: dimensionCut,
      segments: z.record(z.string(), count),
    })
    .nullable(),
  clv: z.discriminatedUnion('status', [
    z.object({
      status: z.literal('fitted'),
      bgnbd: z.object({ r: z.number(), alpha: z.number(), a: z.number(), b: z.number() }),
      mbgnbd: z.object({ r: z.number(), alpha: z.number(), a: z.number(), b: z.number() }),
      gammaGamma: z.object({ p: z.number(), q: z.number(), gamma: z.number() }),
      tiers: z.object({ low: z.number(), high: z.number() }),
      logLik: z.object({ bgnbd: z.number(), mbgnbd: z.number(), gammaGamma: z.number() }),
      repeatCustomers: count,
    }),
    z.object({ status: z.literal('not_enough_data'), reason: z.string() }),
  ]),
  recommender: z.object({
    related: z.record(z.string(), z.array(z.tuple([z.string(), count]))),
    popular: z.array(z.string()),
    buyers: z.record(z.string(), count),
  }),
});
export type RefreshModel = z.infer<typeof refreshModelSchema>;

export function summaryKey(runId: string, segment: number): string {
  return `${runId}/summary-${segment}.json`;
}

export function modelKey(runId: string): string {
  return `${runId}/model.json`;
}

export async function readArtifact<T>(artifacts: RefreshArtifacts, key: string, schema: z.ZodType<T>): Promise<T> {
  const parsed = schema.safeParse(await artifacts.get(key));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidArtifactError(key, `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
