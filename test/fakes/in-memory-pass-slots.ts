/** PassSlots in memory, with the table adapter's meaning: the first claim of a (pass, slot) wins. */
import type { PassSlots } from '../../shared/ports.js';

export class InMemoryPassSlots implements PassSlots {
  readonly claimed = new Set<string>();

  async claim(pass: string, scheduledTime: string): Promise<boolean> {
    const key = `${pass}\n${scheduledTime}`;
    if (this.claimed.has(key)) return false;
    this.claimed.add(key);
    return true;
  }
}
