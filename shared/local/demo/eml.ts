/**
 * An `.eml` of a message the local SES endpoint received, rebuilt from the fields it keeps: the
 * MIME message SES builds from SendEmail's `Content.Simple` — multipart/alternative with the text
 * and HTML parts, the added headers (List-Unsubscribe, List-Unsubscribe-Post) — with the From
 * header exactly as given (its display name RFC 2047-encoded by the adapter). nodemailer's
 * MailComposer does the encoding and header folding; Lambda never loads it.
 */
import addressparser from 'nodemailer/lib/addressparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { LocalSesEmail } from '../local-ses-server.js';

export type StoredEmail = Pick<LocalSesEmail, 'from' | 'destination' | 'subject' | 'body' | 'headers'>;

export async function composeEml(email: StoredEmail, date: Date): Promise<Buffer> {
  const [sender] = addressparser(email.from, { flatten: true });
  const composer = new MailComposer({
    // The address alone: the composer would quote an encoded name again; the From line is put back below.
    from: sender?.address ?? email.from,
    to: email.destination.to.join(', '),
    subject: email.subject,
    ...(email.body.text !== undefined ? { text: email.body.text } : {}),
    ...(email.body.html !== undefined ? { html: email.body.html } : {}),
    date,
    // Prepared: SES adds them as given (printable ASCII, one line each; each URI whole inside its <>).
    headers: Object.fromEntries((email.headers ?? []).map(({ name, value }) => [name, { prepared: true, value }])),
    textEncoding: 'quoted-printable',
  });
  const message = (await composer.compile().build()).toString('utf8');
  const split = message.indexOf('\r\n\r\n');
  const header = message.slice(0, split).replace(/^From: [^\r\n]*/m, () => `From: ${email.from}`);
  return Buffer.from(header + message.slice(split), 'utf8');
}
