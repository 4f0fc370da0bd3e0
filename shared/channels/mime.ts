/**
 * The raw MIME message SES sends (DESIGN "Send", Email): multipart/alternative with the text and
 * HTML parts, and one-click unsubscribe per RFC 8058 — `List-Unsubscribe: <https://…/u/TOKEN>,
 * <mailto:…>` plus `List-Unsubscribe-Post: List-Unsubscribe=One-Click` — which Gmail and Yahoo
 * require of bulk senders. nodemailer's MailComposer does the encoding and header folding.
 */
import MailComposer from 'nodemailer/lib/mail-composer';

export interface MimeEmail {
  from: { address: string; name?: string };
  to: string;
  subject: string;
  text: string;
  html: string;
  /**
   * The one-click link (https) and, when configured, a mailto address for clients that prefer mail.
   * Absent only on a double opt-in confirmation, which is not marketing and has no list to leave.
   */
  unsubscribe?: { url: string; mailto?: string };
  date: Date;
}

export async function composeMime(email: MimeEmail): Promise<Buffer> {
  const composer = new MailComposer({
    from: email.from.name ? { name: email.from.name, address: email.from.address } : email.from.address,
    to: email.to,
    subject: email.subject,
    text: email.text,
    html: email.html,
    date: email.date,
    headers: email.unsubscribe
      ? {
          // Prepared: ASCII already, and each URI must stay whole inside its <> (no encoding, no folding mid-URI).
          'List-Unsubscribe': { prepared: true, value: listUnsubscribe(email.unsubscribe) },
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        }
      : {},
    textEncoding: 'quoted-printable',
  });
  return composer.compile().build();
}

function listUnsubscribe(unsubscribe: NonNullable<MimeEmail['unsubscribe']>): string {
  const uris = [unsubscribe.url];
  if (unsubscribe.mailto)
    uris.push(unsubscribe.mailto.startsWith('mailto:') ? unsubscribe.mailto : `mailto:${unsubscribe.mailto}`);
  return uris.map((uri) => `<${uri}>`).join(', ');
}
