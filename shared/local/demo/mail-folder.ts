/**
 * The local SES endpoint keeps sent mail in memory and its viewer is gone when the demo exits,
 * so the demo writes each email as an .eml file (open it in any mail client) under
 * `<dataDir>/mail/`: the message rebuilt from the fields SES received (eml.ts), List-Unsubscribe
 * headers included, dated on the demo's clock. Only the demo's synthetic addresses are in there.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalSesEmail } from '../local-ses-server.js';
import { composeEml } from './eml.js';

export async function writeMailFolder(
  dataDir: string,
  emails: readonly LocalSesEmail[],
): Promise<{ folder: string; files: number }> {
  const folder = join(dataDir, 'mail');
  await mkdir(folder, { recursive: true });
  const dated = emails.map((email) => ({ email, date: email.sentAt ?? new Date(email.at * 1000) }));
  dated.sort((a, b) => a.date.getTime() - b.date.getTime() || a.email.messageId.localeCompare(b.email.messageId));
  for (const [index, { email, date }] of dated.entries()) {
    await writeFile(join(folder, `${String(index + 1).padStart(5, '0')}.eml`), await composeEml(email, date));
  }
  return { folder, files: dated.length };
}
