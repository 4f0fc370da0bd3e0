/**
 * What identify traits and call context set on the profile (DESIGN "Events"): channels, name,
 * timezone, locale, consent, push devices and custom traits. Everything is last-write-wins by
 * the event's time (see last-write-wins.ts); values that do not validate are ignored, never stored.
 */
import type { NormalizedEvent } from '../events/event.js';
import { normalizeEmail, normalizePhone } from './channels.js';
import { CONSENT_CHANNELS, consentFromCall } from './consent.js';
import { isRecord, readText } from './event-properties.js';
import { writeIfNewer } from './last-write-wins.js';
import { normalizeLocale, normalizeTimezone, regionOfLocale } from './locale.js';
import { isUsableToken, readPushPlatform, upsertDevice } from './push-devices.js';
import type { Profile } from './schema.js';
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

/** Timezone, locale and push device from any call's context (identify traits take precedence). Mutates `profile`. */
export function applyContext(profile: Profile, event: NormalizedEvent, at: string): void {
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
export function applyIdentifyTraits(profile: Profile, event: NormalizedEvent, at: string): void {
  const traits = event.traits;
  const time = fieldTime(at);

  const email = normalizeEmail(traits.email);
  if (email !== undefined) writeIfNewer(profile, 'channels.email', email, time);
  const phone = normalizePhone(traits.phone, phoneRegion(traits, event));
  if (phone !== undefined) writeIfNewer(profile, 'channels.phone', phone, time);

  const first = readName(traits.firstName ?? traits.first_name);
  if (first !== undefined) writeIfNewer(profile, 'name.first', first, time);
  const last = readName(traits.lastName ?? traits.last_name);
  if (last !== undefined) writeIfNewer(profile, 'name.last', last, time);

  applyConsentTraits(profile, traits.consent, at, event.receivedAt);

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
 * revocation (consent.ts).
 */
function applyConsentTraits(profile: Profile, consent: unknown, eventAt: string, receivedAt: string): void {
  if (!isRecord(consent)) return;
  const ownAt = tryNormalizeIso(consent.timestamp);
  for (const channel of CONSENT_CHANNELS) {
    const granted = consent[channel];
    if (typeof granted !== 'boolean') continue;
    const decided = consentFromCall(profile.consent[channel], { granted, ownAt, eventAt, receivedAt });
    if (decided !== undefined) profile.consent[channel] = decided;
  }
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
