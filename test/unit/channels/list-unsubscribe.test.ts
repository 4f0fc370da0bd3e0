import { describe, expect, it } from 'vitest';
import { HEADER_VALUE_MAX, listUnsubscribeHeaders } from '../../../shared/channels/list-unsubscribe.js';
import { signUnsubscribeToken, verifyUnsubscribeToken } from '../../../shared/channels/unsubscribe-token.js';
import { KEYRING } from './send-harness.js';

describe('listUnsubscribeHeaders', () => {
  it('gives RFC 8058 one-click headers whose link carries a token that verifies', () => {
    // Prepare
    const token = signUnsubscribeToken(KEYRING, 'c1', 'email');

    // Act
    const headers = listUnsubscribeHeaders({
      url: `https://shop.example.com/u/${token}`,
      mailto: 'unsubscribe@example.com',
    });

    // Assess
    expect(headers).toEqual([
      { name: 'List-Unsubscribe', value: `<https://shop.example.com/u/${token}>, <mailto:unsubscribe@example.com>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ]);
    const linked = /\/u\/([^>]+)>/.exec(headers[0]?.value ?? '')?.[1] ?? '';
    expect(verifyUnsubscribeToken(KEYRING, linked)).toEqual({ valid: true, customerId: 'c1', channel: 'email' });
  });

  it('keeps a mailto: prefix once and leaves the mailto out when none is configured', () => {
    expect(listUnsubscribeHeaders({ url: 'https://s/u/T', mailto: 'mailto:u@s' })[0]?.value).toBe(
      '<https://s/u/T>, <mailto:u@s>',
    );
    expect(listUnsubscribeHeaders({ url: 'https://s/u/T' })[0]?.value).toBe('<https://s/u/T>');
  });

  it.each([
    ['a non-ASCII base URL', { url: 'https://dükkân.example/u/T' }],
    ['a line break', { url: 'https://s/u/T', mailto: 'u@s\r\nBcc: x@y' }],
    ['a value over SES’s limit', { url: `https://s/u/${'T'.repeat(HEADER_VALUE_MAX)}` }],
  ])('refuses %s with an error naming the header', (_, links) => {
    expect(() => listUnsubscribeHeaders(links)).toThrow(/List-Unsubscribe: .*printable ASCII/);
  });
});
