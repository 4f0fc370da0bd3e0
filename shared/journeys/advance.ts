/**
 * The journey state machine as a pure reducer: `advance(run, trigger, context)` returns the next
 * run and the effects to carry out (send, update traits, record an assignment, schedule a wake).
 * No I/O and no clock but `context.now`, so the same function drives process-events, the local
 * runtime and `sadakat simulate` on a virtual clock.
 *
 * A run walks steps until one makes it wait (a wait whose time has not come, an engagement
 * branch whose window is open) or it ends. Waking it again needs a trigger naming the same
 * `wakeAt` — a stale or repeated wake changes nothing.
 */
import type { SendRequest } from '../channels/send-request.js';
import { sendMessageId } from '../channels/send-request.js';
import { assignVariant } from '../experiments/assign.js';
import type { Profile } from '../profiles/schema.js';
import type { CompiledSegments } from '../segments/evaluate.js';
import type { CallOutcome } from '../events/call-completed.js';
import type { BranchCondition, Journey, Step } from './ast.js';
import { isLive, type JourneyRun } from './run.js';
import { spreadFrom, spreadOffsetMs } from '../spread.js';
import { customerTimezone, nextTimeOfDay } from './time-of-day.js';

export type RunTrigger =
  /** A new run (from `newRun`) takes its first step. */
  | { kind: 'enter' }
  /** journey-tick: the run's wait (or engagement window) is due. */
  | { kind: 'wake'; dueAt: string }
  /** ses-feedback: something happened to a message of this run; `called`: an agent's outcome of its call task. */
  | {
      kind: 'engagement';
      type: 'delivered' | 'opened' | 'clicked' | 'bounced' | 'complained' | 'called';
      stepId: string;
      at: string;
      /** `called` only. */
      outcome?: CallOutcome;
    }
  /** An exit criterion matched. */
  | { kind: 'exit'; reason: string }
  /** The goal event arrived (counted once from entry and once from the split, each within its window). */
  | { kind: 'goal'; at: string };

export type RunEffect =
  | { kind: 'step'; stepId: string; stepKind: Step['kind']; at: string; detail: string }
  | { kind: 'send'; request: SendRequest }
  | { kind: 'update'; traits: Record<string, string | number | boolean | null> }
  /** First exposure of this customer to the experiment: recorded in `profile.experiments`. */
  | { kind: 'assign'; experiment: string; variant: string; at: string }
  | { kind: 'schedule-wake'; at: string }
  | { kind: 'goal'; at: string }
  | { kind: 'end'; status: 'completed' | 'exited'; reason: string; at: string };

export interface AdvanceContext {
  journey: Journey;
  profile: Profile;
  now: Date;
  /** Used by segment branches; without it, the memberships stored on the profile answer. */
  segments?: CompiledSegments;
  defaultTimezone: string;
  /** `settings.spreadMinutes`: a time-of-day wait ends at the customer's offset within it (decision 177). */
  spreadMinutes?: number;
}

export interface Advanced {
  run: JourneyRun;
  effects: RunEffect[];
}

/** More steps than any sane journey takes in one go: a guard, since validation forbids loops that never wait. */
const MAX_STEPS_PER_ADVANCE = 200;

