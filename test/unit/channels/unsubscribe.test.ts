import { describe, expect, it } from 'vitest';
import { handleUnsubscribe } from '../../../shared/channels/unsubscribe.js';
import { signUnsubscribeToken } from '../../../shared/channels/unsubscribe-token.js';
import { VirtualClock } from '../../../shared/local/virtual-clock.js';
import { InMemoryProfileStore } from '../../fakes/in-memory-ports.js';
import { InMemorySuppressionList, RecordingEventQueue } from '../../fakes/in-memory-channels.js';
import { consentingProfile, KEYRING, NOON } from './send-harness.js';

function unsubscribe() {
  const profiles = new InMemoryProfileStore();
  profiles.items.set('c1', consentingProfile());
  return {
    profiles,
    events: new RecordingEventQueue(),
    suppression: new InMemorySuppressionList(),
    keyring: KEYRING,
    clock: new VirtualClock(NOON),
    senderName: 'Demo <Shop>',
  };
}

describe('handleUnsubscribe', () => {
  it('shows a confirmation page on GET and changes nothing (mail scanners follow links)', async () => {
    const deps = unsubscribe();
    const result = await handleUnsubscribe(deps, {
      method: 'GET',
      token: signUnsubscribeToken(KEYRING, 'c1', 'email'),
    });
    expect(result.statusCode).toBe(200);
    expect(result.html).toContain('<form method="post">');
    expect(result.html).toContain('Demo &#60;Shop&#62;');
    expect(deps.profiles.items.get('c1')?.consent.email?.granted).toBe(true);
  });

  it('revokes the channel’s consent at once on POST, then enqueues the consent message', async () => {
    const deps = unsubscribe();
    const result = await handleUnsubscribe(deps, { method: 'POST', token: signUnsubscribeToken(KEYRING, 'c1', 'sms') });
    expect(result.statusCode).toBe(200);
    expect(deps.profiles.items.get('c1')?.consent.sms).toEqual({ granted: false, at: NOON.toISOString() });
    expect(deps.profiles.items.get('c1')?.consent.email?.granted).toBe(true);
    expect(deps.events.messages).toEqual([
      {
        kind: 'consent',
        customerId: 'c1',
        channel: 'sms',
        granted: false,
        source: 'unsubscribe',
        at: NOON.toISOString(),
      },
    ]);
  });

  it('suppresses the address on POST, so no other profile carrying it is messaged; never on GET', async () => {
    const deps = unsubscribe();
    const token = signUnsubscribeToken(KEYRING, 'c1', 'email');
    await handleUnsubscribe(deps, { method: 'GET', token });
    expect(await deps.suppression.find('ayse@example.com')).toBeUndefined();
    await handleUnsubscribe(deps, { method: 'POST', token });
    expect(await deps.suppression.find('AYSE@example.com')).toEqual({ reason: 'unsubscribe', at: NOON.toISOString() });
  });

  it('wins over a grant stored with a future date (an unsubscribe outweighs "2099")', async () => {
    const deps = unsubscribe();
    const profile = consentingProfile();
    profile.consent.email = { granted: true, at: '2099-01-01T00:00:00.000Z' };
    deps.profiles.items.set('c1', profile);
    await handleUnsubscribe(deps, { method: 'POST', token: signUnsubscribeToken(KEYRING, 'c1', 'email') });
    expect(deps.profiles.items.get('c1')?.consent.email).toEqual({ granted: false, at: NOON.toISOString() });
  });

  it('answers 403 to a forged token and changes nothing', async () => {
    const deps = unsubscribe();
    const token = signUnsubscribeToken(
      { current: 'k1', keys: { k1: 'an-attackers-secret-0123456789abcdef' } },
      'c1',
      'email',
    );
    const result = await handleUnsubscribe(deps, { method: 'POST', token });
    expect(result.statusCode).toBe(403);
    expect(deps.profiles.items.get('c1')?.version).toBe(0);
    expect(deps.events.messages).toEqual([]);
  });

  it('is idempotent: a second click changes nothing more', async () => {
    const deps = unsubscribe();
    const token = signUnsubscribeToken(KEYRING, 'c1', 'email');
    await handleUnsubscribe(deps, { method: 'POST', token });
    await handleUnsubscribe(deps, { method: 'POST', token });
    expect(deps.profiles.items.get('c1')?.version).toBe(1);
  });
});
