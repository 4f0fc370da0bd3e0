/**
 * A journey file's YAML value → the checked-shape Journey (ast.ts), collecting every structural
 * problem with its path. Each step's kind is picked from its key first, so an error names the
 * step kind the author meant instead of a union's "no option matched".
 */
import * as z from 'zod';
import { parseDuration } from '../config/duration.js';
import { describeZodIssue, zodIssuePath, type SourcePath } from '../config/located-error.js';
import type { PathIssue } from '../segments/errors.js';
import { tierSegmentId } from '../tiers/tier-segment-id.js';
import {
  type entrySchema,
  type exitCriterionSchema,
  journeyFileSchema,
  STEP_KINDS,
  CALL_BRANCH_STEP,
  STEP_SCHEMAS,
  type triggerSchema,
  type Exit,
  type Journey,
  type Reentry,
  type Step,
  type StepKind,
  type Trigger,
  type WaitSpec,
} from './ast.js';

export interface ParsedJourney {
  /** Undefined when the file is too broken to build one. */
  journey: Journey | undefined;
  issues: PathIssue[];
}

const fileShape = journeyFileSchema.extend({ steps: z.array(z.unknown()).min(1, 'a journey needs at least one step') });

export function parseJourney(document: unknown): ParsedJourney {
  const issues: PathIssue[] = [];
  const file = fileShape.safeParse(document);
  if (!file.success) {
    issues.push(...zodIssues(file.error.issues, []));
    return { journey: undefined, issues };
  }
  const steps: Step[] = [];
  file.data.steps.forEach((value, index) => {
    const step = parseStep(value, index, issues);
    if (step) steps.push(step);
  });
  if (issues.length > 0) return { journey: undefined, issues };

  const following = new Map<string, string | undefined>();
  steps.forEach((step, index) => {
    following.set(step.id, steps[index + 1]?.id);
  });
  // Defaults resolved now, so the engine never looks at positions again.
  const resolved = steps.map((step) => withDefaults(step, following.get(step.id)));
  const byId = new Map<string, Step>();
  resolved.forEach((step, index) => {
    if (byId.has(step.id)) issues.push({ path: ['steps', index, 'id'], reason: `duplicate step id "${step.id}"` });
    else byId.set(step.id, step);
  });

  const data = file.data;
  const journey: Journey = {
    id: data.id,
    trigger: toTrigger(data.trigger),
    entry: { segment: data.entry.segment, reentry: toReentry(data.entry.reentry) },
    exit: data.exit.map(toExit),
    goal: data.goal
      ? { event: data.goal.event, where: data.goal.where ?? {}, withinMs: parseDuration(data.goal.within) }
      : undefined,
    steps: resolved,
    byId,
    following,
  };
  if (data.description !== undefined) journey.description = data.description;
  if (data.limits !== undefined) journey.limits = data.limits;
  if (data.quietHours !== undefined) journey.quietHours = data.quietHours;
  return { journey, issues };
}

/** Stable default ids by position: `step-1`, `step-2`… (explicit ids survive inserted steps). */
export function defaultStepId(index: number): string {
  return `step-${index + 1}`;
}

function parseStep(value: unknown, index: number, issues: PathIssue[]): Step | undefined {
  const path: SourcePath = ['steps', index];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    issues.push({ path, reason: `a step is a mapping with one of: ${STEP_KINDS.join(', ')}` });
    return undefined;
  }
  const kinds = STEP_KINDS.filter((kind) => kind in value);
  if (kinds.length !== 1) {
    const reason =
      kinds.length === 0
        ? `a step needs one of: ${STEP_KINDS.join(', ')}`
        : `one kind per step, found ${kinds.join(' and ')}; make them separate steps`;
    issues.push({ path: kinds.length > 1 ? [...path, kinds[1] as string] : path, reason });
    return undefined;
  }
  const kind = kinds[0] as StepKind;
  const branch = (value as { branch?: unknown }).branch;
  const schema =
    kind === 'branch' && typeof branch === 'object' && branch !== null && 'called' in branch
      ? CALL_BRANCH_STEP
      : STEP_SCHEMAS[kind];
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    issues.push(...zodIssues(parsed.error.issues, path));
    return undefined;
  }
  return toStep(kind, parsed.data, defaultStepId(index));
}

type StepData = { [K in StepKind]: z.infer<(typeof STEP_SCHEMAS)[K]> };

