/**
 * The second line of the allow-list (columns.ts): a string column that a caller fills — an event
 * or page name, a product id or category, a page path, an error detail — is archived only when
 * nothing in it reads as an email address or a phone number, so an address a storefront hides in
 * a product id or a page path (`/account/ali@example.com`, `?email=ali%40example.com`) never
 * reaches the archive. A scrubbed value is `[redacted]`: the row stays, its count stays right.
 */
import { findPhoneNumbersInText } from 'libphonenumber-js/max';

export const REDACTED = '[redacted]';

/** Longest string archived; a longer one is cut (free text does not belong in these columns). */
export const MAX_TEXT = 200;

/** The shop's region for numbers written without a country code (the demo shop is in Turkey). */
const DOMESTIC_REGION = 'TR';

/** Percent-encoding, HTML entities and the usual spelled-out forms of `@`. */
const AT_SIGN = /@|%40|&#0*64;|&commat;|＠|\[at\]|\(at\)/i;

/** `+` and 7 to 15 digits, however spaced: an international number, valid or not (fictional numbers are still numbers). */
const INTERNATIONAL = /\+\s*\(?\d(?:[\s().-]*\d){6,14}/;

/**
 * Ten or more digits that start with 0 or are spaced, bracketed or dashed like a phone number
 * (`0532 123 45 67`, `(0532) 123-4567`); unspaced digit runs not starting with 0 are left to the
 * phone number finder, so barcodes (`8690000000012`) and order numbers stay.
 */
const DOMESTIC = /(?:^|\D)0\d(?:[\s().-]*\d){8,}|\d[\s().-]+\d(?:[\s().-]*\d){8,}/;

/** Undefined for anything that is not a non-empty string after trimming. */
export function scrubText(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  if (text === '') return undefined;
  if (looksPersonal(text)) return REDACTED;
  return text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
}

/**
 * Verdicts on texts seen lately: the same product ids, categories and paths come back with every
 * event, and the phone number finder is most of an event's archive row. Only short texts are kept,
 * and the map is cleared when full: its memory stays bounded whatever the events hold.
 */
const verdicts = new Map<string, boolean>();
const MAX_VERDICTS = 4096;
const MAX_REMEMBERED_LENGTH = 256;

/** True when the text, as it is or percent-decoded, holds something like an email address or a phone number. */
export function looksPersonal(text: string): boolean {
  const known = verdicts.get(text);
  if (known !== undefined) return known;
  const decoded = safeDecode(text);
  const verdict = holdsAddress(text) || (decoded !== text && holdsAddress(decoded));
  if (text.length > MAX_REMEMBERED_LENGTH) return verdict;
  if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
  verdicts.set(text, verdict);
  return verdict;
}

/** A decimal digit in any script: the phone number finder reads nothing else as a digit. */
const ANY_DIGIT = /\p{Nd}/u;

function holdsAddress(text: string): boolean {
  if (AT_SIGN.test(text) || INTERNATIONAL.test(text)) return true;
  // Without a digit there is no number to find (most archived texts: names, categories, paths).
  if (!ANY_DIGIT.test(text)) return false;
  // Separators a URL or a form puts between digits are read as spaces.
  const spaced = text.replace(/[_=&/?#:;,%]+/g, ' ');
  return (
    DOMESTIC.test(spaced) ||
    findPhoneNumbersInText(spaced).length > 0 ||
    findPhoneNumbersInText(spaced, DOMESTIC_REGION).length > 0
  );
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    // A stray `%` makes the whole text undecodable: decode the escapes that stand alone.
    return text.replace(/%[0-7][0-9a-f]/gi, (escape) => String.fromCharCode(Number.parseInt(escape.slice(1), 16)));
  }
}

/** The path of a page URL or path: no scheme, host, query string or fragment; scrubbed. */
export function pagePath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  let path: string;
  try {
    path = new URL(value.trim(), 'http://path.invalid').pathname;
  } catch {
    return undefined;
  }
  return scrubText(path);
}
