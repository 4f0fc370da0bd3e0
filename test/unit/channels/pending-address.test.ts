import { describe, expect, it } from 'vitest';
import { pendingAddress } from '../../../shared/channels/confirm/pending-address.js';
import { emptyProfile, type Profile } from '../../../shared/profiles/schema.js';

function anonymousWithPending(consent: Profile['consent']): Profile {
  return {
    ...emptyProfile('anon-1', '2026-11-02T09:00:00.000Z'),
    consent,
    pending: {
      email: { address: 'new@example.test', at: '2026-11-02T09:00:00.000Z' },
      consent: { email: { granted: true, at: '2026-11-02T09:00:00.000Z' } },
    },
  };
}

describe('pendingAddress', () => {
  it('is the address waiting for confirmation while nothing said no after the grant', () => {
    expect(pendingAddress(anonymousWithPending({}))).toBe('new@example.test');
    const earlierNo = { email: { granted: false, at: '2026-11-01T09:00:00.000Z' } };
    expect(pendingAddress(anonymousWithPending(earlierNo))).toBe('new@example.test');
  });

  it('is none once the customer opted out after the grant: a link sent before confirms nothing', () => {
    // Prepare: the unsubscribe link of an earlier address, a day after the sign-up.
    const profile = anonymousWithPending({ email: { granted: false, at: '2026-11-03T09:00:00.000Z' } });

    // Act + Assess
    expect(pendingAddress(profile)).toBeUndefined();
  });
});
