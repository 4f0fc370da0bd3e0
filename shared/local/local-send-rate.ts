/** SendRateLimiter in process (local runs have one send worker): fixed one-second windows per journey. */
import type { SendRateLimiter } from '../channels/ports.js';

export class InProcessSendRateLimiter implements SendRateLimiter {
  private readonly taken = new Map<string, { second: number; count: number }>();

  async take(journeyId: string, perSecond: number, now: Date): Promise<boolean> {
    const second = Math.floor(now.getTime() / 1000);
    const window = this.taken.get(journeyId);
    const count = window?.second === second ? window.count : 0;
    if (count >= Math.max(1, Math.floor(perSecond))) return false;
    this.taken.set(journeyId, { second, count: count + 1 });
    return true;
  }
}
