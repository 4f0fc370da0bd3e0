/**
 * What a change to a customer means for their journeys (pure): which journeys start a run
 * (trigger, entry segment, re-entry policy, global holdout), which runs exit or reach their
 * goal, and which run a wake or an engagement moves on. process-events and `sadakat simulate`
 * both call this, then carry out the effects.
 */
import { createHash } from 'node:crypto';
import { callCompletedOf, type CallOutcome } from '../events/call-completed.js';
import type { NormalizedEvent } from '../events/event.js';
import { isInGlobalHoldout } from '../experiments/global-holdout.js';
import type { Profile } from '../profiles/schema.js';
import type { CompiledSegments } from '../segments/evaluate.js';
import { advance, type Advanced, type RunTrigger } from './advance.js';
import type { Journey } from './ast.js';
import { matchesEvent } from './event-match.js';
import { abandonRun, isLive, newRun, type JourneyRun } from './run.js';

export type JourneySignal =
  | { kind: 'event'; event: NormalizedEvent }
  | { kind: 'segments'; entered: readonly string[]; exited: readonly string[]; at: string }
  /** A scheduled journey's slot came for this audience member (`slot`: the scheduled instant). */
  | { kind: 'schedule'; journeyId: string; slot: string }
  | { kind: 'wake'; journeyId: string; runId: string; dueAt: string }
  | {
      kind: 'engagement';
      journeyId: string;
      runId: string;
      stepId: string;
      type: Extract<RunTrigger, { kind: 'engagement' }>['type'];
      at: string;
      /** `called` (call-feedback): the agent's outcome. */
      outcome?: CallOutcome;
    };

export interface JourneyEngineContext {
  journeys: readonly Journey[];
  profile: Profile;
  /** Every run of this customer (live and finished: re-entry needs the finished ones). */
  runs: readonly JourneyRun[];
  now: Date;
  segments?: CompiledSegments;
  defaultTimezone: string;
  holdoutPercent: number;
  /** `settings.spreadMinutes` (time-of-day waits); absent: no spread. */
  spreadMinutes?: number;
}

export interface RunChange extends Advanced {
  /** The run as stored before (undefined: a new run, written only if absent). */
  before: JourneyRun | undefined;
}

