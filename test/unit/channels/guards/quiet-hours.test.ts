import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { nextAllowedTime } from '../../../../shared/channels/guards/quiet-hours.js';

const NIGHT = { start: '21:00', end: '09:00' };

describe('nextAllowedTime', () => {
  it('allows a send outside the window', () => {
    expect(nextAllowedTime(new Date('2026-11-02T12:00:00Z'), NIGHT, 'Europe/Istanbul', 'UTC')).toBeUndefined();
  });

  it('defers an evening send to the next morning in the customer’s timezone', () => {
    expect(nextAllowedTime(new Date('2026-11-02T19:30:00Z'), NIGHT, 'Europe/Istanbul', 'UTC')?.toISOString()).toBe(
      '2026-11-03T06:00:00.000Z',
    );
  });

  it('defers an early-morning send to the same morning', () => {
    expect(nextAllowedTime(new Date('2026-11-03T02:00:00Z'), NIGHT, 'Europe/Istanbul', 'UTC')?.toISOString()).toBe(
      '2026-11-03T06:00:00.000Z',
    );
  });

  it('uses the default timezone when the profile has none or an invalid one', () => {
    const at = new Date('2026-11-02T19:30:00Z');
    expect(nextAllowedTime(at, NIGHT, undefined, 'Europe/Istanbul')?.toISOString()).toBe('2026-11-03T06:00:00.000Z');
    expect(nextAllowedTime(at, NIGHT, 'Mars/Olympus', 'Europe/Istanbul')?.toISOString()).toBe(
      '2026-11-03T06:00:00.000Z',
    );
  });

  it('handles a window that does not wrap midnight', () => {
    expect(
      nextAllowedTime(new Date('2026-11-02T13:00:00Z'), { start: '12:00', end: '14:00' }, 'UTC', 'UTC')?.toISOString(),
    ).toBe('2026-11-02T14:00:00.000Z');
  });

  it('lands on 09:00 local across a daylight-saving change', () => {
    // New York falls back on 2026-11-01 at 02:00: the night before ends at 09:00 EST (14:00Z), not EDT.
    expect(nextAllowedTime(new Date('2026-11-01T03:00:00Z'), NIGHT, 'America/New_York', 'UTC')?.toISOString()).toBe(
      '2026-11-01T14:00:00.000Z',
    );
  });

  it('never answers a time in the past or inside the window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }),
        fc.constantFrom('Europe/Istanbul', 'America/New_York', 'Asia/Kolkata', 'UTC'),
        (ms, zone) => {
          const now = new Date(ms);
          const allowed = nextAllowedTime(now, NIGHT, zone, 'UTC');
          if (!allowed) return;
          expect(allowed.getTime()).toBeGreaterThan(now.getTime());
          expect(nextAllowedTime(allowed, NIGHT, zone, 'UTC')).toBeUndefined();
        },
      ),
    );
  });
});
