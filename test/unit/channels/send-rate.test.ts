/** messagesPerSecond budgets in process (local runs). */
import { describe, expect, it } from 'vitest';
import { InProcessSendRateLimiter } from '../../../shared/local/local-send-rate.js';

const at = (ms: number) => new Date(Date.UTC(2026, 10, 2, 12, 0, 0, ms));

describe('InProcessSendRateLimiter', () => {
  it('allows the limit within one second, refuses past it, and starts over the next second', async () => {
    // Prepare
    const limiter = new InProcessSendRateLimiter();

    // Act
    const taken = [
      await limiter.take('j', 2, at(0)),
      await limiter.take('j', 2, at(400)),
      await limiter.take('j', 2, at(900)),
      await limiter.take('j', 2, at(1000)),
    ];

    // Assess
    expect(taken).toEqual([true, true, false, true]);
    expect(await limiter.take('other', 2, at(950))).toBe(true);
  });
});
