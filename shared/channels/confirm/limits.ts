/**
 * Limits of double opt-in confirmations (DESIGN "Trust"): per mailbox (address-key.ts) 1 in 24 h
 * and 3 in 30 days, and hourly budgets per write key and for the whole shop, so neither one
 * victim nor the shop's sending reputation can be flooded through the public browser key. A
 * spent budget is refused with `confirm_budget` and raises the operator alarm.
 */
export interface ConfirmBudgets {
  /** Confirmations per hour started by one write key's calls. */
  perKeyPerHour: number;
  /** Confirmations per hour in all. */
  perHour: number;
}

export const DEFAULT_CONFIRM_BUDGETS: ConfirmBudgets = Object.freeze({ perKeyPerHour: 200, perHour: 1000 });

export const MAILBOX_LIMITS = Object.freeze({ perDay: 1, per30Days: 3 });

const DAY_MS = 86_400_000;

export type ConfirmLimitResult = { ok: true } | { ok: false; limit: 'address' | 'key' | 'global' };

/** Where the limits are kept: the single table in AWS and locally (shared/aws/dynamo-confirm-limits.ts). */
export interface ConfirmLimits {
  /**
   * Takes one confirmation for the mailbox, the key and the shop at `now`, or names the limit
   * that refuses it. A refusal by the mailbox takes nothing; one by a budget may leave the
   * budgets checked before it taken (a conservative miss, never a send past a limit).
   */
  take(request: { mailboxKey: string; keyId: string; now: Date; budgets: ConfirmBudgets }): Promise<ConfirmLimitResult>;
}

/** Whether a mailbox that had confirmations at `sentAt` may have one more at `now`; the times to keep after it. */
export function mailboxAllows(sentAt: readonly string[], now: Date): { allowed: boolean; kept: string[] } {
  const nowMs = now.getTime();
  const recent = sentAt.filter((at) => nowMs - Date.parse(at) < 30 * DAY_MS).sort();
  const lastDay = recent.filter((at) => nowMs - Date.parse(at) < DAY_MS);
  const allowed = lastDay.length < MAILBOX_LIMITS.perDay && recent.length < MAILBOX_LIMITS.per30Days;
  return { allowed, kept: allowed ? [...recent, now.toISOString()].slice(-MAILBOX_LIMITS.per30Days) : recent };
}
