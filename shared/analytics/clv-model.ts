/**
 * The nightly CLV model: BG/NBD on the distinct (x, t_x, T) triplets and Gamma-Gamma on the
 * repeat customers' spend, both behind the history gate, so callers get either both parameter
 * sets or the reason there are none. MBG/NBD is fitted beside BG/NBD on the same triplets: its
 * P(no purchase in the next 30 days) is the churn score (the best-ranking score on CDNOW,
 * `npm run bench churn`); BG/NBD stays the model of expected purchases and 12-month value.
 */
import * as bgnbd from './bgnbd.js';
import type { BgNbdParams, FitGate } from './bgnbd.js';
import * as gammaGamma from './gamma-gamma.js';
import type { GammaGammaParams } from './gamma-gamma.js';
import {
  repeatSpendOf,
  tripletsOf,
  type CustomerSummaries,
  type RepeatSpend,
  type RepeatTriplets,
} from './customer-summary.js';

export type ClvModel =
  | {
      status: 'fitted';
      bgnbd: { params: BgNbdParams; logLik: number; triplets: number; converged: boolean };
      mbgnbd: { params: BgNbdParams; logLik: number; converged: boolean };
      gammaGamma: { params: GammaGammaParams; logLik: number; customers: number; converged: boolean };
      customers: number;
      repeatCustomers: number;
      repeatTransactions: number;
    }
  | { status: 'not_enough_data'; reason: string };

export function fitClvModel(summaries: CustomerSummaries, gate: FitGate = {}): ClvModel {
  return fitClvModelOf(tripletsOf(summaries), repeatSpendOf(summaries), gate);
}

/** The same on the deduplicated inputs (the nightly fit builds them from typed columns). */
export function fitClvModelOf(triplets: RepeatTriplets, repeatSpend: RepeatSpend, gate: FitGate = {}): ClvModel {
  const transactions = bgnbd.fit(triplets, gate);
  if (transactions.status === 'not_enough_data') return transactions;
  const modified = bgnbd.fit(triplets, { ...gate, model: 'mbgnbd' });
  if (modified.status === 'not_enough_data') return modified;
  const spend = gammaGamma.fit(repeatSpend, { minRepeatCustomers: gate.minRepeatCustomers });
  if (spend.status === 'not_enough_data') return spend;
  return {
    status: 'fitted',
    bgnbd: {
      params: transactions.params,
      logLik: transactions.logLik,
      triplets: transactions.triplets,
      converged: transactions.converged,
    },
    mbgnbd: { params: modified.params, logLik: modified.logLik, converged: modified.converged },
    gammaGamma: { params: spend.params, logLik: spend.logLik, customers: spend.customers, converged: spend.converged },
    customers: triplets.customers,
    repeatCustomers: triplets.repeatCustomers,
    repeatTransactions: triplets.repeatTransactions,
  };
}
