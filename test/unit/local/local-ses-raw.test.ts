/**
 * The local SES endpoint keeps the raw MIME the send handler produced (issue 18, finding 9): the
 * demo's .eml is byte for byte what SendRawEmail carried, List-Unsubscribe headers included.
 */
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSesClient, SesEmailSender } from '../../../shared/aws/ses-email-sender.js';
import { composeMime } from '../../../shared/channels/mime.js';
import { writeMailFolder } from '../../../shared/local/demo/mail-folder.js';
import { startLocalSes, type LocalSes } from '../../../shared/local/local-ses-server.js';

describe('the local SES endpoint', () => {
  let ses: LocalSes;
  beforeAll(async () => {
    ses = await startLocalSes();
  });
  afterAll(async () => {
    await ses.stop();
  });

  it('keeps each raw message byte for byte, and the mail folder writes it as the .eml', async () => {
    // Prepare
    const raw = await composeMime({
      from: { address: 'offers@example.com', name: 'Sadakat Demo Shop' },
      to: 'ayse@example.com',
      subject: 'Sepetinizde ürün kaldı, Ayşe',
      text: 'Merhaba Ayşe.\nUnsubscribe: https://shop.example.com/u/T',
      html: '<p>Merhaba Ayşe</p><a href="https://shop.example.com/u/T">Unsubscribe</a>',
      unsubscribe: { url: 'https://shop.example.com/u/T', mailto: 'unsubscribe@example.com' },
      date: new Date('2026-11-02T09:00:00Z'),
    });
    const sender = new SesEmailSender(createSesClient({ endpoint: ses.endpoint }), 'sadakat-local');
    const dataDir = await mkdtemp(join(tmpdir(), 'sadakat-mail-'));

    // Act
    const { providerMessageId } = await sender.sendRawEmail({
      raw,
      from: 'offers@example.com',
      to: 'ayse@example.com',
      tags: { customerId: 'c1', messageId: 'm1', journeyId: 'j', runId: 'r1', stepId: 's' },
    });
    const emails = await ses.emails();
    await writeMailFolder(dataDir, emails);
    const [file] = await readdir(join(dataDir, 'mail'));
    const eml = await readFile(join(dataDir, 'mail', file ?? ''));

    // Assess
    expect(emails.map((email) => email.messageId)).toEqual([providerMessageId]);
    expect(emails[0]?.raw?.equals(raw)).toBe(true);
    expect(eml.equals(raw)).toBe(true);
    expect(eml.toString('utf8')).toMatch(/(^|\r\n)List-Unsubscribe: <https:\/\/shop\.example\.com\/u\/T>/);
    expect(eml.toString('utf8')).toMatch(/\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n/);
  });
});
