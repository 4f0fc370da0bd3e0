/**
 * Wall and CPU time per demo phase (`sadakat demo --timings`). The live week interleaves ingest,
 * queue drains, journeys, sends and feedback hour by hour, so time is summed per phase, not per
 * span; nested phases are excluded from their parent, so the figures add up to the whole run. Calls
 * to `time` nest but never overlap (the demo awaits each step). CPU time is the process's (every
 * thread: the dynalite engine's worker included), so on a shared machine it says what a phase
 * costs where wall time says how long it waited.
 */
export type DemoPhase =
  | 'startup'
  | 'history'
  | 'refresh'
  | 'ingest'
  | 'process-events'
  | 'expiry'
  | 'journeys'
  | 'sends'
  | 'feedback'
  | 'report';

export type PhaseTimings = Partial<Record<DemoPhase, number>>;

interface Frame {
  phase: DemoPhase;
  started: number;
  cpuStarted: number;
  nested: number;
  cpuNested: number;
}

export class PhaseTimer {
  private readonly totals: PhaseTimings = {};
  private readonly cpuTotals: PhaseTimings = {};
  private readonly stack: Frame[] = [];

  /** Runs `work`, adding its wall and CPU time (less that of phases timed inside it) to `phase`. */
  async time<T>(phase: DemoPhase, work: () => Promise<T>): Promise<T> {
    const frame: Frame = { phase, started: performance.now(), cpuStarted: cpuMs(), nested: 0, cpuNested: 0 };
    this.stack.push(frame);
    try {
      return await work();
    } finally {
      this.stack.pop();
      const elapsed = performance.now() - frame.started;
      const cpu = cpuMs() - frame.cpuStarted;
      this.totals[phase] = (this.totals[phase] ?? 0) + elapsed - frame.nested;
      this.cpuTotals[phase] = (this.cpuTotals[phase] ?? 0) + cpu - frame.cpuNested;
      const parent = this.stack[this.stack.length - 1];
      if (parent) {
        parent.nested += elapsed;
        parent.cpuNested += cpu;
      }
    }
  }

  /** Wall milliseconds per phase, in the order the phases first ran. */
  timings(): PhaseTimings {
    return { ...this.totals };
  }

  /** CPU milliseconds (user + system, all threads) per phase, in the order the phases first ran. */
  cpuTimings(): PhaseTimings {
    return { ...this.cpuTotals };
  }
}

/** The process's CPU time so far (user + system), in milliseconds. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
