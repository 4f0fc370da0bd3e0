/**
 * A mailbox as a From header carries it: `Name <address>`. A display name of letters, digits and
 * spaces goes as it is, other printable ASCII as a quoted-string, anything else as RFC 2047
 * encoded-words (UTF-8, base64, split under the 75-character limit) — SES takes the From
 * address as given and requires a non-ASCII name encoded that way. nodemailer's MIME helpers do
 * the encoding (its composer decides names the same way).
 */
import { encodeWord, quoteString } from 'nodemailer/lib/mime-funcs';

export interface Mailbox {
  address: string;
  name?: string;
}

const ATOMS = /^[\w ]*$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/** nodemailer's own split length for an address name's words. */
const WORD_LENGTH = 52;

export function formatMailbox({ address, name }: Mailbox): string {
  return name ? `${displayName(name)} <${address}>` : address;
}

function displayName(name: string): string {
  if (ATOMS.test(name)) return name;
  if (PRINTABLE_ASCII.test(name)) return quoteString(name);
  return encodeWord(name, 'B', WORD_LENGTH);
}