export function advance(run: JourneyRun, trigger: RunTrigger, context: AdvanceContext): Advanced {
  const at = context.now.toISOString();
  switch (trigger.kind) {
    case 'enter':
      if (run.status !== 'active' || run.stepId !== undefined) return { run, effects: [] };
      return walk(run, context.journey.steps[0]?.id, context, []);
    case 'wake': {
      if (run.status !== 'waiting' || run.wakeAt !== trigger.dueAt) return { run, effects: [] };
      const step = run.stepId === undefined ? undefined : context.journey.byId.get(run.stepId);
      const resumed = withoutWait(run);
      if (!step) return finish(resumed, 'exited', `step ${run.stepId ?? '?'} no longer exists`, at, []);
      if (step.kind === 'wait') return walk(resumed, step.next, context, []);
      if (step.kind === 'branch' && step.condition.kind === 'call')
        return walk(resumed, step.condition.timeout, context, [trace(step, at, 'no call outcome in time → timeout')]);
      if (step.kind === 'branch')
        return walk(resumed, step.else, context, [trace(step, at, 'not engaged in time → else')]);
      return walk(resumed, step.id, context, []);
    }
    case 'engagement': {
      if (trigger.type === 'called') return recordCallOutcome(run, trigger, context);
      if (trigger.type !== 'opened' && trigger.type !== 'clicked') return { run, effects: [] };
      const previous = run.engaged[trigger.stepId] ?? {};
      if (previous[trigger.type] !== undefined) return { run, effects: [] };
      const engaged = {
        ...previous,
        [trigger.type]: trigger.at,
        ...(trigger.type === 'clicked' && !previous.opened ? { opened: trigger.at } : {}),
      };
      const recorded: JourneyRun = { ...run, engaged: { ...run.engaged, [trigger.stepId]: engaged }, updatedAt: at };
      const step = run.stepId === undefined ? undefined : context.journey.byId.get(run.stepId);
      if (
        run.status === 'waiting' &&
        step?.kind === 'branch' &&
        step.condition.kind === 'engagement' &&
        step.condition.step === trigger.stepId &&
        engagedInTime(recorded, step.condition)
      ) {
        return walk(withoutWait(recorded), step.then, context, [trace(step, at, `${step.condition.type} → then`)]);
      }
      return { run: recorded, effects: [] };
    }
    case 'exit':
      if (!isLive(run)) return { run, effects: [] };
      return finish(withoutWait(run), 'exited', trigger.reason, at, []);
    case 'goal': {
      const goal = context.journey.goal;
      if (!goal) return { run, effects: [] };
      const within = (from: string): boolean => {
        const elapsed = Date.parse(trigger.at) - Date.parse(from);
        return elapsed >= 0 && elapsed <= goal.withinMs;
      };
      if (run.convertedAt === undefined) {
        if (!within(run.enteredAt)) return { run, effects: [] };
        return { run: { ...run, convertedAt: trigger.at, updatedAt: at }, effects: [{ kind: 'goal', at: trigger.at }] };
      }
      // The entry goal came before the split: the variant's arm counts the first goal after it.
      const { assignedAt } = run;
      if (
        assignedAt === undefined ||
        run.convertedAfterSplitAt !== undefined ||
        run.convertedAt > assignedAt ||
        trigger.at <= assignedAt ||
        !within(assignedAt)
      )
        return { run, effects: [] };
      return { run: { ...run, convertedAfterSplitAt: trigger.at, updatedAt: at }, effects: [] };
    }
    default: {
      const unreachable: never = trigger;
      throw new Error(`unknown trigger ${JSON.stringify(unreachable)}`);
    }
  }
}

