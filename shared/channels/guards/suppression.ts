/**
 * Decision 4: bounces, complaints, SMS opt-outs (the profile's `suppressed` flags and the
 * address-keyed suppression list, which also covers an address moving to another customer) and
 * disabled push endpoints (shared/channels/registry/push.ts). Suppression does not fall back to
 * another channel: it is a "no".
 */
import type { SuppressionList } from '../ports.js';
import { PASS, type GuardResult } from './guard-result.js';

/** An address channel's suppression: the profile's flag for the channel, then the address list. */
export async function checkAddressSuppression(
  profileFlag: boolean | undefined,
  address: string,
  list: SuppressionList,
): Promise<GuardResult> {
  if (profileFlag === true) return { ok: false, reason: 'suppressed', detail: 'profile' };
  return (await list.isSuppressed(address)) ? { ok: false, reason: 'suppressed', detail: 'address' } : PASS;
}
