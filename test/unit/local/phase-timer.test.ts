import { describe, expect, it, vi } from 'vitest';
import { PhaseTimer } from '../../../shared/local/demo/phase-timer.js';

describe('PhaseTimer', () => {
  it('sums repeated phases and leaves a nested phase out of its parent', async () => {
    // Prepare: a fake performance clock that the work advances.
    let now = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const timer = new PhaseTimer();

    // Act
    await timer.time('process-events', async () => {
      now += 10;
    });
    await timer.time('journeys', async () => {
      now += 5;
      await timer.time('process-events', async () => {
        now += 7;
      });
      now += 1;
    });
    vi.restoreAllMocks();

    // Assess
    expect(timer.timings()).toEqual({ 'process-events': 17, journeys: 6 });
  });

  it('counts the time of work that throws', async () => {
    // Prepare
    let now = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const timer = new PhaseTimer();

    // Act
    const failed = timer.time('sends', async () => {
      now += 3;
      throw new Error('send failed');
    });
    await expect(failed).rejects.toThrow('send failed');
    vi.restoreAllMocks();

    // Assess
    expect(timer.timings()).toEqual({ sends: 3 });
  });
});
