/**
 * What the nightly refresh's phases need from outside (DESIGN "RFM and CLV"): a parallel scan of
 * the table's customers, a place for artifacts too big for a Step Functions payload (S3 in AWS,
 * the data folder locally), and the events queue for the `scores` messages.
 */
import type { ScoredProfile } from './scored-customers.js';
import type { PurchasedOrder } from '../recommendations.js';

/** One segment of a DynamoDB parallel scan: a customer's items all fall in the same segment. */
export type { ScoredProfile };

export interface ScanSlice {
  segment: number;
  totalSegments: number;
}

export interface CustomerScan {
  /**
   * The slice's profiles the refresh can score (merged anonymous copies left out): with the
   * `customers` index, only customers with an order and known customers, and only what it reads.
   */
  profiles(slice: ScanSlice): AsyncIterable<ScoredProfile>;
  /** The products of every `O#` order of the slice. */
  orders(slice: ScanSlice): AsyncIterable<PurchasedOrder>;
}

/** JSON documents by key (`<runId>/…`): partial summaries and the fitted model. */
export interface RefreshArtifacts {
  put(key: string, value: unknown): Promise<void>;
  /** Throws ArtifactNotFoundError when nothing was put under the key. */
  get(key: string): Promise<unknown>;
}

export class ArtifactNotFoundError extends Error {
  override readonly name = 'ArtifactNotFoundError';
  constructor(readonly key: string) {
    super(`refresh artifact ${key} does not exist (was the phase that writes it run for this run id?)`);
  }
}

/** Raised when an artifact exists but is not what the phase expects (a bug or a hand edit). */
export class InvalidArtifactError extends Error {
  override readonly name = 'InvalidArtifactError';
  constructor(
    readonly key: string,
    detail: string,
  ) {
    super(`refresh artifact ${key} is not valid: ${detail}`);
  }
}
