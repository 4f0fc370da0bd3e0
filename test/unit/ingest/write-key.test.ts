import * as crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  parseWriteKeyList,
  serverKeys,
  StaticWriteKeys,
  writeKeyFromAuthorization,
} from '../../../shared/events/write-key.js';

vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>();
  return { ...original, timingSafeEqual: vi.fn(original.timingSafeEqual) };
});

afterEach(() => {
  vi.mocked(crypto.timingSafeEqual).mockClear();
});

describe('StaticWriteKeys', () => {
  it('accepts a configured key', async () => {
    // Act
    const ok = await new StaticWriteKeys(serverKeys(['k1', 'k2'])).verify('k2');

    // Assess
    expect(ok).toEqual({ id: 'server-2', scope: 'server', origins: [] });
  });

  it('refuses a key that is only a prefix of a configured one', async () => {
    // Act
    const ok = await new StaticWriteKeys(serverKeys(['secret-key'])).verify('secret');

    // Assess
    expect(ok).toBeUndefined();
  });

  it('compares with timingSafeEqual over equal-length digests, against every key', async () => {
    // Prepare
    const keys = new StaticWriteKeys(serverKeys(['first', 'second', 'third']));

    // Act
    await keys.verify('first');

    // Assess
    const calls = vi.mocked(crypto.timingSafeEqual).mock.calls;
    expect(calls).toHaveLength(3);
    for (const [a, b] of calls) expect([(a as Buffer).length, (b as Buffer).length]).toEqual([32, 32]);
  });

  it('refuses to start without a usable key', () => {
    // Act + Assess
    expect(() => new StaticWriteKeys(serverKeys([' ', '']))).toThrow('no write keys configured');
  });
});

describe('parseWriteKeyList', () => {
  it('splits comma-separated keys and drops blanks', () => {
    // Act
    const keys = parseWriteKeyList(' a, b ,,c ');

    // Assess
    expect(keys).toEqual(['a', 'b', 'c']);
  });
});

describe('writeKeyFromAuthorization', () => {
  it('reads the user part of Basic auth and ignores the password', () => {
    // Act
    const key = writeKeyFromAuthorization(`Basic ${Buffer.from('wk:ignored').toString('base64')}`);

    // Assess
    expect(key).toEqual({ kind: 'key', key: 'wk' });
  });

  it('accepts Basic credentials without a colon', () => {
    // Act
    const key = writeKeyFromAuthorization(`basic ${Buffer.from('wk').toString('base64')}`);

    // Assess
    expect(key).toEqual({ kind: 'key', key: 'wk' });
  });

  it('reports no header as absent', () => {
    // Act + Assess
    expect(writeKeyFromAuthorization(undefined)).toEqual({ kind: 'absent' });
  });

  it.each([['Bearer abc'], ['Basic'], [`Basic ${Buffer.from(':pw').toString('base64')}`], ['Basic !!!']])(
    'reports %s as malformed',
    (header) => {
      // Act + Assess
      expect(writeKeyFromAuthorization(header)).toEqual({ kind: 'malformed' });
    },
  );
});