function walk(
  start: JourneyRun,
  firstStep: string | undefined,
  context: AdvanceContext,
  effects: RunEffect[],
): Advanced {
  const { journey, profile, now } = context;
  const at = now.toISOString();
  let run: JourneyRun = { ...start, status: 'active', updatedAt: at };
  let stepId = firstStep;
  for (let taken = 0; taken < MAX_STEPS_PER_ADVANCE; taken++) {
    if (stepId === undefined) return finish(run, 'completed', 'reached the last step', at, effects);
    const step = journey.byId.get(stepId);
    if (!step) return finish(run, 'exited', `step ${stepId} no longer exists`, at, effects);
    const visit = (run.visits[step.id] ?? 0) + 1;
    run = { ...run, stepId: step.id, visits: { ...run.visits, [step.id]: visit } };

    switch (step.kind) {
      case 'wait': {
        const wakeAt = waitUntil(step.wait, now, profile, context);
        if (wakeAt.getTime() <= now.getTime()) {
          effects.push(trace(step, at, 'time already passed'));
          stepId = step.next;
          continue;
        }
        effects.push(trace(step, at, `until ${wakeAt.toISOString()}${spreadNote(step.wait, profile, context)}`));
        return pause(run, wakeAt.toISOString(), effects);
      }
      case 'split': {
        const chosen = chooseVariant(step, run, profile);
        if (!chosen) {
          // Outside coverage: not in the experiment, so nothing is recorded or reported and no
          // send is skipped; the customer takes the first variant's path as everyone did before.
          const first = step.variants[0] as (typeof step.variants)[number];
          effects.push(trace(step, at, `${step.experiment}: outside coverage → ${first.id}'s path, unassigned`));
          stepId = first.next;
          continue;
        }
        if (!run.holdout) {
          run = {
            ...run,
            experiment: step.experiment,
            variant: chosen.variant.id,
            ...(chosen.variant.holdout ? { controlVariant: true } : {}),
          };
        }
        effects.push(
          trace(
            step,
            at,
            `${step.experiment}: ${chosen.variant.id}${run.holdout ? ' (global holdout: not assigned)' : ''}`,
          ),
        );
        if (!run.holdout && chosen.fresh) {
          effects.push({ kind: 'assign', experiment: step.experiment, variant: chosen.variant.id, at });
          run = { ...run, assignedAt: at };
        }
        stepId = chosen.variant.next;
        continue;
      }
      case 'branch': {
        if (step.condition.kind === 'segment') {
          const member = isMember(step.condition.segment, profile, now, context.segments);
          effects.push(
            trace(step, at, `${member ? 'in' : 'not in'} ${step.condition.segment} → ${member ? 'then' : 'else'}`),
          );
          stepId = member ? step.then : step.else;
          continue;
        }
        if (step.condition.kind === 'call') {
          const condition = step.condition;
          const outcome = callOutcomeInTime(run, condition);
          if (outcome) {
            const matched = condition.outcomes.includes(outcome);
            effects.push(trace(step, at, `call ${outcome} → ${matched ? 'then' : 'else'}`));
            stepId = matched ? step.then : step.else;
            continue;
          }
          const sent = run.sent[condition.step];
          const deadline = sent ? Date.parse(sent.at) + condition.withinMs : now.getTime();
          if (deadline <= now.getTime()) {
            effects.push(trace(step, at, 'no call outcome → timeout'));
            stepId = condition.timeout;
            continue;
          }
          effects.push(trace(step, at, `waiting for the call's outcome until ${new Date(deadline).toISOString()}`));
          return pause(run, new Date(deadline).toISOString(), effects);
        }
        const condition = step.condition;
        if (engagedInTime(run, condition)) {
          effects.push(trace(step, at, `${condition.type} → then`));
          stepId = step.then;
          continue;
        }
        const sent = run.sent[condition.step];
        const deadline = sent ? Date.parse(sent.at) + condition.withinMs : now.getTime();
        if (deadline <= now.getTime()) {
          effects.push(trace(step, at, `not ${condition.type} → else`));
          stepId = step.else;
          continue;
        }
        effects.push(trace(step, at, `waiting for ${condition.type} until ${new Date(deadline).toISOString()}`));
        return pause(run, new Date(deadline).toISOString(), effects);
      }
      case 'send': {
        const skipped = run.holdout || run.controlVariant === true;
        const request: SendRequest = {
          messageId: sendMessageId(journey.id, run.runId, step.id, visit),
          customerId: run.customerId,
          journeyId: journey.id,
          runId: run.runId,
          stepId: step.id,
          visit,
          ...(run.holdout ? { variant: 'holdout' } : run.variant !== undefined ? { variant: run.variant } : {}),
          holdout: skipped,
          channel: step.channel,
          fallback: step.fallback,
          template: step.template,
          ...(step.endpoint !== undefined ? { endpoint: step.endpoint } : {}),
          ...(step.call ? { call: step.call } : {}),
          vars: step.vars,
          transactional: step.transactional,
          requestedAt: at,
        };
        effects.push(trace(step, at, `${step.channel} ${step.template}${skipped ? ' (holdout: skipped)' : ''}`), {
          kind: 'send',
          request,
        });
        run = {
          ...run,
          sent: { ...run.sent, [step.id]: { messageId: request.messageId, at } },
          exposedAt: run.exposedAt ?? at,
        };
        stepId = step.next;
        continue;
      }
      case 'update':
        effects.push(
          trace(
            step,
            at,
            Object.entries(step.traits)
              .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
              .join(', '),
          ),
          { kind: 'update', traits: step.traits },
        );
        stepId = step.next;
        continue;
      case 'end':
        effects.push(trace(step, at, 'end'));
        return finish(run, 'completed', 'end step', at, effects);
      default: {
        const unreachable: never = step;
        throw new Error(`unknown step ${JSON.stringify(unreachable)}`);
      }
    }
  }
  return finish(run, 'exited', `more than ${MAX_STEPS_PER_ADVANCE} steps without a wait`, at, effects);
}

/** `(10:00 + 12m 5s of the 30-minute spread)` for a spread time-of-day wait; empty otherwise. */
function spreadNote(
  wait: Extract<Step, { kind: 'wait' }>['wait'],
  profile: Profile,
  context: Pick<AdvanceContext, 'spreadMinutes'>,
): string {
  const offset = spreadOffsetMs(profile.id, context.spreadMinutes);
  if (wait.kind !== 'time-of-day' || offset === 0) return '';
  const clock = `${String(wait.hour).padStart(2, '0')}:${String(wait.minute).padStart(2, '0')}`;
  const seconds = Math.round(offset / 1000);
  return ` (${clock} + ${Math.floor(seconds / 60)}m ${seconds % 60}s of the ${context.spreadMinutes}-minute spread)`;
}

