/**
 * The local SES endpoint keeps sent mail in memory and its viewer is gone when the demo exits,
 * so the demo writes each email as an .eml file (open it in any mail client) under
 * `<dataDir>/mail/`: the raw MIME the send handler produced, byte for byte (List-Unsubscribe
 * headers included), as SES would receive it. Only the demo's synthetic addresses are in there.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalSesEmail } from '../local-ses-server.js';

export async function writeMailFolder(
  dataDir: string,
  emails: readonly LocalSesEmail[],
): Promise<{ folder: string; files: number }> {
  const folder = join(dataDir, 'mail');
  await mkdir(folder, { recursive: true });
  const sorted = [...emails].sort((a, b) => a.at - b.at || a.messageId.localeCompare(b.messageId));
  for (const [index, email] of sorted.entries()) {
    await writeFile(join(folder, `${String(index + 1).padStart(5, '0')}.eml`), email.raw ?? eml(email));
  }
  return { folder, files: sorted.length };
}

/** For a message that came without its raw form (SendEmail): rebuilt from the parsed fields. */
function eml(email: LocalSesEmail): string {
  const boundary = `sadakat-${email.messageId}`;
  const headers = [
    `From: ${email.from}`,
    `To: ${email.destination.to.join(', ')}`,
    `Subject: =?UTF-8?B?${Buffer.from(email.subject, 'utf8').toString('base64')}?=`,
    `Date: ${new Date(email.at * (email.at < 1e12 ? 1000 : 1)).toUTCString()}`,
    `Message-ID: <${email.messageId}@local.sadakat>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  const parts: string[] = [];
  if (email.body.text !== undefined)
    parts.push(
      `--${boundary}\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(email.body.text)}`,
    );
  if (email.body.html !== undefined)
    parts.push(
      `--${boundary}\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(email.body.html)}`,
    );
  return `${headers.join('\r\n')}\r\n\r\n${parts.join('\r\n')}\r\n--${boundary}--\r\n`;
}

function base64Lines(text: string): string {
  return (
    Buffer.from(text, 'utf8')
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n');
}
