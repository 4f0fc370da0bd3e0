/** Kept hashes (DESIGN "Trust"): keyed by the pepper, never the bare sha256 of the value. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { legacySuppressionHash, strongerEntry, suppressionHash } from '../../../shared/channels/suppression-address.js';
import { customerHash, legacyCustomerHash, orderHash } from '../../../shared/privacy/erasure-hashes.js';
import { Pepper, PepperError } from '../../../shared/privacy/pepper.js';
import { TEST_PEPPER } from '../../fakes/test-pepper.js';

describe('Pepper', () => {
  it('refuses a pepper shorter than 32 characters, naming the source and not the value', () => {
    expect(() => Pepper.parse('short-secret', 'PEPPER')).toThrow(PepperError);
    expect(() => Pepper.parse('short-secret', 'PEPPER')).toThrow(
      /^PEPPER: .*at least 32 characters of secret \(got 12\)$/,
    );
  });

  it('generates 64 hex characters of new pepper each time', () => {
    const [a, b] = [Pepper.generateText(), Pepper.generateText()];
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
  });

  it('never shows its key in JSON', () => {
    expect(JSON.stringify({ pepper: TEST_PEPPER })).toBe('{"pepper":"[pepper]"}');
  });

  it('hashes customer ids, orders and addresses differently under another pepper, and never as bare sha256', () => {
    const other = Pepper.parse('another-pepper-0123456789abcdef0123456789', 'other');
    expect(customerHash(TEST_PEPPER, '123456')).not.toBe(customerHash(other, '123456'));
    expect(customerHash(TEST_PEPPER, '123456')).not.toBe(legacyCustomerHash('123456'));
    expect(legacyCustomerHash('123456')).toBe(createHash('sha256').update('123456').digest('hex'));
    expect(orderHash(TEST_PEPPER, 'c1', 'o1')).toMatch(/^[0-9a-f]{32}$/);
    expect(suppressionHash(TEST_PEPPER, ' A@B.c ')).toBe(suppressionHash(TEST_PEPPER, 'a@b.c'));
    expect(suppressionHash(TEST_PEPPER, 'a@b.c')).not.toBe(legacySuppressionHash('a@b.c'));
  });

  it('separates purposes: the same value hashed for two purposes differs', () => {
    expect(TEST_PEPPER.hash('customer', 'x')).not.toBe(TEST_PEPPER.hash('address', 'x'));
  });
});

describe('strongerEntry', () => {
  it('prefers a bounce or complaint to any unsubscribe, and the later of two of a kind', () => {
    const unsubscribe = { reason: 'unsubscribe' as const, at: '2026-11-03T00:00:00.000Z' };
    const bounce = { reason: 'bounce' as const, at: '2026-11-01T00:00:00.000Z' };
    expect(strongerEntry(unsubscribe, bounce)).toBe(bounce);
    expect(strongerEntry(bounce, unsubscribe)).toBe(bounce);
    expect(strongerEntry({ ...unsubscribe, at: '2026-11-01T00:00:00.000Z' }, unsubscribe)).toBe(unsubscribe);
    expect(strongerEntry(undefined, undefined)).toBeUndefined();
  });
});
