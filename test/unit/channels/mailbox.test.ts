import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { formatMailbox } from '../../../shared/channels/mailbox.js';

/** The From header as a mail client reads it. */
async function read(from: string) {
  const parsed = await simpleParser(Buffer.from(`From: ${from}\r\nSubject: s\r\n\r\nbody\r\n`));
  return { mailboxes: parsed.from?.value, headerNames: [...parsed.headers.keys()] };
}

describe('formatMailbox', () => {
  it('gives the address alone without a name, and a name of letters, digits and spaces as it is', () => {
    expect(formatMailbox({ address: 'offers@example.com' })).toBe('offers@example.com');
    expect(formatMailbox({ address: 'offers@example.com', name: 'Sadakat Demo Shop' })).toBe(
      'Sadakat Demo Shop <offers@example.com>',
    );
  });

  it.each([['Shop, Inc.'], ['"Best" <shop>'], ['back\\slash']])(
    'quotes an ASCII name with specials so it stays one mailbox: %s',
    async (name) => {
      // Act
      const { mailboxes } = await read(formatMailbox({ address: 'offers@example.com', name }));

      // Assess
      expect(mailboxes).toEqual([{ address: 'offers@example.com', name }]);
    },
  );

  it('encodes a non-ASCII name as RFC 2047 words of at most 75 characters that decode back', async () => {
    // Prepare
    const name = 'Ayşe’nin Dükkânı — İstanbul’un en güzel çiçekçisi, ğüşıöç ve 🌷 her gün';

    // Act
    const formatted = formatMailbox({ address: 'offers@example.com', name });
    const { mailboxes } = await read(formatted);

    // Assess
    expect(formatted).toMatch(/^[\x20-\x7e]+$/);
    for (const word of formatted.match(/=\?[^?]+\?B\?[^?]*\?=/g) ?? []) expect(word.length).toBeLessThanOrEqual(75);
    expect(mailboxes).toEqual([{ address: 'offers@example.com', name }]);
  });

  it('cannot be made to add a header by a name with a line break', async () => {
    // Act
    const formatted = formatMailbox({ address: 'offers@example.com', name: 'Shop\r\nBcc: victim@example.com' });
    const { headerNames, mailboxes } = await read(formatted);

    // Assess
    expect(formatted).not.toMatch(/[\r\n]/);
    expect(headerNames).not.toContain('bcc');
    expect(mailboxes?.map((mailbox) => mailbox.address)).toEqual(['offers@example.com']);
  });
});
