/**
 * The local SES endpoint keeps what SendEmail carried (issue 18, finding 9; issue 19): the From
 * address as given, the text and HTML and the List-Unsubscribe headers; the demo's .eml is the
 * message rebuilt from them, dated on the runtime's clock.
 */
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSesClient, SesEmailSender } from '../../../shared/aws/ses-email-sender.js';
import { listUnsubscribeHeaders } from '../../../shared/channels/list-unsubscribe.js';
import { writeMailFolder } from '../../../shared/local/demo/mail-folder.js';
import { startLocalSes, type LocalSes } from '../../../shared/local/local-ses-server.js';
import { VirtualClock } from '../../../shared/local/virtual-clock.js';

const AT = new Date('2026-11-02T09:00:00Z');

describe('the local SES endpoint', () => {
  let ses: LocalSes;
  beforeAll(async () => {
    ses = await startLocalSes({ clock: new VirtualClock(AT) });
  });
  afterAll(async () => {
    await ses.stop();
  });

  it('keeps the fields and headers SendEmail carried, and the mail folder writes them as the .eml', async () => {
    // Prepare
    const sender = new SesEmailSender(createSesClient({ endpoint: ses.endpoint }), 'sadakat-local');
    const dataDir = await mkdtemp(join(tmpdir(), 'sadakat-mail-'));

    // Act
    const { providerMessageId } = await sender.sendEmail({
      from: { address: 'offers@example.com', name: 'Sadakat Demo Shop' },
      to: 'ayse@example.com',
      subject: 'Sepetinizde ürün kaldı, Ayşe',
      text: 'Merhaba Ayşe.\nUnsubscribe: https://shop.example.com/u/T',
      html: '<p>Merhaba Ayşe</p><a href="https://shop.example.com/u/T">Unsubscribe</a>',
      headers: listUnsubscribeHeaders({ url: 'https://shop.example.com/u/T', mailto: 'unsubscribe@example.com' }),
      tags: { customerId: 'c1', messageId: 'm1', journeyId: 'j', runId: 'r1', stepId: 's' },
    });
    const emails = await ses.emails();
    await writeMailFolder(dataDir, emails);
    const [file] = await readdir(join(dataDir, 'mail'));
    const eml = (await readFile(join(dataDir, 'mail', file ?? ''))).toString('utf8');

    // Assess
    expect(emails.map((email) => [email.messageId, email.from, email.subject, email.sentAt])).toEqual([
      [providerMessageId, 'Sadakat Demo Shop <offers@example.com>', 'Sepetinizde ürün kaldı, Ayşe', AT],
    ]);
    expect(emails[0]?.headers).toEqual([
      { name: 'List-Unsubscribe', value: '<https://shop.example.com/u/T>, <mailto:unsubscribe@example.com>' },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ]);
    expect(eml).toMatch(
      /(^|\r\n)List-Unsubscribe: <https:\/\/shop\.example\.com\/u\/T>, <mailto:unsubscribe@example\.com>\r\n/,
    );
    expect(eml).toMatch(/\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n/);
    expect(eml).toMatch(/(^|\r\n)From: Sadakat Demo Shop <offers@example\.com>\r\n/);
    expect(eml).toMatch(/(^|\r\n)To: ayse@example\.com\r\n/);
    expect(eml).toMatch(/(^|\r\n)Date: Mon, 02 Nov 2026 09:00:00 \+0000\r\n/);
  });
});
