/**
 * Consent per channel (`consent.email|sms|push` = { granted, at }): the later decision wins, and
 * two decisions of the same instant combine to a refusal — an ambiguous opt-in never sends.
 */
import type { Consent } from './schema.js';
import { compareIso } from './timestamps.js';

export const CONSENT_CHANNELS = ['email', 'sms', 'push'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

export function laterConsent(current: Consent | undefined, incoming: Consent | undefined): Consent | undefined {
  if (current === undefined) return incoming;
  if (incoming === undefined) return current;
  const order = compareIso(incoming.at, current.at);
  if (order !== 0) return order > 0 ? incoming : current;
  return { granted: current.granted && incoming.granted, at: current.at };
}
