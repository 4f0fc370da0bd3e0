/**
 * Decision 2b, between holdout and consent (issue 22, docs/decisions.md 140): while the customer has an open complaint and
 * settings.yaml `complaints.pausePromotions` is on (the default), a promotional send is refused
 * with `open_complaint`. Per customer, not per channel: it comes after holdout and before the
 * channel is chosen, so no fallback channel is tried. Transactional sends (the double opt-in
 * confirmation, a journey's `transactional` step) still go.
 */
import type { Settings } from '../../config/settings.js';
import { hasOpenComplaint } from '../../profiles/complaints.js';
import type { Profile } from '../../profiles/schema.js';
import type { SendRequest } from '../send-request.js';
import { PASS, type GuardResult } from './guard-result.js';

export function checkOpenComplaint(
  profile: Pick<Profile, 'complaints'> | undefined,
  request: Pick<SendRequest, 'transactional'>,
  complaints: Settings['complaints'] | undefined,
): GuardResult {
  if (request.transactional || complaints?.pausePromotions === false || !profile || !hasOpenComplaint(profile))
    return PASS;
  return { ok: false, reason: 'open_complaint', detail: `${profile.complaints?.open ?? 0} open` };
}
