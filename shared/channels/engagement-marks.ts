/**
 * Per-message engagement on the send ledger: ses-feedback records the first time SES reported a
 * delivery, open, click, bounce or complaint for one of our messages on its ledger entry, so the
 * report can count customers (not messages) at each step of the funnel.
 */
import type { EngagementMetric } from './ports.js';

export interface EngagementMarks {
  /** Keeps the earliest time per metric; a message with no ledger entry is left alone. */
  mark(customerId: string, messageId: string, metric: EngagementMetric, at: string): Promise<void>;
}