export function applySignal(context: JourneyEngineContext, signal: JourneySignal): RunChange[] {
  const changes: RunChange[] = [];
  const current = new Map(context.runs.map((run) => [`${run.journeyId}#${run.runId}`, run]));
  const step = (before: JourneyRun | undefined, run: JourneyRun, trigger: RunTrigger, journey: Journey): void => {
    const advanced = advance(run, trigger, {
      journey,
      profile: context.profile,
      now: context.now,
      defaultTimezone: context.defaultTimezone,
      ...(context.spreadMinutes ? { spreadMinutes: context.spreadMinutes } : {}),
      ...(context.segments ? { segments: context.segments } : {}),
    });
    if (advanced.run === run && advanced.effects.length === 0) return;
    current.set(`${run.journeyId}#${run.runId}`, advanced.run);
    const previous = changes.findIndex(
      (change) => change.run.journeyId === run.journeyId && change.run.runId === run.runId,
    );
    if (previous >= 0) {
      const earlier = changes[previous] as RunChange;
      changes[previous] = {
        before: earlier.before,
        run: advanced.run,
        effects: [...earlier.effects, ...advanced.effects],
      };
    } else {
      changes.push({ before, ...advanced });
    }
  };
  const byId = new Map(context.journeys.map((journey) => [journey.id, journey]));

  switch (signal.kind) {
    case 'wake':
    case 'engagement': {
      const journey = byId.get(signal.journeyId);
      const run = current.get(`${signal.journeyId}#${signal.runId}`);
      if (!run) return [];
      if (!journey) {
        if (!isLive(run)) return [];
        const at = context.now.toISOString();
        return [
          {
            before: run,
            run: abandonRun(run, 'journey no longer in the campaign', at),
            effects: [{ kind: 'end', status: 'exited', reason: 'journey no longer in the campaign', at }],
          },
        ];
      }
      const trigger: RunTrigger =
        signal.kind === 'wake'
          ? { kind: 'wake', dueAt: signal.dueAt }
          : {
              kind: 'engagement',
              type: signal.type,
              stepId: signal.stepId,
              at: signal.at,
              ...(signal.outcome ? { outcome: signal.outcome } : {}),
            };
      step(run, run, trigger, journey);
      return changes;
    }
    case 'event': {
      // A call outcome (`Call Completed`) first: the run whose call task it reports, found by the task's id.
      const called = callCompletedOf(signal.event);
      if (called) {
        for (const run of context.runs) {
          const journey = byId.get(run.journeyId);
          const stepId = Object.keys(run.sent).find((id) => run.sent[id]?.messageId === called.callId);
          if (journey && stepId !== undefined)
            step(
              run,
              current.get(key(run)) ?? run,
              { kind: 'engagement', type: 'called', stepId, outcome: called.outcome, at: signal.event.timestamp },
              journey,
            );
        }
      }
      // Exits and goals first: an order both ends "viewed but not bought" and counts as its goal.
      for (const run of context.runs) {
        const journey = byId.get(run.journeyId);
        if (!journey) continue;
        if (journey.goal && matchesEvent(journey.goal, signal.event))
          step(run, current.get(key(run)) ?? run, { kind: 'goal', at: signal.event.timestamp }, journey);
        const exit = journey.exit.find(
          (criterion) => criterion.kind === 'event' && matchesEvent(criterion, signal.event),
        );
        if (exit && isLive(current.get(key(run)) ?? run))
          step(
            run,
            current.get(key(run)) ?? run,
            { kind: 'exit', reason: `event ${signal.event.event ?? ''}` },
            journey,
          );
      }
      for (const journey of context.journeys) {
        if (journey.trigger.kind === 'event' && matchesEvent(journey.trigger, signal.event)) {
          start(journey, `event:${signal.event.messageId}`);
        }
      }
      return changes;
    }
    case 'segments': {
      for (const run of context.runs) {
        const journey = byId.get(run.journeyId);
        const exit = journey?.exit.find(
          (criterion) => criterion.kind === 'segment' && signal.exited.includes(criterion.segment),
        );
        if (journey && exit && isLive(current.get(key(run)) ?? run)) {
          step(
            run,
            current.get(key(run)) ?? run,
            { kind: 'exit', reason: `left segment ${exit.kind === 'segment' ? exit.segment : ''}` },
            journey,
          );
        }
      }
      for (const journey of context.journeys) {
        const trigger = journey.trigger;
        if (trigger.kind !== 'segment') continue;
        if ((trigger.on === 'enter' ? signal.entered : signal.exited).includes(trigger.segment)) {
          start(journey, `segment:${trigger.segment}:${trigger.on}:${signal.at}`);
        }
      }
      return changes;
    }
    case 'schedule': {
      const journey = byId.get(signal.journeyId);
      if (journey?.trigger.kind === 'schedule' && context.profile.segments[journey.trigger.audience] !== undefined) {
        start(journey, `schedule:${signal.slot}`);
      }
      return changes;
    }
    default: {
      const unreachable: never = signal;
      throw new Error(`unknown signal ${JSON.stringify(unreachable)}`);
    }
  }

  function start(journey: Journey, cause: string): void {
    if (!mayEnter(journey, context.profile, [...current.values()], context.now)) return;
    const runId = runIdFor(journey.id, cause);
    if (current.has(`${journey.id}#${runId}`)) return;
    const holdout = isInGlobalHoldout(context.profile.id, context.holdoutPercent);
    const entered = newRun(journey.id, runId, context.profile.id, holdout, context.now.toISOString());
    // The tier at entry, not at report time: a purchase the journey caused may lift the tier.
    const run = context.profile.tier === undefined ? entered : { ...entered, tier: context.profile.tier };
    step(undefined, run, { kind: 'enter' }, journey);
  }
}

/** Entry segment, one live run per journey, and the re-entry policy against earlier runs. */
export function mayEnter(journey: Journey, profile: Profile, runs: readonly JourneyRun[], now: Date): boolean {
  if (profile.mergedInto !== undefined) return false;
  if (journey.entry.segment !== undefined && profile.segments[journey.entry.segment] === undefined) return false;
  const earlier = runs.filter((run) => run.journeyId === journey.id);
  if (earlier.some(isLive)) return false;
  if (earlier.length === 0) return true;
  const reentry = journey.entry.reentry;
  switch (reentry.kind) {
    case 'never':
      return false;
    case 'always':
      return true;
    case 'after': {
      const latest = Math.max(...earlier.map((run) => Date.parse(run.enteredAt)));
      return now.getTime() - latest >= reentry.ms;
    }
    default: {
      const unreachable: never = reentry;
      throw new Error(`unknown re-entry ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Derived from what started the run, so a redelivered message finds the run it already made. */
export function runIdFor(journeyId: string, cause: string): string {
  return createHash('sha256').update(`${journeyId}\n${cause}`).digest('hex').slice(0, 20);
}

function key(run: JourneyRun): string {
  return `${run.journeyId}#${run.runId}`;
}
