/**
 * The ids a sent message carries as provider tags (SES message tags; SNS has none, the outbox
 * records them), so feedback can name the customer, journey, run, step and variant again.
 *
 * SES accepts tag names and values of ASCII letters, digits, `_` and `-` only, at most 256
 * characters each (https://docs.aws.amazon.com/ses/latest/APIReference/API_MessageTag.html;
 * older SDK docs say "less than 256", so pieces stay at 255). Customer ids may hold anything
 * and be 256 UTF-16 units long (ingest's limit; `anon:` ids five more), so:
 *
 * - a value of `[A-Za-z0-9-][A-Za-z0-9_-]*` is sent as it is (it never starts with `_`);
 * - anything else as `_8` + base64url of its UTF-8 bytes, or `_w` + base64url of its UTF-16LE
 *   units when the string has a lone surrogate (UTF-8 cannot carry one and would not decode
 *   back to the same id); base64url's alphabet is SES's;
 * - a value longer than 255 characters is cut into pieces under `<name>`, `<name>_1`,
 *   `<name>_2`, … (a 261-unit id of 4-byte characters needs 5), joined again on the way back.
 */
import type { MessageTags } from './ports.js';

/** SES's limit on a tag value (names are far shorter). */
export const TAG_VALUE_MAX = 255;
const RAW = /^[A-Za-z0-9-][A-Za-z0-9_-]*$/;
const UTF8 = '_8';
const UTF16 = '_w';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const TAG_NAMES = {
  customerId: 'customer',
  messageId: 'message',
  journeyId: 'journey',
  runId: 'run',
  stepId: 'step',
  variant: 'variant',
} as const;

/** One value in SES's alphabet (possibly longer than a tag holds: see encodeMessageTags). */
export function encodeTagValue(value: string): string {
  if (RAW.test(value)) return value;
  if (LONE_SURROGATE.test(value)) return `${UTF16}${Buffer.from(value, 'utf16le').toString('base64url')}`;
  return `${UTF8}${Buffer.from(value, 'utf8').toString('base64url')}`;
}

export function decodeTagValue(value: string): string {
  if (value.startsWith(UTF8)) return Buffer.from(value.slice(UTF8.length), 'base64url').toString('utf8');
  if (value.startsWith(UTF16)) return Buffer.from(value.slice(UTF16.length), 'base64url').toString('utf16le');
  return value;
}

/** The name of piece `index` of a value under `name`: the first keeps the plain name. */
const pieceName = (name: string, index: number): string => (index === 0 ? name : `${name}_${index}`);

export function encodeMessageTags(tags: MessageTags): { Name: string; Value: string }[] {
  return (Object.keys(TAG_NAMES) as (keyof typeof TAG_NAMES)[]).flatMap((field) => {
    const value = tags[field];
    if (value === undefined) return [];
    const encoded = encodeTagValue(value);
    const pieces: { Name: string; Value: string }[] = [];
    for (let start = 0; start < encoded.length; start += TAG_VALUE_MAX)
      pieces.push({
        Name: pieceName(TAG_NAMES[field], pieces.length),
        Value: encoded.slice(start, start + TAG_VALUE_MAX),
      });
    return pieces;
  });
}

/** From SES event `mail.tags` (name → values); undefined when a required id is missing (not our message). */
export function decodeMessageTags(
  tags: Record<string, readonly string[] | undefined> | undefined,
): MessageTags | undefined {
  const read = (name: string): string | undefined => {
    const first = tags?.[name]?.[0];
    if (first === undefined) return undefined;
    let encoded = first;
    for (let index = 1; ; index++) {
      const piece = tags?.[pieceName(name, index)]?.[0];
      if (piece === undefined) break;
      encoded += piece;
    }
    return decodeTagValue(encoded);
  };
  const customerId = read(TAG_NAMES.customerId);
  const messageId = read(TAG_NAMES.messageId);
  const journeyId = read(TAG_NAMES.journeyId);
  const runId = read(TAG_NAMES.runId);
  const stepId = read(TAG_NAMES.stepId);
  if (!customerId || !messageId || !journeyId || !runId || !stepId) return undefined;
  const variant = read(TAG_NAMES.variant);
  return { customerId, messageId, journeyId, runId, stepId, ...(variant ? { variant } : {}) };
}
