/**
 * What identify traits and call context set on the profile (DESIGN "Events"): channels, name,
 * timezone, locale, consent, push devices and custom traits. Everything is last-write-wins by
 * the event's time (see last-write-wins.ts); values that do not validate are ignored, never stored.
 *
 * Unverified calls (a browser key without a valid identity token; DESIGN "Trust") are held back:
 * on a known customer (one with a verified contact point) they change no contact point, consent
 * grant, name, trait, timezone, locale or push device; on a new or anonymous profile their
 * contact points and consent grants are kept as `pending` and never used for sending. A
 * revocation is honoured from any call.
 */
import type { NormalizedEvent } from '../events/event.js';
import { normalizeEmail, normalizePhone } from './channels.js';
import { clearWrongPhoneIfChanged } from './phone-status.js';
import { CONSENT_CHANNELS, calledConsent, consentFromCall, laterConsent, type ConsentChannel } from './consent.js';
import { isRecord, readText } from './event-properties.js';
import { writeIfNewer } from './last-write-wins.js';
import { normalizeLocale, normalizeTimezone, regionOfLocale } from './locale.js';
import { isUsableToken, readPushPlatform, upsertDevice } from './push-devices.js';
import type { Consent, Pending, Profile } from './schema.js';
import { fieldTime, tryNormalizeIso } from './timestamps.js';

/** Traits with a meaning of their own: never copied into `traits.*`. */
const KNOWN_TRAITS = new Set([
  'email',
  'phone',
  'firstName',
  'first_name',
  'lastName',
  'last_name',
  'timezone',
  'locale',
  'consent',
]);
const MAX_TRAIT_KEY_LENGTH = 64;
const MAX_TRAIT_TEXT_LENGTH = 256;
const MAX_NAME_LENGTH = 100;

/** Whether the call proved who sent it (a server key, or a browser key with the userId's identity token). */
export type CallTrust = 'verified' | 'unverified';

/**
 * A known customer has a verified contact point. Only verified calls and a confirmed double
 * opt-in write `channels.email|phone` (those written before the rule came from keys then all
 * trusted alike), so an address there is a verified one.
 */
export function isKnownCustomer(profile: Profile): boolean {
  return profile.channels.email !== undefined || profile.channels.phone !== undefined;
}

/** Unverified calls may not describe a known customer (name, traits, timezone, locale, devices, contact points, grants). */
function heldBack(profile: Profile, trust: CallTrust): boolean {
  return trust === 'unverified' && isKnownCustomer(profile);
}

/** Timezone, locale and push device from any call's context (identify traits take precedence). Mutates `profile`. */
export function applyContext(
  profile: Profile,
  event: NormalizedEvent,
  at: string,
  trust: CallTrust = 'verified',
): void {
  if (heldBack(profile, trust)) return;
  const time = fieldTime(at);
  const traits = event.type === 'identify' ? event.traits : {};
  const timezone = normalizeTimezone(traits.timezone) ?? normalizeTimezone(event.context.timezone);
  if (timezone !== undefined) writeIfNewer(profile, 'timezone', timezone, time);
  const locale = normalizeLocale(traits.locale) ?? normalizeLocale(event.context.locale);
  if (locale !== undefined) writeIfNewer(profile, 'locale', locale, time);

  const token = event.context.device?.token?.trim();
  const platform = readPushPlatform(event.context.device?.type);
  if (token !== undefined && platform !== undefined && isUsableToken(token)) {
    profile.channels.push = upsertDevice(profile.channels.push, { token, platform, enabled: true, at });
  }
}

/** identify traits: channels, name, consent and custom traits. Mutates `profile`. */
export function applyIdentifyTraits(
  profile: Profile,
  event: NormalizedEvent,
  at: string,
  trust: CallTrust = 'verified',
): void {
  const traits = event.traits;
  if (trust === 'unverified') {
    applyUnverifiedTraits(profile, event, at);
    return;
  }
  const time = fieldTime(at);

  const email = normalizeEmail(traits.email);
  if (email !== undefined) {
    writeIfNewer(profile, 'channels.email', email, time);
    // A verified address supersedes any pending one: confirming a pending address planted before
    // the customer existed must not replace the address the shop verified.
    dropPending(profile, 'email');
  }
  const phone = normalizePhone(traits.phone, phoneRegion(traits, event));
  if (phone !== undefined) {
    const before = profile.channels.phone;
    writeIfNewer(profile, 'channels.phone', phone, time);
    clearWrongPhoneIfChanged(profile, before);
    dropPending(profile, 'phone');
  }
  applyNameAndTraits(profile, traits, time);
  applyConsentTraits(profile, traits.consent, at, event.receivedAt);
}

/**
 * An unverified identify: revocations always; on a known customer nothing else; on a new or
 * anonymous profile the name and traits, and contact points and grants as pending. A pending
 * value equal to the confirmed one is a no-op.
 */
