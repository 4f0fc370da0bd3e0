/**
 * Internal events-queue messages that change the profile (shared/events/messages.ts): consent
 * changes (unsubscribe, complaint, SMS opt-out), push endpoints SNS disabled, and the nightly
 * scores. Pure like the reducer, and last-write-wins by the message's time, so a redelivered or
 * late message never undoes a newer change.
 */
import { finalRevocation, laterConsent, type ConsentChannel } from './consent.js';
import { writeIfNewer } from './last-write-wins.js';
import { setEndpointEnabled } from './push-devices.js';
import type { Clv, Profile, Rfm } from './schema.js';
import { fieldTime, laterIso, normalizeIso } from './timestamps.js';
import { trimToBudget } from './trim.js';

/**
 * A consent change from a handler. `final` (unsubscribe links and complaints, applied at once by
 * shared/channels/revoke.ts): the revocation wins over every grant stored before it (consent.ts).
 */
export function applyConsentChange(
  profile: Profile,
  change: { channel: ConsentChannel; granted: boolean; at: string; final?: boolean },
): Profile {
  const at = normalizeIso(change.at, 'at');
  const next = structuredClone(profile);
  const current = next.consent[change.channel];
  const decided =
    change.final === true && !change.granted
      ? finalRevocation(current, at)
      : laterConsent(current, { granted: change.granted, at });
  if (decided !== undefined) next.consent[change.channel] = decided;
  next.updatedAt = laterIso(next.updatedAt, at);
  return next;
}

/**
 * A message the customer sent on WhatsApp: the service window runs from the latest one (a late
 * redelivery never moves it back), and a stop word revokes `consent.whatsapp` for good over every
 * grant stored before it, as an unsubscribe link does.
 */
export function applyWhatsAppInbound(profile: Profile, inbound: { at: string; stop: boolean }): Profile {
  const at = normalizeIso(inbound.at, 'at');
  const next = inbound.stop
    ? applyConsentChange(profile, { channel: 'whatsapp', granted: false, at, final: true })
    : structuredClone(profile);
  next.whatsapp = { lastInboundAt: laterIso(next.whatsapp?.lastInboundAt, at) };
  next.updatedAt = laterIso(next.updatedAt, at);
  return next;
}

export function applyDeviceChange(
  profile: Profile,
  change: { endpoint: string; enabled: boolean; at: string },
): Profile {
  const at = normalizeIso(change.at, 'at');
  const next = structuredClone(profile);
  next.channels.push = setEndpointEnabled(next.channels.push, change.endpoint, change.enabled, at);
  next.updatedAt = laterIso(next.updatedAt, at);
  return next;
}

export function applyScores(
  profile: Profile,
  scores: { rfm?: Rfm; clv?: Clv; recommendations?: readonly string[]; at: string },
): Profile {
  const at = normalizeIso(scores.at, 'at');
  const time = fieldTime(at);
  const next = structuredClone(profile);
  if (scores.rfm !== undefined) writeIfNewer(next, 'rfm', scores.rfm, time);
  if (scores.clv !== undefined) writeIfNewer(next, 'clv', scores.clv, time);
  if (scores.recommendations !== undefined) writeIfNewer(next, 'recommendations', [...scores.recommendations], time);
  next.updatedAt = laterIso(next.updatedAt, at);
  return trimToBudget(next);
}
