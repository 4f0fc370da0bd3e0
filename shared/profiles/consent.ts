/**
 * Consent per channel (`consent.email|sms|push|call`; İYS calls it ARAMA for calls). DESIGN "Trust", consent time:
 *
 * - a decision's time is the client's own timestamp clamped to the receive time, so a grant
 *   dated 2099 cannot outweigh the unsubscribe that follows it;
 * - a grant without a timestamp of its own (`untimed`) never outweighs a revocation, earlier or
 *   later: browser libraries replay cached traits, `consent.email: true` included, on every
 *   identify;
 * - a revocation wins a tie: an ambiguous opt-in never sends;
 * - unsubscribe links and complaints are final over every grant stored before them
 *   (`finalRevocation`).
 *
 * `laterConsent` is a join (commutative, associative, idempotent), so the stored decision never
 * depends on arrival order: of two timed decisions the later wins (a tie refuses); a timed grant
 * beats an untimed one (an untimed grant only counts while nothing else was ever said); a
 * revocation beats an untimed grant; of two untimed grants the later is kept.
 */
import type { Consent } from './schema.js';
import { compareIso, earlierIso, normalizeIso } from './timestamps.js';

export const CONSENT_CHANNELS = ['email', 'sms', 'push', 'call', 'whatsapp'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

export function laterConsent(current: Consent | undefined, incoming: Consent | undefined): Consent | undefined {
  if (current === undefined) return incoming;
  if (incoming === undefined) return current;
  const [currentUntimed, incomingUntimed] = [current.untimed === true, incoming.untimed === true];
  if (currentUntimed !== incomingUntimed) return currentUntimed ? incoming : current;
  const order = compareIso(incoming.at, current.at);
  if (order !== 0) return order > 0 ? incoming : current;
  return current.granted && incoming.granted ? current : { granted: false, at: current.at };
}

/** A decision carried by a call (identify `traits.consent`). */
export interface CalledConsent {
  granted: boolean;
  /** The decision's own timestamp (`traits.consent.timestamp`), if it has one. */
  ownAt: string | undefined;
  /** The call's time (already within a day of receipt). */
  eventAt: string;
  receivedAt: string;
}

/** What a call's decision records: its own time (else the call's) clamped to the receive time. */
export function calledConsent(decision: CalledConsent): Consent {
  const at = normalizeIso(earlierIso(decision.ownAt ?? decision.eventAt, decision.receivedAt));
  return decision.granted && decision.ownAt === undefined
    ? { granted: true, at, untimed: true }
    : { granted: decision.granted, at };
}

/** The stored consent after a call's decision. */
export function consentFromCall(current: Consent | undefined, decision: CalledConsent): Consent | undefined {
  return laterConsent(current, calledConsent(decision));
}

/**
 * Unsubscribe links and complaints, applied when they arrive (`at` is their receive time): they
 * win over every grant stored before them, even one whose time is later — a grant dated in the
 * future (from before times were clamped) is not a real time. A later revocation stays.
 */
export function finalRevocation(current: Consent | undefined, at: string): Consent {
  if (current !== undefined && !current.granted && compareIso(current.at, at) > 0) return current;
  return { granted: false, at };
}
