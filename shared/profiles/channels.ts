/**
 * Address normalization for the profile's channels (DESIGN "Profile": `channels.email`,
 * `channels.phone` in E.164). Invalid input yields undefined: a bad trait is ignored, never stored.
 */
import * as z from 'zod';
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

const emailSchema = z.email();
/** RFC 5321's limit for a forward path. */
const MAX_EMAIL_LENGTH = 254;

/** Trimmed and lowercased (providers treat the local part case-insensitively in practice). */
export function normalizeEmail(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const email = value.trim().toLowerCase();
  if (email.length === 0 || email.length > MAX_EMAIL_LENGTH) return undefined;
  return emailSchema.safeParse(email).success ? email : undefined;
}

/**
 * E.164 (`+905321234567`). A number without a country code is read in `defaultRegion` (ISO 3166
 * alpha-2, e.g. from `traits.country` or the locale); the full metadata set checks the number
 * against the region's real numbering plan, not only its length.
 */
export function normalizePhone(value: unknown, defaultRegion?: string): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  if (text.length === 0 || text.length > 40) return undefined;
  const region = supportedRegion(defaultRegion);
  const phone = region ? parsePhoneNumberFromString(text, region) : parsePhoneNumberFromString(text);
  return phone?.isValid() ? phone.number : undefined;
}

function supportedRegion(region: string | undefined): CountryCode | undefined {
  const upper = region?.trim().toUpperCase();
  return upper !== undefined && isSupportedCountry(upper) ? upper : undefined;
}
