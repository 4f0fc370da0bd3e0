import { describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { composeMime } from '../../../shared/channels/mime.js';
import { signUnsubscribeToken, verifyUnsubscribeToken } from '../../../shared/channels/unsubscribe-token.js';
import { KEYRING } from './send-harness.js';

async function composed() {
  const token = signUnsubscribeToken(KEYRING, 'c1', 'email');
  const raw = await composeMime({
    from: { address: 'offers@example.com', name: 'Sadakat Demo Shop' },
    to: 'ayse@example.com',
    subject: 'Sepetinizde ürün kaldı, Ayşe',
    text: 'Merhaba Ayşe, sepetiniz sizi bekliyor.',
    html: '<p>Merhaba <b>Ayşe</b>, sepetiniz sizi bekliyor.</p>',
    unsubscribe: { url: `https://shop.example.com/u/${token}`, mailto: 'unsubscribe@example.com' },
    date: new Date('2026-11-02T09:00:00Z'),
  });
  return { token, raw, parsed: await simpleParser(raw) };
}

describe('composeMime', () => {
  it('carries the text and the HTML part, with non-ASCII subject and body intact', async () => {
    const { parsed } = await composed();
    expect(parsed.subject).toBe('Sepetinizde ürün kaldı, Ayşe');
    expect(parsed.text?.trim()).toBe('Merhaba Ayşe, sepetiniz sizi bekliyor.');
    expect(parsed.html).toBe('<p>Merhaba <b>Ayşe</b>, sepetiniz sizi bekliyor.</p>');
    expect(parsed.from?.value).toEqual([{ address: 'offers@example.com', name: 'Sadakat Demo Shop' }]);
  });

  it('has RFC 8058 one-click unsubscribe headers whose token verifies', async () => {
    const { raw, token } = await composed();
    const headers =
      raw
        .toString('utf8')
        .split('\r\n\r\n')[0]
        ?.replace(/\r\n[ \t]+/g, ' ') ?? '';
    expect(headers).toContain(
      `List-Unsubscribe: <https://shop.example.com/u/${token}>, <mailto:unsubscribe@example.com>`,
    );
    expect(headers).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    const linked = /\/u\/([^>]+)>/.exec(headers)?.[1] ?? '';
    expect(verifyUnsubscribeToken(KEYRING, linked)).toEqual({ valid: true, customerId: 'c1', channel: 'email' });
  });
});
