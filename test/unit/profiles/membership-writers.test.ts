/**
 * Profile writers outside process-events and the audience index (issue 20): a membership item is
 * keyed by what membershipsOf reads — the profile's segments, its time zone, whether it is merged.
 * Confirm, unsubscribe, complaints and bounces write the profile without the membership store, so
 * they must never change those; they enqueue a message whose process-events write re-evaluates
 * segments through the store. (The writers that do change them — history import, the local
 * refresh, the Pinpoint load — are in test/reliability/audience-index.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { withConfirmed } from '../../../shared/channels/confirm/confirm-page.js';
import { applyRevocation } from '../../../shared/channels/revoke.js';
import { membershipsOf } from '../../../shared/journeys/audiences.js';
import { mergeImported } from '../../../shared/migration/pinpoint/load-profiles.js';
import { emptyProfile, type Profile } from '../../../shared/profiles/schema.js';
import { InMemoryProfileStore } from '../../fakes/in-memory-ports.js';

const AT = '2026-03-01T00:00:00.000Z';
const LATER = '2026-03-02T00:00:00.000Z';
const AUDIENCES = ['churn_risk', 'vip'];

function member(id: string): Profile {
  return {
    ...emptyProfile(id, AT),
    timezone: 'Asia/Tokyo',
    segments: { churn_risk: { enteredAt: AT } },
    channels: { email: 'a@example.com', push: [] },
    consent: { email: { granted: true, at: AT } },
    pending: { email: { address: 'b@example.com', at: AT } },
  };
}

/** What the membership items of a profile are keyed by. */
function keyedBy(profile: Profile | undefined) {
  return { memberships: membershipsOf(profile, AUDIENCES), segments: profile?.segments, timezone: profile?.timezone };
}

describe('profile writers outside process-events leave audience memberships as they are', () => {
  it('confirm, unsubscribe, complaint and bounce change neither segments nor time zone', async () => {
    // Prepare
    const store = new InMemoryProfileStore();
    await store.putProfile(member('c1'), undefined);
    const before = keyedBy(await store.getProfile('c1'));

    // Act
    const confirmed = withConfirmed(member('c1'), 'b@example.com', LATER);
    const unsubscribed = await applyRevocation(store, 'c1', { consent: 'email', at: LATER });
    const bounced = await applyRevocation(store, 'c1', { suppress: 'email', at: LATER });
    const complained = await applyRevocation(store, 'c1', { consent: 'sms', suppress: 'sms', at: LATER });

    // Assess
    expect([unsubscribed, bounced, complained]).toEqual(['applied', 'applied', 'applied']);
    expect(keyedBy(confirmed)).toEqual(before);
    expect(keyedBy(await store.getProfile('c1'))).toEqual(before);
    expect(before.memberships).toEqual(new Map([['churn_risk', 'Asia/Tokyo']]));
  });

  it('the Pinpoint merge never changes segments, and a time zone only where the profile had none', () => {
    // Prepare
    const imported = {
      ...emptyProfile('c1', LATER),
      timezone: 'Europe/Istanbul',
      segments: { vip: { enteredAt: LATER } },
    };
    const zoned = member('c1');
    const { timezone: _zone, ...zoneless } = member('c1');

    // Act
    const kept = mergeImported(zoned, imported);
    const filled = mergeImported(zoneless, imported);

    // Assess
    expect(keyedBy(kept)).toEqual(keyedBy(zoned));
    expect(filled.segments).toEqual(zoneless.segments);
    // The one change the load makes to a membership: its bucket (moved by loadProfiles, see audience-index.test.ts).
    expect(membershipsOf(filled, AUDIENCES)).toEqual(new Map([['churn_risk', 'Europe/Istanbul']]));
  });
});
