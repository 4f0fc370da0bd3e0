/**
 * Decision 2: holdout runs walk the journey on the same clock but never receive anything
 * (DESIGN "Experiments and holdout"); their skipped sends are counted as `holdout`.
 */
import type { SendRequest } from '../send-request.js';
import { PASS, type GuardResult } from './guard-result.js';

export function checkHoldout(request: SendRequest): GuardResult {
  return request.holdout ? { ok: false, reason: 'holdout' } : PASS;
}
