/**
 * Write capacity per processed message, by event type: the demo's and the bench's view of what a
 * profile costs (DESIGN budget: 1 WCU for a ≤ 1 KB profile write; orders 2 more for O#).
 */
import { roundTo } from '../../rounding.js';

export interface CapacityFigure {
  messages: number;
  mean: number;
  p99: number;
  max: number;
}

/** Per event type a figure; `perAcceptedEvent` is every process-events write (WCU) ÷ accepted events. */
export interface WriteCapacity {
  perAcceptedEvent: number;
  [type: string]: CapacityFigure | number;
}

/** The per-type figures of `writeCapacity`, without `perAcceptedEvent`. */
export function capacityByType(capacity: WriteCapacity): [string, CapacityFigure][] {
  return Object.entries(capacity).flatMap(([name, figure]) => (typeof figure === 'number' ? [] : [[name, figure]]));
}

export class CapacityStats {
  private readonly samples = new Map<string, number[]>();

  record(type: string, capacityUnits: number): void {
    const list = this.samples.get(type);
    if (list) list.push(capacityUnits);
    else this.samples.set(type, [capacityUnits]);
  }

  summary(): Record<string, CapacityFigure> {
    const result: Record<string, CapacityFigure> = {};
    for (const type of [...this.samples.keys()].sort()) {
      const values = [...(this.samples.get(type) ?? [])].sort((a, b) => a - b);
      const total = values.reduce((sum, value) => sum + value, 0);
      result[type] = {
        messages: values.length,
        mean: roundTo(total / values.length, 3),
        p99: nearestRank(values, 0.99),
        max: values[values.length - 1] ?? 0,
      };
    }
    return result;
  }
}

/** Profile item sizes in bytes: a profile over 1,024 bytes costs two write units on every write (issue 19). */
export interface SizeFigure {
  profiles: number;
  p50: number;
  p99: number;
  max: number;
}

export function sizeFigure(sizes: readonly number[]): SizeFigure {
  const sorted = [...sizes].sort((a, b) => a - b);
  return {
    profiles: sorted.length,
    p50: nearestRank(sorted, 0.5),
    p99: nearestRank(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? 0,
  };
}

/** The smallest value with at least share `p` of the sorted values at or below it (0 for none). */
function nearestRank(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)] ?? 0;
}
