/** What a guard answers: pass, or refuse with the reason the ledger and the report count. */
import type { SendReason } from '../send-outcome.js';

export type GuardResult = { ok: true } | { ok: false; reason: SendReason; detail?: string };

export const PASS: GuardResult = { ok: true };