function waitUntil(
  wait: Extract<Step, { kind: 'wait' }>['wait'],
  now: Date,
  profile: Profile,
  { defaultTimezone, spreadMinutes }: Pick<AdvanceContext, 'defaultTimezone' | 'spreadMinutes'>,
): Date {
  switch (wait.kind) {
    case 'duration':
      return new Date(now.getTime() + wait.ms);
    case 'time-of-day':
      // Every customer's 10:00 at once would be the day's runs in one tick: spread (decision 177).
      return spreadFrom(
        nextTimeOfDay(now, wait.hour, wait.minute, customerTimezone(profile.timezone, defaultTimezone)),
        profile.id,
        spreadMinutes,
      );
    case 'timestamp':
      return new Date(wait.at);
    default: {
      const unreachable: never = wait;
      throw new Error(`unknown wait ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * A customer keeps the variant first recorded for the experiment; otherwise the hash decides.
 * `undefined` when coverage leaves the customer out (GrowthBook's bucket ranges: raising
 * coverage later only adds customers, it never moves one between variants).
 */
function chooseVariant(
  step: Extract<Step, { kind: 'split' }>,
  run: JourneyRun,
  profile: Profile,
): { variant: Extract<Step, { kind: 'split' }>['variants'][number]; fresh: boolean } | undefined {
  const recorded = profile.experiments[step.experiment];
  const kept = recorded && step.variants.find((variant) => variant.id === recorded.variant);
  if (kept) return { variant: kept, fresh: false };
  const weights = step.variants.map((variant) => variant.weight);
  const index = assignVariant(
    { key: step.experiment, weights, coverage: step.coverage, ...(step.seed !== undefined ? { seed: step.seed } : {}) },
    run.customerId,
  );
  const variant = step.variants[index];
  return variant && { variant, fresh: true };
}

function isMember(segment: string, profile: Profile, now: Date, segments: CompiledSegments | undefined): boolean {
  const compiled = segments?.byId.get(segment);
  return compiled ? compiled.test(profile, now.getTime()) : profile.segments[segment] !== undefined;
}

function engagedInTime(
  run: JourneyRun,
  condition: { type: 'opened' | 'clicked'; step: string; withinMs: number },
): boolean {
  const sent = run.sent[condition.step];
  const engagedAt = run.engaged[condition.step]?.[condition.type];
  if (!sent || engagedAt === undefined) return false;
  const elapsed = Date.parse(engagedAt) - Date.parse(sent.at);
  return elapsed >= 0 && elapsed <= condition.withinMs;
}

/**
 * An agent's outcome of a call step's task: recorded once (the first report wins), and a run
 * waiting at a branch on that call moves on — then for a listed outcome, else for another.
 */
function recordCallOutcome(
  run: JourneyRun,
  trigger: Extract<RunTrigger, { kind: 'engagement' }>,
  context: AdvanceContext,
): Advanced {
  const previous = run.engaged[trigger.stepId] ?? {};
  if (previous.called !== undefined || trigger.outcome === undefined) return { run, effects: [] };
  const at = context.now.toISOString();
  const engaged = { ...previous, called: trigger.at, outcome: trigger.outcome };
  const recorded: JourneyRun = { ...run, engaged: { ...run.engaged, [trigger.stepId]: engaged }, updatedAt: at };
  const step = run.stepId === undefined ? undefined : context.journey.byId.get(run.stepId);
  if (
    run.status === 'waiting' &&
    step?.kind === 'branch' &&
    step.condition.kind === 'call' &&
    step.condition.step === trigger.stepId
  ) {
    const outcome = callOutcomeInTime(recorded, step.condition);
    if (outcome) {
      const matched = step.condition.outcomes.includes(outcome);
      return walk(withoutWait(recorded), matched ? step.then : step.else, context, [
        trace(step, at, `call ${outcome} → ${matched ? 'then' : 'else'}`),
      ]);
    }
  }
  return { run: recorded, effects: [] };
}

/** The call step's outcome, when it came within the branch's window from the task's creation. */
function callOutcomeInTime(
  run: JourneyRun,
  condition: Extract<BranchCondition, { kind: 'call' }>,
): CallOutcome | undefined {
  const sent = run.sent[condition.step];
  const engaged = run.engaged[condition.step];
  if (!sent || engaged?.called === undefined || engaged.outcome === undefined) return undefined;
  const elapsed = Date.parse(engaged.called) - Date.parse(sent.at);
  return elapsed >= 0 && elapsed <= condition.withinMs ? engaged.outcome : undefined;
}

function pause(run: JourneyRun, wakeAt: string, effects: RunEffect[]): Advanced {
  return { run: { ...run, status: 'waiting', wakeAt }, effects: [...effects, { kind: 'schedule-wake', at: wakeAt }] };
}

function withoutWait(run: JourneyRun): JourneyRun {
  const { wakeAt: _wakeAt, ...rest } = run;
  return { ...rest, status: run.status === 'waiting' ? 'active' : run.status };
}

function finish(
  run: JourneyRun,
  status: 'completed' | 'exited',
  reason: string,
  at: string,
  effects: RunEffect[],
): Advanced {
  const { wakeAt: _wakeAt, ...rest } = run;
  return {
    run: { ...rest, status, endedAt: at, updatedAt: at, ...(status === 'exited' ? { exitReason: reason } : {}) },
    effects: [...effects, { kind: 'end', status, reason, at }],
  };
}

function trace(step: Step, at: string, detail: string): RunEffect {
  return { kind: 'step', stepId: step.id, stepKind: step.kind, at, detail };
}
