/**
 * The double opt-in link `/c/<token>` (DESIGN "Trust"), a sibling of the unsubscribe page: GET
 * shows a page with a button and never confirms (mail scanners and link previews follow GETs);
 * POST — the button — confirms: the pending address becomes `channels.email` with email consent
 * granted at that moment, written at once on the profile (conditional on the version read, as a
 * revocation is) and announced with a `consent` message so segments and journeys follow. A
 * forged or altered token is a 403, an expired one a 410, and neither changes anything.
 */
import type { CustomerMessage } from '../../events/messages.js';
import { VersionConflictError, type Clock, type EventQueue, type ProfileStore } from '../../ports.js';
import type { PepperSource } from '../../privacy/pepper.js';
import { laterConsent } from '../../profiles/consent.js';
import { isKnownCustomer } from '../../profiles/identify.js';
import { writeIfNewer } from '../../profiles/last-write-wins.js';
import type { Pending, Profile } from '../../profiles/schema.js';
import { fieldTime, laterIso } from '../../profiles/timestamps.js';
import { escapeHtml, page, type UnsubscribePage } from '../unsubscribe.js';
import type { UnsubscribeKeyring } from '../unsubscribe-token.js';
import { pendingAddressHash } from './address-key.js';
import { verifyConfirmToken } from './confirm-token.js';
import { pendingAddress } from './pending-address.js';

export interface ConfirmDeps {
  profiles: ProfileStore;
  events: EventQueue;
  keyring: UnsubscribeKeyring;
  pepper: PepperSource;
  clock: Clock;
  /** Shown on the pages. */
  senderName?: string;
}

export type { UnsubscribePage as ConfirmPage } from '../unsubscribe.js';

const MAX_ATTEMPTS = 5;

export async function handleConfirm(
  deps: ConfirmDeps,
  request: { method: string; token: string },
): Promise<UnsubscribePage> {
  const now = deps.clock.now();
  const check = verifyConfirmToken(deps.keyring, request.token, now);
  if (!check.valid)
    return check.reason === 'expired'
      ? page(410, 'This link has expired', '<p>This confirmation link has expired. Please sign up again.</p>')
      : page(
          403,
          'This link is not valid',
          '<p>This confirmation link is not valid. Please use the link from the email you received.</p>',
        );
  const from = escapeHtml(deps.senderName ?? 'us');
  const method = request.method.toUpperCase();
  if (method === 'GET' || method === 'HEAD')
    return page(
      200,
      'Confirm your email address',
      `<p>Receive emails from ${from} at this address?</p><form method="post"><button type="submit">Confirm</button></form>`,
    );
  if (method !== 'POST') return page(405, 'Not allowed', '<p>Use the button on the confirmation page.</p>');

  const pepper = await deps.pepper.get();
  const at = now.toISOString();
  const confirmed = await confirmPending(
    deps.profiles,
    check.customerId,
    at,
    (address) => pendingAddressHash(pepper, address) === check.addressHash,
  );
  if (confirmed === 'nothing')
    return page(
      410,
      'Nothing to confirm',
      '<p>This address is no longer waiting for confirmation (it was confirmed, changed or removed).</p>',
    );
  if (confirmed.applied) {
    const message: CustomerMessage = {
      kind: 'consent',
      customerId: confirmed.customerId,
      channel: 'email',
      granted: true,
      source: 'confirm',
      at,
    };
    await deps.events.enqueue([message]);
  }
  return page(200, 'Thank you', `<p>Your address is confirmed: you will receive emails from ${from}.</p>`);
}

/**
 * Moves the matching pending address to `channels.email` with consent granted at `at`. Follows
 * a merged anonymous profile to its customer once. A known customer's address is never replaced
 * this way (its pending values were dropped when it became known).
 */
async function confirmPending(
  profiles: ProfileStore,
  customerId: string,
  at: string,
  matches: (address: string) => boolean,
): Promise<{ applied: boolean; customerId: string } | 'nothing'> {
  let id = customerId;
  for (let attempt = 1; ; attempt++) {
    let profile = await profiles.getProfile(id);
    if (profile?.mergedInto !== undefined) {
      id = profile.mergedInto;
      profile = await profiles.getProfile(id);
    }
    if (!profile) return 'nothing';
    const address = pendingAddress(profile);
    if (address === undefined || !matches(address) || isKnownCustomer(profile)) return 'nothing';
    try {
      await profiles.putProfile(withConfirmed(profile, address, at), profile.version);
      return { applied: true, customerId: id };
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

export function withConfirmed(profile: Profile, address: string, at: string): Profile {
  const next = structuredClone(profile);
  writeIfNewer(next, 'channels.email', address, Math.max(fieldTime(at), next.fieldTimes['channels.email'] ?? 0));
  next.consent.email = laterConsent(next.consent.email, { granted: true, at }) ?? { granted: true, at };
  const { email: _email, consent, ...rest } = next.pending ?? {};
  const { email: _grant, ...otherGrants } = consent ?? {};
  const pending: Pending = { ...rest, ...(Object.keys(otherGrants).length > 0 ? { consent: otherGrants } : {}) };
  if (Object.keys(pending).length > 0) next.pending = pending;
  else delete next.pending;
  next.updatedAt = laterIso(next.updatedAt, at);
  return next;
}
