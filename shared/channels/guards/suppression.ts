/**
 * Decision 4: bounces, complaints, SMS opt-outs and unsubscribes (the profile's `suppressed`
 * flags and the address-keyed suppression list, which covers every profile carrying the address:
 * a new profile with an unsubscribed address is not messaged either) and disabled push endpoints
 * (shared/channels/registry/push.ts). Suppression does not fall back to another channel: it is a "no".
 *
 * An unsubscribe or SMS opt-out of the address gives way only to this profile's own grant made
 * after it (the customer asked again, through a verified call or a confirmed double opt-in);
 * bounces and complaints never do.
 */
import type { Consent } from '../../profiles/schema.js';
import { compareIso } from '../../profiles/timestamps.js';
import type { SuppressionList } from '../ports.js';
import { PERMANENT_REASONS } from '../suppression-address.js';
import { PASS, type GuardResult } from './guard-result.js';

/** An address channel's suppression: the profile's flag for the channel, then the address list. */
export async function checkAddressSuppression(
  profileFlag: boolean | undefined,
  address: string,
  list: SuppressionList,
  grant: Consent | undefined,
): Promise<GuardResult> {
  if (profileFlag === true) return { ok: false, reason: 'suppressed', detail: 'profile' };
  const entry = await list.find(address);
  if (entry === undefined) return PASS;
  const askedAgain =
    !PERMANENT_REASONS.has(entry.reason) &&
    grant?.granted === true &&
    entry.at !== '' &&
    compareIso(grant.at, entry.at) > 0;
  return askedAgain ? PASS : { ok: false, reason: 'suppressed', detail: 'address' };
}
