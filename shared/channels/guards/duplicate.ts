/**
 * Decision 1: any ledger entry for the message id (`claimed`, `sent`, `failed`, `unknown`) means
 * this visit of this step was already handled — or may have been: a `claimed` entry is a crash
 * between claim and answer, and at most once forbids trying again. At-least-once channels
 * (at-least-once.ts) may take an entry `retrying`, or `claimed` by an attempt that died, for
 * another attempt: it is passed on as `previous`.
 */
import type { LedgerEntry, SendLedger } from '../ports.js';
import type { SendRequest } from '../send-request.js';

export type DuplicateCheck = { ok: true; previous?: LedgerEntry } | { ok: false; reason: 'duplicate'; detail: string };

export async function checkDuplicate(
  ledger: SendLedger,
  request: SendRequest,
  resumes?: (entry: LedgerEntry) => boolean,
): Promise<DuplicateCheck> {
  const existing = await ledger.find(request.customerId, request.messageId);
  if (!existing) return { ok: true };
  if (resumes?.(existing)) return { ok: true, previous: existing };
  return { ok: false, reason: 'duplicate', detail: `ledger says ${existing.status}` };
}
