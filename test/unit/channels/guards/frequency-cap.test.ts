import { describe, expect, it } from 'vitest';
import {
  capScopes,
  checkFrequencyCaps,
  utcDayNumber,
  type CapCheck,
} from '../../../../shared/channels/guards/frequency-cap.js';
import { InMemoryCapCounters } from '../../../fakes/in-memory-channels.js';

const NOW = new Date('2026-11-10T12:00:00Z');
const TODAY = utcDayNumber(NOW);

function check(overrides: Partial<CapCheck> = {}): CapCheck {
  return {
    customerId: 'c1',
    channel: 'sms',
    journeyId: 'j1',
    transactional: false,
    now: NOW,
    caps: { sms: { perDay: 1, perWeek: 2 }, all: { perWeek: 4 } },
    ...overrides,
  };
}

describe('checkFrequencyCaps', () => {
  it('passes below every cap', async () => {
    expect(await checkFrequencyCaps(new InMemoryCapCounters(), check())).toEqual({ ok: true });
  });

  it('sums the rolling week: today and the six days before', async () => {
    const counters = new InMemoryCapCounters();
    counters.set('c1', 'sms', TODAY - 6, 1);
    counters.set('c1', 'sms', TODAY - 1, 1);
    expect(await checkFrequencyCaps(counters, check())).toEqual({
      ok: false,
      reason: 'frequency_cap',
      detail: 'sms perWeek 2',
    });
  });

  it('forgets sends older than seven days', async () => {
    const counters = new InMemoryCapCounters();
    counters.set('c1', 'sms', TODAY - 7, 1);
    counters.set('c1', 'sms', TODAY - 1, 1);
    expect(await checkFrequencyCaps(counters, check())).toEqual({ ok: true });
  });

  it('caps across channels with the `all` counter', async () => {
    const counters = new InMemoryCapCounters();
    counters.set('c1', 'all', TODAY - 2, 4);
    expect(await checkFrequencyCaps(counters, check())).toMatchObject({ ok: false, detail: 'all perWeek 4' });
  });

  it('ignores another customer’s counters', async () => {
    const counters = new InMemoryCapCounters();
    counters.set('c2', 'sms', TODAY, 9);
    expect(await checkFrequencyCaps(counters, check())).toEqual({ ok: true });
  });

  it('names no counters for transactional messages', () => {
    expect(capScopes({ channel: 'email', journeyId: 'j1', transactional: true })).toEqual([]);
    expect(
      capScopes({ channel: 'email', journeyId: 'j1', transactional: false, journeyLimits: { perDay: 1 } }),
    ).toEqual(['email', 'all', 'journey:j1']);
  });
});
