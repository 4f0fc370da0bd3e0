/**
 * Net Promoter Score with its confidence interval (issue 22). NPS = promoters % − detractors %,
 * which is 100 × the mean of a score that is +1 for a promoter (9–10), 0 for a passive (7–8) and
 * −1 for a detractor (0–6). Its standard error is therefore that of a mean: with p and d the
 * promoter and detractor shares, the score's variance is p + d − (p − d)² (E[X²] − E[X]²), the
 * sample variance multiplies it by n/(n − 1), and the interval is 100 × (mean ± z √(s²/n)) —
 * the normal approximation used by e.g. Rocks (2016), "Interval estimation for the net promoter
 * score", The American Statistician 70(4). Clamped to [−100, 100]. A test compares it with a
 * percentile bootstrap of the same answers (test/unit/measurement/nps.test.ts).
 */
import { npsCategory } from '../profiles/survey-answers.js';
import type { NpsCategory } from '../profiles/schema.js';
import { twoSidedCriticalValue } from './standard-normal.js';

export interface NpsCounts {
  promoters: number;
  passives: number;
  detractors: number;
}

export interface NpsInterval extends NpsCounts {
  /** promoters % − detractors %, −100 … 100, one decimal. */
  score: number;
  responses: number;
  /** 95 % interval (normal approximation of the mean of the ±1/0 score); null below two responses. */
  lower: number | null;
  upper: number | null;
}

export function countCategories(scores: Iterable<number>): NpsCounts {
  const counts: NpsCounts = { promoters: 0, passives: 0, detractors: 0 };
  for (const score of scores) counts[COUNT_OF[npsCategory(score)]]++;
  return counts;
}

const COUNT_OF: Record<NpsCategory, keyof NpsCounts> = {
  promoter: 'promoters',
  passive: 'passives',
  detractor: 'detractors',
};

/** NPS and its interval at `confidence`; null without any response. */
export function npsInterval(counts: NpsCounts, confidence = 0.95): NpsInterval | null {
  for (const [field, value] of Object.entries(counts))
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`npsInterval: ${field} must be a whole number ≥ 0`);
  const n = counts.promoters + counts.passives + counts.detractors;
  if (n === 0) return null;
  const p = counts.promoters / n;
  const d = counts.detractors / n;
  const mean = p - d;
  const base = { ...counts, score: round1(100 * mean), responses: n };
  if (n < 2) return { ...base, lower: null, upper: null };
  const sampleVariance = ((p + d - mean * mean) * n) / (n - 1);
  const half = twoSidedCriticalValue(1 - confidence) * Math.sqrt(sampleVariance / n);
  return {
    ...base,
    lower: round1(100 * Math.max(-1, mean - half)),
    upper: round1(100 * Math.min(1, mean + half)),
  };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10 + 0;
}
