/**
 * A phone number an agent reported wrong (a call's `wrong_number`): `channels.phoneWrongAt`
 * makes the customer unreachable by call and SMS (shared/channels/registry/call.ts, sms.ts) until
 * identify sets another number. A report older than the number's last write is about an older
 * number, so it changes nothing.
 */
import type { Profile } from './schema.js';
import { fieldTime, normalizeIso } from './timestamps.js';

/** Marks the current phone wrong as of `at`; returns false when nothing changed. Mutates `profile`. */
export function markPhoneWrong(profile: Profile, at: string): boolean {
  if (profile.channels.phone === undefined || profile.channels.phoneWrongAt !== undefined) return false;
  const iso = normalizeIso(at, 'at');
  const written = profile.fieldTimes['channels.phone'];
  if (written !== undefined && fieldTime(iso) < written) return false;
  profile.channels.phoneWrongAt = iso;
  return true;
}

/** After identify may have written `channels.phone`: a different number than `before` is not the wrong one. Mutates `profile`. */
export function clearWrongPhoneIfChanged(profile: Profile, before: string | undefined): void {
  if (profile.channels.phone !== before) delete profile.channels.phoneWrongAt;
}
