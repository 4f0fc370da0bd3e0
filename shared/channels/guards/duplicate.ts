/**
 * Decision 1: any ledger entry for the message id (`claimed`, `sent`, `failed`, `unknown`) means
 * this visit of this step was already handled — or may have been: a `claimed` entry is a crash
 * between claim and answer, and at most once forbids trying again.
 */
import type { SendLedger } from '../ports.js';
import type { SendRequest } from '../send-request.js';
import { PASS, type GuardResult } from './guard-result.js';

export async function checkDuplicate(ledger: SendLedger, request: SendRequest): Promise<GuardResult> {
  const existing = await ledger.find(request.customerId, request.messageId);
  return existing ? { ok: false, reason: 'duplicate', detail: `ledger says ${existing.status}` } : PASS;
}
