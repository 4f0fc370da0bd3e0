/**
 * One-click unsubscribe per RFC 8058 (DESIGN "Send", Email), which Gmail and Yahoo require of
 * bulk senders: `List-Unsubscribe: <https://…/u/TOKEN>, <mailto:…>` and
 * `List-Unsubscribe-Post: List-Unsubscribe=One-Click`. SES adds them to the message as given, so
 * each value is one line of printable ASCII (SES's MessageHeader: at most 870 characters), each
 * URI whole inside its `<>`.
 */
import type { EmailHeader } from './ports.js';

export interface UnsubscribeLinks {
  /** The one-click link (https). */
  url: string;
  /** A mailto address for clients that prefer mail, when configured (`mailto:` optional). */
  mailto?: string;
}

/** SES's limit on a header value (API MessageHeader). */
export const HEADER_VALUE_MAX = 870;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

export function listUnsubscribeHeaders(links: UnsubscribeLinks): EmailHeader[] {
  const uris = [links.url];
  if (links.mailto) uris.push(links.mailto.startsWith('mailto:') ? links.mailto : `mailto:${links.mailto}`);
  const value = uris.map((uri) => `<${uri}>`).join(', ');
  // The link and address come from settings, not from customers: a value SES would refuse is a configuration error.
  if (!PRINTABLE_ASCII.test(value) || value.length > HEADER_VALUE_MAX)
    throw new Error(
      `List-Unsubscribe: the unsubscribe base URL and mailto address must be printable ASCII and the header at most ${HEADER_VALUE_MAX} characters (got ${value.length})`,
    );
  return [
    { name: 'List-Unsubscribe', value },
    { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
  ];
}
