/**
 * Revocations act at once (DESIGN "One writer per customer"): unsubscribe, complaints and
 * bounces write consent/suppressed on the profile themselves — a conditional write on the
 * version they read, which bumps it, so process-events (which re-reads on a version conflict)
 * never overwrites them — before enqueuing their message. A lost race is retried here.
 */
import { VersionConflictError, type ProfileStore } from '../ports.js';
import { applyConsentChange } from '../profiles/apply-internal.js';
import type { ConsentChannel } from '../profiles/consent.js';

export interface Revocation {
  /** Consent to withdraw (unsubscribe, complaint). */
  consent?: ConsentChannel;
  /** Suppression flag to set (bounce, complaint, SMS opt-out). */
  suppress?: 'email' | 'sms';
  at: string;
}

const MAX_ATTEMPTS = 5;

export async function applyRevocation(
  profiles: ProfileStore,
  customerId: string,
  revocation: Revocation,
): Promise<'applied' | 'unchanged' | 'no_profile'> {
  for (let attempt = 1; ; attempt++) {
    const profile = await profiles.getProfile(customerId);
    if (!profile) return 'no_profile';
    let next = revocation.consent
      ? applyConsentChange(profile, { channel: revocation.consent, granted: false, at: revocation.at, final: true })
      : structuredClone(profile);
    if (revocation.suppress) next = { ...next, suppressed: { ...next.suppressed, [revocation.suppress]: true } };
    if (
      JSON.stringify(next.consent) === JSON.stringify(profile.consent) &&
      JSON.stringify(next.suppressed) === JSON.stringify(profile.suppressed)
    )
      return 'unchanged';
    try {
      await profiles.putProfile(next, profile.version);
      return 'applied';
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
