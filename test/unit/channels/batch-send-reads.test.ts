import { describe, expect, it, vi } from 'vitest';
import { readSendsAhead } from '../../../shared/channels/batch-send-reads.js';
import { consentingProfile, sendHarness, sendRequest } from './send-harness.js';

/** The harness's stores, with the reads that reach them counted. */
function countingStores() {
  const h = sendHarness({ profile: null });
  const calls = {
    getProfile: vi.spyOn(h.profiles, 'getProfile'),
    getProfiles: vi.spyOn(h.profiles, 'getProfiles'),
    find: vi.spyOn(h.ledger, 'find'),
    findEntries: vi.spyOn(h.ledger, 'findEntries'),
  };
  const reads = () => Object.fromEntries(Object.entries(calls).map(([name, spy]) => [name, spy.mock.calls.length]));
  return { h, deps: { profiles: h.profiles, ledger: h.ledger }, reads };
}

describe('readSendsAhead', () => {
  it('reads a batch’s profiles and ledger entries in one call each and serves each decision its own', async () => {
    // Prepare
    const { h, deps, reads } = countingStores();
    for (const id of ['a', 'b']) h.profiles.items.set(id, consentingProfile(id));
    const requests = ['a', 'b', 'c'].map((customerId) =>
      sendRequest({ customerId, runId: customerId, messageId: customerId.repeat(64) }),
    );
    await h.ledger.claim({ ...requests[1]!, channel: 'email', claimedAt: '2026-11-02T09:00:00.000Z' });

    // Act
    const batch = await readSendsAhead(deps, requests);
    const profiles = await Promise.all(['a', 'b', 'c'].map((id) => batch.profiles.getProfile(id)));
    const entries = await Promise.all(
      requests.map((request) => batch.ledger.find(request.customerId, request.messageId)),
    );

    // Assess
    expect(profiles.map((profile) => profile?.id)).toEqual(['a', 'b', undefined]);
    expect(entries.map((entry) => entry?.status)).toEqual([undefined, 'claimed', undefined]);
    expect(reads()).toEqual({ getProfile: 0, getProfiles: 1, find: 0, findEntries: 1 });
  });

  it('serves each value once: the same message again in the batch reads the ledger as it is now', async () => {
    // Prepare
    const { h, deps, reads } = countingStores();
    const request = sendRequest();
    const batch = await readSendsAhead(deps, [request, request]);
    await batch.ledger.find(request.customerId, request.messageId);
    await h.ledger.claim({ ...request, channel: 'email', claimedAt: '2026-11-02T09:00:00.000Z' });

    // Act
    const again = await batch.ledger.find(request.customerId, request.messageId);

    // Assess
    expect(again?.status).toBe('claimed');
    expect(reads().find).toBe(1);
  });

  it('leaves each decision to read its own when the read ahead fails, and reads nothing ahead for one request', async () => {
    // Prepare
    const { h, deps, reads } = countingStores();
    h.profiles.items.set('a', consentingProfile('a'));
    vi.spyOn(h.profiles, 'getProfiles').mockRejectedValue(new Error('throttled'));
    const requests = [sendRequest({ customerId: 'a' }), sendRequest({ customerId: 'b', messageId: 'b'.repeat(64) })];

    // Act
    const batch = await readSendsAhead(deps, requests);
    const profile = await batch.profiles.getProfile('a');
    const single = await readSendsAhead(deps, [requests[0]]);

    // Assess
    expect(profile?.id).toBe('a');
    expect(reads().getProfile).toBe(1);
    expect(single).toBe(deps);
  });
});
