import { describe, expect, it } from 'vitest';
import {
  anonymousCustomerId,
  isAnonymousCustomerId,
  resolveCustomerIds,
} from '../../../shared/identity/customer-id.js';
import { FakeIdentityMap } from './in-memory-ports.js';

describe('customer ids', () => {
  it('prefixes anonymous ids with anon:', () => {
    // Act + Assess
    expect(anonymousCustomerId('v-1')).toBe('anon:v-1');
  });

  it('tells anonymous customer ids from user ids', () => {
    // Act + Assess
    expect([isAnonymousCustomerId('anon:v-1'), isAnonymousCustomerId('v-1')]).toEqual([true, false]);
  });

  it('resolves users, linked anonymous ids and unlinked ones in order with one lookup', async () => {
    // Prepare
    const identity = new FakeIdentityMap(new Map([['a1', 'u7']]));

    // Act
    const ids = await resolveCustomerIds(identity, [
      { userId: 'u1', anonymousId: 'a9' },
      { anonymousId: 'a1' },
      { anonymousId: 'a2' },
    ]);

    // Assess
    expect(ids).toEqual(['u1', 'u7', 'anon:a2']);
    expect(identity.resolveCalls).toEqual([['a1', 'a2']]);
  });

  it('does not read the identity map when every call has a userId', async () => {
    // Prepare
    const identity = new FakeIdentityMap();

    // Act
    await resolveCustomerIds(identity, [{ userId: 'u1' }]);

    // Assess
    expect(identity.resolveCalls).toEqual([]);
  });
});
