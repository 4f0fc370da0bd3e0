/**
 * One customer's walk through one journey: the `J#<journeyId>#<runId>` item (DESIGN "Data
 * model"). Only process-events writes it, always conditional on `version`.
 */
import * as z from 'zod';
import { callOutcomeSchema } from '../events/call-completed.js';

export const runStatusSchema = z.enum(['active', 'waiting', 'completed', 'exited']);
export type RunStatus = z.infer<typeof runStatusSchema>;

export const journeyRunSchema = z.object({
  journeyId: z.string(),
  runId: z.string(),
  customerId: z.string(),
  status: runStatusSchema,
  /** The step the run waits at (or last ran); undefined before the first step. */
  stepId: z.string().optional(),
  /** When a waiting run is due (ISO): journey-tick finds it by its wake at this time. */
  wakeAt: z.string().optional(),
  /**
   * The wake the table adapter wrote for this wait (decision 290): a later write of the run that
   * still waits for the same time as the same customer writes no second wake. Absent on runs
   * written before 290 and in memory.
   */
  wakeScheduled: z.object({ customerId: z.string(), wakeAt: z.string() }).optional(),
  /** How many times the run reached each step (loops revisit; part of the send message id). */
  visits: z.record(z.string(), z.number().int().nonnegative()),
  experiment: z.string().optional(),
  variant: z.string().optional(),
  /** Global holdout: walks the steps, every send skipped and recorded as `holdout`. */
  holdout: z.boolean(),
  /** The variant is a control (`holdout: true` in the split): sends skipped from the split on. */
  controlVariant: z.boolean().optional(),
  enteredAt: z.string(),
  /** The customer's loyalty tier at entry (settings.yaml tiers); absent: none. The report's conversion by tier reads it. */
  tier: z.string().optional(),
  /** First send (or skipped holdout send) of the run. */
  exposedAt: z.string().optional(),
  /** Message of each send step's latest visit, for engagement branches. */
  sent: z.record(z.string(), z.object({ messageId: z.string(), at: z.string() })),
  /** Engagement per send step (clicked implies opened); for a call step, when the agent's outcome came and what it was. */
  engaged: z.record(
    z.string(),
    z.object({
      opened: z.string().optional(),
      clicked: z.string().optional(),
      called: z.string().optional(),
      outcome: callOutcomeSchema.optional(),
    }),
  ),
  /** First goal within the goal window from entry (the holdout comparison's window). */
  convertedAt: z.string().optional(),
  /** When this run assigned the customer a variant at a split (fresh assignments only). */
  assignedAt: z.string().optional(),
  /**
   * First goal after `assignedAt`, within the window from it — kept only when `convertedAt` came
   * before the split, so a goal before the split does not hide the arm's (docs/decisions.md 85).
   */
  convertedAfterSplitAt: z.string().optional(),
  endedAt: z.string().optional(),
  exitReason: z.string().optional(),
  updatedAt: z.string(),
  version: z.number().int().nonnegative(),
});
export type JourneyRun = z.infer<typeof journeyRunSchema>;

export function isLive(run: JourneyRun): boolean {
  return run.status === 'active' || run.status === 'waiting';
}

export function newRun(journeyId: string, runId: string, customerId: string, holdout: boolean, at: string): JourneyRun {
  return {
    journeyId,
    runId,
    customerId,
    status: 'active',
    visits: {},
    holdout,
    enteredAt: at,
    sent: {},
    engaged: {},
    updatedAt: at,
    version: 0,
  };
}

/**
 * Ends a run from outside its journey (the journey was removed from the campaign, the customer
 * was merged away or deleted): without this its wake would stay due and come back every tick.
 */
/**
 * The exit reason of an anonymous visitor's run moved to the customer at login (journey-phase.ts
 * `handOverRunOf`): the customer's copy carries on, so the anonymous run is no entry of its own.
 */
export const HANDED_OVER_AT_LOGIN = 'handed over to the customer at login';

export function abandonRun(run: JourneyRun, reason: string, at: string): JourneyRun {
  const { wakeAt: _wakeAt, ...rest } = run;
  return { ...rest, status: 'exited', exitReason: reason, endedAt: at, updatedAt: at };
}