function toStep(kind: StepKind, data: StepData[StepKind], fallbackId: string): Step {
  const id = data.id ?? fallbackId;
  switch (kind) {
    case 'wait': {
      const { wait, next } = data as StepData['wait'];
      return { kind, id, wait: toWait(wait), next };
    }
    case 'split': {
      const { split } = data as StepData['split'];
      return {
        kind,
        id,
        experiment: split.experiment,
        seed: split.seed,
        coverage: split.coverage ?? 1,
        // `next` is filled in by withDefaults once the following step is known.
        variants: split.variants.map((variant) => ({
          id: variant.id,
          weight: variant.weight,
          next: variant.next ?? '',
          holdout: variant.holdout ?? false,
        })),
      };
    }
    case 'branch': {
      const { branch } = data as StepData['branch'];
      if ('called' in branch) {
        const outcomes = Array.isArray(branch.outcome) ? branch.outcome : [branch.outcome];
        const condition = {
          kind: 'call' as const,
          step: branch.called,
          outcomes: [...new Set(outcomes)],
          withinMs: parseDuration(branch.within),
          timeout: branch.timeout,
        };
        return { kind, id, condition, then: branch.then, else: branch.else };
      }
      const condition =
        'segment' in branch
          ? { kind: 'segment' as const, segment: branch.segment }
          : 'opened' in branch
            ? {
                kind: 'engagement' as const,
                type: 'opened' as const,
                step: branch.opened,
                withinMs: parseDuration(branch.within),
              }
            : {
                kind: 'engagement' as const,
                type: 'clicked' as const,
                step: branch.clicked,
                withinMs: parseDuration(branch.within),
              };
      return { kind, id, condition, then: branch.then, else: branch.else };
    }
    case 'send': {
      const { send, next } = data as StepData['send'];
      return {
        kind,
        id,
        channel: send.channel,
        template: send.template,
        ...(send.endpoint !== undefined ? { endpoint: send.endpoint } : {}),
        vars: send.vars ?? {},
        fallback: send.fallback ?? [],
        transactional: send.transactional ?? false,
        next,
      };
    }
    case 'call': {
      // A call step is a send on the call channel, with its routing.
      const { call, next } = data as StepData['call'];
      return {
        kind: 'send',
        id,
        channel: 'call',
        template: call.script,
        vars: call.vars ?? {},
        fallback: [],
        transactional: false,
        call: { queue: call.queue, priority: call.priority ?? 'normal' },
        next,
      };
    }
    case 'update': {
      const { update, next } = data as StepData['update'];
      return { kind, id, traits: 'tag' in update ? { [update.tag]: true } : { [update.trait]: update.value }, next };
    }
    case 'end':
      return { kind, id };
    default: {
      const unreachable: never = kind;
      throw new Error(`unknown step kind ${String(unreachable)}`);
    }
  }
}

function withDefaults(step: Step, following: string | undefined): Step {
  switch (step.kind) {
    case 'wait':
    case 'send':
    case 'update':
      return { ...step, next: step.next ?? following };
    case 'split':
      return {
        ...step,
        variants: step.variants.map((variant) => ({ ...variant, next: variant.next || following || '' })),
      };
    case 'branch': {
      const otherwise = step.else ?? following;
      const condition =
        step.condition.kind === 'call'
          ? { ...step.condition, timeout: step.condition.timeout ?? otherwise }
          : step.condition;
      return { ...step, condition, then: step.then ?? following, else: otherwise };
    }
    case 'end':
      return step;
    default: {
      const unreachable: never = step;
      throw new Error(`unknown step ${JSON.stringify(unreachable)}`);
    }
  }
}

function toWait(wait: string | { until: string }): WaitSpec {
  if (typeof wait === 'string') return { kind: 'duration', ms: parseDuration(wait), text: wait };
  const clock = /^(\d\d):(\d\d)$/.exec(wait.until);
  if (clock) return { kind: 'time-of-day', hour: Number(clock[1]), minute: Number(clock[2]), text: wait.until };
  return { kind: 'timestamp', at: new Date(wait.until).toISOString() };
}

function toTrigger(trigger: z.infer<typeof triggerSchema>): Trigger {
  if ('event' in trigger) return { kind: 'event', event: trigger.event, where: trigger.where ?? {} };
  if ('schedule' in trigger) return { kind: 'schedule', cron: trigger.schedule, audience: trigger.audience };
  if ('tier' in trigger) return { kind: 'segment', segment: tierSegmentId(trigger.tier), on: trigger.on };
  return { kind: 'segment', segment: trigger.segment, on: trigger.on };
}

function toReentry(reentry: z.infer<typeof entrySchema>['reentry']): Reentry {
  if (reentry === 'never' || reentry === 'always') return { kind: reentry };
  return { kind: 'after', ms: parseDuration(reentry.after) };
}

function toExit(exit: z.infer<typeof exitCriterionSchema>): Exit {
  return 'event' in exit
    ? { kind: 'event', event: exit.event, where: exit.where ?? {} }
    : { kind: 'segment', segment: exit.segment };
}

function zodIssues(issues: readonly z.core.$ZodIssue[], base: SourcePath): PathIssue[] {
  return issues.map((issue) => ({
    path: [...base, ...zodIssuePath(issue)],
    reason: describeZodIssue({ ...issue, path: [...base, ...issue.path] } as z.core.$ZodIssue),
  }));
}
