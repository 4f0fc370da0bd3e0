/**
 * Sends paced at enqueue (issue 20): 10,000 sends of a journey limited to 100 per second on the
 * virtual clock (test/reliability/paced-burst.ts), paced as process-events queues them now beside
 * the same burst paced by the send function (try, then defer), as before. The figures are what
 * each costs in AWS terms: send decisions (each a sends-queue message and the decision's reads),
 * deferral writes and cursor writes; the virtual time to the last decision; and the wall time.
 */
import { pacedBurst, type BurstOutcome } from '../test/reliability/paced-burst.js';
import type { BenchRow } from './bench-row.js';

export const TITLE =
  'sends paced at enqueue vs in the send function (10,000 sends, journey limit 100/s, virtual clock)';

export async function run(options: { sends?: number; perSecond?: number } = {}): Promise<BenchRow[]> {
  const sends = options.sends ?? 10_000;
  const perSecond = options.perSecond ?? 100;
  const timed = async (atEnqueue: boolean): Promise<BurstOutcome & { wallMs: number }> => {
    const started = performance.now();
    const outcome = await pacedBurst({ sends, perSecond, atEnqueue });
    if (outcome.deadLettered > 0 || outcome.queueLeft > 0 || outcome.deferredLeft > 0)
      throw new Error(`pacing bench: not every send ended (${JSON.stringify(outcome)})`);
    return { ...outcome, wallMs: performance.now() - started };
  };
  const ours = await timed(true);
  const peer = await timed(false);
  const fullMinutes = (outcome: BurstOutcome) => outcome.perMinute.slice(0, -1);
  const worstMinute = (outcome: BurstOutcome) =>
    Math.max(0, ...fullMinutes(outcome).map((count) => Math.abs(count / (perSecond * 60) - 1) * 100));
  const row = (name: string, unit: string, pick: (outcome: BurstOutcome & { wallMs: number }) => number): BenchRow => {
    const value = pick(ours);
    const other = pick(peer);
    return {
      name,
      value,
      unit,
      peerName: 'paced in the send function',
      peer: other,
      ...(other > 0 ? { ratio: value / other } : {}),
    };
  };
  return [
    row('send decisions (queue messages + reads)', 'decisions', (o) => o.decided),
    row('deferral writes', 'writes', (o) => o.deferWrites),
    row('rate cursor writes', 'writes', (o) => o.cursorWrites),
    row('virtual seconds to the last decision', 's', (o) => o.lastDecisionMs / 1000),
    row('worst full minute off the rate (%)', '%', worstMinute),
    row('busiest second (emails)', 'emails', (o) => o.busiestSecond),
    row('wall time (ms)', 'ms', (o) => o.wallMs),
  ];
}