function applyUnverifiedTraits(profile: Profile, event: NormalizedEvent, at: string): void {
  const traits = event.traits;
  const known = isKnownCustomer(profile);
  applyConsentTraits(profile, traits.consent, at, event.receivedAt, known ? 'revocations' : 'pending');
  if (known) return;
  const time = fieldTime(at);
  applyNameAndTraits(profile, traits, time);

  const email = normalizeEmail(traits.email);
  if (email !== undefined && email !== profile.channels.email && isNewer(profile.pending?.email?.at, at))
    profile.pending = { ...profile.pending, email: { address: email, at } };
  const phone = normalizePhone(traits.phone, phoneRegion(traits, event));
  if (phone !== undefined && phone !== profile.channels.phone && isNewer(profile.pending?.phone?.at, at))
    profile.pending = { ...profile.pending, phone: { number: phone, at } };
}

/** A pending value is replaced by a later one only (same instant: the first stays), so arrival order does not matter much. */
function isNewer(current: string | undefined, at: string): boolean {
  return current === undefined || at > current;
}

function dropPending(profile: Profile, field: 'email' | 'phone'): void {
  if (!profile.pending) return;
  const { [field]: _dropped, ...rest } = profile.pending;
  const consent = field === 'email' ? withoutKey(rest.consent, 'email') : rest.consent;
  const next: Pending = { ...rest, ...(consent ? { consent } : {}) };
  if (consent === undefined) delete next.consent;
  if (Object.keys(next).length === 0) delete profile.pending;
  else profile.pending = next;
}

function withoutKey(consent: Pending['consent'], channel: ConsentChannel): Pending['consent'] | undefined {
  if (!consent) return undefined;
  const { [channel]: _dropped, ...rest } = consent;
  return Object.keys(rest).length > 0 ? rest : undefined;
}

function applyNameAndTraits(profile: Profile, traits: Record<string, unknown>, time: number): void {
  const first = readName(traits.firstName ?? traits.first_name);
  if (first !== undefined) writeIfNewer(profile, 'name.first', first, time);
  const last = readName(traits.lastName ?? traits.last_name);
  if (last !== undefined) writeIfNewer(profile, 'name.last', last, time);

  for (const [key, value] of Object.entries(traits)) {
    if (KNOWN_TRAITS.has(key) || key.length === 0 || key.length > MAX_TRAIT_KEY_LENGTH) continue;
    // Objects and arrays are skipped: a trait is a scalar a segment rule can compare.
    if (value === null || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) {
      writeIfNewer(profile, `traits.${key}`, value, time);
    } else if (typeof value === 'string' && value.length <= MAX_TRAIT_TEXT_LENGTH) {
      writeIfNewer(profile, `traits.${key}`, value, time);
    }
  }
}

/**
 * `traits.consent: { email?, sms?, push?: boolean, timestamp? }`: the decision's own time, else
 * the event's, clamped to the receive time; a grant without its own time never undoes a
 * revocation (consent.ts). `grants`: what an unverified call's grants do — `pending` on a new
 * or anonymous profile, nothing on a known customer (`revocations`); its revocations apply, and
 * also outweigh an earlier pending grant.
 */
function applyConsentTraits(
  profile: Profile,
  consent: unknown,
  eventAt: string,
  receivedAt: string,
  grants: 'apply' | 'pending' | 'revocations' = 'apply',
): void {
  if (!isRecord(consent)) return;
  const ownAt = tryNormalizeIso(consent.timestamp);
  for (const channel of CONSENT_CHANNELS) {
    const granted = consent[channel];
    if (typeof granted !== 'boolean') continue;
    const called = { granted, ownAt, eventAt, receivedAt };
    if (granted && grants !== 'apply') {
      if (grants === 'pending')
        setPendingConsent(profile, channel, laterConsent(profile.pending?.consent?.[channel], calledConsent(called)));
      continue;
    }
    const decided = consentFromCall(profile.consent[channel], called);
    if (decided !== undefined) profile.consent[channel] = decided;
    if (!granted && profile.pending?.consent?.[channel] !== undefined)
      setPendingConsent(profile, channel, laterConsent(profile.pending.consent[channel], calledConsent(called)));
  }
}

/** A pending grant; a pending decision that is a refusal is no grant, so it is dropped. */
function setPendingConsent(profile: Profile, channel: ConsentChannel, decided: Consent | undefined): void {
  if (decided?.granted === true) {
    profile.pending = { ...profile.pending, consent: { ...profile.pending?.consent, [channel]: decided } };
    return;
  }
  const consent = withoutKey(profile.pending?.consent, channel);
  if (!profile.pending) return;
  const { consent: _old, ...rest } = profile.pending;
  const next: Pending = consent ? { ...rest, consent } : rest;
  if (Object.keys(next).length === 0) delete profile.pending;
  else profile.pending = next;
}

/** The region a national number is read in: `traits.country` (alpha-2), else the locale's region. */
function phoneRegion(traits: Record<string, unknown>, event: NormalizedEvent): string | undefined {
  const country = readText(traits.country);
  if (country !== undefined && /^[A-Za-z]{2}$/.test(country)) return country.toUpperCase();
  return regionOfLocale(normalizeLocale(traits.locale) ?? normalizeLocale(event.context.locale));
}

function readName(value: unknown): string | undefined {
  const name = readText(value);
  return name !== undefined && name.length <= MAX_NAME_LENGTH ? name : undefined;
}
