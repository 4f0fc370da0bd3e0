/** Send pacing in process (local runs): a cursor per scope hands out slots `1 / perSecond` apart. */
import { describe, expect, it } from 'vitest';
import { mustWaitFor, nextPaceCursor } from '../../../shared/channels/pace.js';
import { InProcessSendRateLimiter } from '../../../shared/local/local-send-rate.js';

const at = (ms: number) => new Date(Date.UTC(2026, 10, 2, 12, 0, 0, ms));

describe('InProcessSendRateLimiter', () => {
  it('hands out now to an idle scope, then slots one interval apart, and starts from now again once idle', async () => {
    // Prepare
    const limiter = new InProcessSendRateLimiter();

    // Act
    const slots = [
      await limiter.reserve('journey:j', 2, at(0)),
      await limiter.reserve('journey:j', 2, at(100)),
      await limiter.reserve('journey:j', 2, at(200)),
      await limiter.reserve('journey:j', 2, at(5000)),
    ];

    // Assess
    expect(slots).toEqual([at(0), at(500), at(1000), at(5000)]);
    expect(await limiter.reserve('account:email', 2, at(150))).toEqual(at(150));
  });
});

describe('pacing', () => {
  it('sends a slot less than a second ahead at once and defers one a second or more ahead', () => {
    expect(mustWaitFor(at(999), at(0))).toBe(false);
    expect(mustWaitFor(at(1000), at(0))).toBe(true);
  });

  it('refuses a rate that is not a positive number, naming it', () => {
    expect(() => nextPaceCursor(undefined, 0, at(0))).toThrow(/messagesPerSecond must be a positive number, got 0/);
  });
});
