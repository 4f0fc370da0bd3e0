/**
 * A clock that moves only when told to: the demo plays a week in seconds and tests drive
 * visibility timeouts and waits deterministically. It may be set backwards (a test's choice).
 */
import type { Clock } from '../ports.js';

export class VirtualClock implements Clock {
  private epochMs: number;

  constructor(start: Date = new Date(0)) {
    this.epochMs = start.getTime();
  }

  now(): Date {
    return new Date(this.epochMs);
  }

  set(date: Date): void {
    if (Number.isNaN(date.getTime())) throw new Error('VirtualClock.set: the date is invalid');
    this.epochMs = date.getTime();
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0)
      throw new Error(`VirtualClock.advance: ms must be a finite number ≥ 0, got ${ms}`);
    this.epochMs += ms;
  }
}
