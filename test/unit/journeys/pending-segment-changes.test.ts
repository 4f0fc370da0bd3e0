/** Segment changes recorded on the profile until the journey step has run (pending-segment-changes.ts). */
import { describe, expect, it } from 'vitest';
import { earlierPending, recordPending, withoutHandled } from '../../../shared/journeys/pending-segment-changes.js';
import { emptyProfile } from '../../../shared/profiles/schema.js';

const AT = '2026-03-02T08:00:00.000Z';
const LATER = '2026-03-02T09:00:00.000Z';
const change = (at: string, entered: string[] = ['carted']) => ({ customerId: 'u1', entered, exited: [], at });

describe('pending segment changes', () => {
  it('records a change next to the ones still pending', () => {
    // Prepare
    const profile = recordPending(emptyProfile('u1', AT), change(AT));
    // Act
    const next = recordPending(profile, change(LATER, ['viewers']));
    // Assess
    expect(next.pendingSegmentChanges).toEqual([
      { entered: ['carted'], exited: [], at: AT },
      { entered: ['viewers'], exited: [], at: LATER },
    ]);
  });

  it('lists the earlier changes without the one the current write made', () => {
    // Prepare
    const profile = recordPending(recordPending(emptyProfile('u1', AT), change(AT)), change(LATER));
    // Act
    const earlier = earlierPending(profile, change(LATER));
    // Assess
    expect(earlier).toEqual([{ entered: ['carted'], exited: [], at: AT }]);
  });

  it('clears the handled changes and drops the field when none is left', () => {
    // Prepare
    const profile = recordPending(emptyProfile('u1', AT), change(AT));
    // Act
    const cleared = withoutHandled(profile, profile.pendingSegmentChanges ?? []);
    // Assess
    expect(cleared).toBeDefined();
    expect(cleared && 'pendingSegmentChanges' in cleared).toBe(false);
  });

  it('keeps a change recorded after the journey phase started', () => {
    // Prepare
    const handled = recordPending(emptyProfile('u1', AT), change(AT)).pendingSegmentChanges ?? [];
    const stored = recordPending(recordPending(emptyProfile('u1', AT), change(AT)), change(LATER));
    // Act
    const cleared = withoutHandled(stored, handled);
    // Assess
    expect(cleared?.pendingSegmentChanges).toEqual([{ entered: ['carted'], exited: [], at: LATER }]);
  });

  it('asks for no write when nothing handled is still recorded', () => {
    expect(withoutHandled(emptyProfile('u1', AT), [{ entered: ['carted'], exited: [], at: AT }])).toBeUndefined();
  });
});
