/**
 * Decision 4: bounces, complaints, SMS opt-outs (the profile's `suppressed` flags and the
 * address-keyed suppression list, which also covers an address moving to another customer) and
 * disabled push endpoints. Suppression does not fall back to another channel: it is a "no".
 */
import type { Profile } from '../../profiles/schema.js';
import type { SuppressionList } from '../ports.js';
import { PASS, type GuardResult } from './guard-result.js';
import type { SendTarget } from './reachability.js';

export async function checkSuppression(
  list: SuppressionList,
  profile: Profile,
  target: SendTarget,
): Promise<GuardResult> {
  switch (target.channel) {
    case 'email':
      if (profile.suppressed.email === true) return { ok: false, reason: 'suppressed', detail: 'profile' };
      return (await list.isSuppressed(target.email)) ? { ok: false, reason: 'suppressed', detail: 'address' } : PASS;
    case 'sms':
      if (profile.suppressed.sms === true) return { ok: false, reason: 'suppressed', detail: 'profile' };
      return (await list.isSuppressed(target.phone)) ? { ok: false, reason: 'suppressed', detail: 'address' } : PASS;
    case 'push':
      return target.devices.some((device) => device.enabled)
        ? PASS
        : { ok: false, reason: 'suppressed', detail: 'every push endpoint is disabled' };
    default: {
      const unreachable: never = target;
      throw new Error(`unknown target ${JSON.stringify(unreachable)}`);
    }
  }
}
