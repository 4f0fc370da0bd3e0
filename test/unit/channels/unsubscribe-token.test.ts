import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { signUnsubscribeToken, verifyUnsubscribeToken } from '../../../shared/channels/unsubscribe-token.js';

const KEYRING = {
  current: 'k2',
  keys: { k1: 'old-secret-0123456789abcdef0123456789', k2: 'new-secret-0123456789abcdef0123456789' },
};

describe('unsubscribe tokens', () => {
  it('verify to the customer and channel they were signed for', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.constantFrom('email', 'sms', 'push' as const),
        (customerId, channel) => {
          expect(verifyUnsubscribeToken(KEYRING, signUnsubscribeToken(KEYRING, customerId, channel))).toEqual({
            valid: true,
            customerId,
            channel,
          });
        },
      ),
    );
  });

  it('signed with a retired key still verify while the key stays in the keyring', () => {
    const old = signUnsubscribeToken({ ...KEYRING, current: 'k1' }, 'c1', 'email');
    expect(verifyUnsubscribeToken(KEYRING, old)).toMatchObject({ valid: true, customerId: 'c1' });
  });

  it('are invalid once their key is removed', () => {
    const old = signUnsubscribeToken({ ...KEYRING, current: 'k1' }, 'c1', 'email');
    expect(verifyUnsubscribeToken({ current: 'k2', keys: { k2: KEYRING.keys.k2 } }, old)).toEqual({ valid: false });
  });

  it('are invalid when any part is altered', () => {
    const token = signUnsubscribeToken(KEYRING, 'c1', 'email');
    const [keyId, customer, channel, mac] = token.split('.') as [string, string, string, string];
    const otherCustomer = Buffer.from('c2').toString('base64url');
    for (const forged of [
      [keyId, otherCustomer, channel, mac],
      [keyId, customer, 'sms', mac],
      ['k1', customer, channel, mac],
      [keyId, customer, channel, `${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`],
    ]) {
      expect(verifyUnsubscribeToken(KEYRING, forged.join('.'))).toEqual({ valid: false });
    }
  });

  it('are invalid when malformed', () => {
    for (const junk of ['', 'a.b.c', 'k2..email.x', 'constructor.YzE.email.x', 'k2.YzE.fax.x'])
      expect(verifyUnsubscribeToken(KEYRING, junk)).toEqual({ valid: false });
  });
});
