import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { formatMailbox } from '../../../shared/channels/mailbox.js';
import { composeEml } from '../../../shared/local/demo/eml.js';

const LIST_UNSUBSCRIBE = '<https://shop.example.com/u/T>, <mailto:unsubscribe@example.com>';

async function composed() {
  const eml = await composeEml(
    {
      from: formatMailbox({ address: 'offers@example.com', name: 'Ayşe’nin Dükkânı' }),
      destination: { to: ['ayse@example.com'], cc: [], bcc: [] },
      subject: 'Sepetinizde ürün kaldı, Ayşe',
      body: {
        text: 'Merhaba Ayşe, sepetiniz sizi bekliyor.',
        html: '<p>Merhaba <b>Ayşe</b>, sepetiniz sizi bekliyor.</p>',
      },
      headers: [
        { name: 'List-Unsubscribe', value: LIST_UNSUBSCRIBE },
        { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
      ],
    },
    new Date('2026-11-02T09:00:00Z'),
  );
  return { eml, parsed: await simpleParser(eml) };
}

describe('composeEml', () => {
  it('carries the text and the HTML part, with non-ASCII subject, body and display name intact', async () => {
    // Act
    const { parsed } = await composed();

    // Assess
    expect(parsed.subject).toBe('Sepetinizde ürün kaldı, Ayşe');
    expect(parsed.text?.trim()).toBe('Merhaba Ayşe, sepetiniz sizi bekliyor.');
    expect(parsed.html).toBe('<p>Merhaba <b>Ayşe</b>, sepetiniz sizi bekliyor.</p>');
    expect(parsed.from?.value).toEqual([{ address: 'offers@example.com', name: 'Ayşe’nin Dükkânı' }]);
    expect(parsed.to).toMatchObject({ value: [{ address: 'ayse@example.com' }] });
    expect(parsed.date?.toISOString()).toBe('2026-11-02T09:00:00.000Z');
  });

  it('has the headers SES added, each whole on one line, and the From line as SES got it', async () => {
    // Act
    const { eml } = await composed();
    const lines = (eml.toString('utf8').split('\r\n\r\n')[0] ?? '').split('\r\n');

    // Assess
    expect(lines).toContain(`List-Unsubscribe: ${LIST_UNSUBSCRIBE}`);
    expect(lines).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(lines.filter((line) => line.startsWith('From: '))).toEqual([
      'From: =?UTF-8?B?QXnFn2XigJluaW4gRMO8a2vDom7EsQ==?= <offers@example.com>',
    ]);
  });
});
