import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../shared/local/virtual-clock.js';

describe('VirtualClock', () => {
  it('stays at its start time until advanced', () => {
    // Prepare
    const clock = new VirtualClock(new Date('2026-11-02T10:00:00Z'));

    // Act
    clock.advance(90_000);

    // Assess
    expect(clock.now().toISOString()).toBe('2026-11-02T10:01:30.000Z');
  });

  it('jumps to the time it is set to', () => {
    // Prepare
    const clock = new VirtualClock(new Date('2026-11-02T10:00:00Z'));

    // Act
    clock.set(new Date('2027-01-01T00:00:00Z'));

    // Assess
    expect(clock.now().toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('hands out copies, so a caller cannot move the clock by mutating a date', () => {
    // Prepare
    const clock = new VirtualClock(new Date('2026-11-02T10:00:00Z'));

    // Act
    clock.now().setUTCFullYear(2030);

    // Assess
    expect(clock.now().getUTCFullYear()).toBe(2026);
  });

  it('refuses to advance by a negative duration', () => {
    // Prepare
    const clock = new VirtualClock();

    // Act
    const rewind = (): void => clock.advance(-1);

    // Assess
    expect(rewind).toThrow(/ms must be a finite number ≥ 0/);
  });
});
