/** SendRateLimiter in process (local runs have one send worker): a cursor per scope, as the table keeps it in AWS. */
import type { RateScope, SendRateLimiter } from '../channels/ports.js';
import { nextPaceCursor } from '../channels/pace.js';

export class InProcessSendRateLimiter implements SendRateLimiter {
  private readonly cursors = new Map<RateScope, number>();

  async reserve(scope: RateScope, perSecond: number, now: Date, count = 1): Promise<Date> {
    const { slot, next } = nextPaceCursor(this.cursors.get(scope), perSecond, now, count);
    this.cursors.set(scope, next);
    return new Date(slot);
  }
}
