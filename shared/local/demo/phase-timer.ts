/**
 * Wall time per demo phase (`sadakat demo --timings`). The live week interleaves ingest, queue
 * drains, journeys, sends and feedback hour by hour, so time is summed per phase, not per span;
 * nested phases are excluded from their parent, so the figures add up to the whole run. Calls to
 * `time` nest but never overlap (the demo awaits each step).
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

export class PhaseTimer {
  private readonly totals: PhaseTimings = {};
  private readonly stack: { phase: DemoPhase; started: number; nested: number }[] = [];

  /** Runs `work`, adding its wall time (less that of phases timed inside it) to `phase`. */
  async time<T>(phase: DemoPhase, work: () => Promise<T>): Promise<T> {
    const frame = { phase, started: performance.now(), nested: 0 };
    this.stack.push(frame);
    try {
      return await work();
    } finally {
      this.stack.pop();
      const elapsed = performance.now() - frame.started;
      this.totals[phase] = (this.totals[phase] ?? 0) + elapsed - frame.nested;
      const parent = this.stack[this.stack.length - 1];
      if (parent) parent.nested += elapsed;
    }
  }

  /** Milliseconds per phase, in the order the phases first ran. */
  timings(): PhaseTimings {
    return { ...this.totals };
  }
}
