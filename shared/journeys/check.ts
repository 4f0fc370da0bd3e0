/**
 * Semantic checks of a parsed journey: references (segments, templates and the files their
 * channels need, step ids, send steps named by engagement branches, tracked event properties),
 * reachability, loops that never wait (they would spin inside one Lambda invocation), split
 * weights and schedules. Every problem is returned with its path, none thrown.
 */
import { nearest } from '../config/did-you-mean.js';
import { TEMPLATE_FILES as RENDER_TEMPLATE_FILES } from '../channels/render.js';
import type { Channel } from '../channels/send-request.js';
import { missingTemplateFiles } from '../channels/render.js';
import type { SourcePath } from '../config/located-error.js';
import type { PathIssue } from '../segments/errors.js';
import type { Journey, Step } from './ast.js';
import { tierOfSegment } from '../tiers/tier-segment-id.js';
import { parseSchedule } from './schedule.js';

/** Any fixed instant: a pattern with no run after it (`0 10 31 2 *`) has none at all (no year field). */
const NEVER_RUNS_PROBE = new Date(Date.UTC(2026, 0, 1));

/** Files a template folder must hold for each channel it serves. */
export const TEMPLATE_FILES: Record<Channel, readonly string[]> = RENDER_TEMPLATE_FILES;

export interface JourneyCheckContext {
  /** Undefined when segments.yaml itself is broken (its own errors are reported; refs are not checked). */
  segmentIds: ReadonlySet<string> | undefined;
  /** settings.trackedProperties: the event properties filters may name. */
  trackedProperties: Readonly<Record<string, readonly string[]>>;
  /** The files in campaign/templates/<id>/, or undefined when the folder does not exist. */
  templateFiles: (templateId: string) => ReadonlySet<string> | undefined;
  /** The `vars.<name>` a template prints without a default (every send step using it must set them). */
  templateVars?: (templateId: string) => ReadonlySet<string> | undefined;
  /** settings.yaml `webhooks`: the endpoint names a webhook send may name (undefined: not checked). */
  webhookEndpoints?: ReadonlySet<string>;
  /** Event names sadakat or the campaign knows; others in triggers, exits and goals are warnings. */
  knownEvents?: ReadonlySet<string>;
  /** settings.yaml tier ids, lowest first: named in the error for an unknown `trigger.tier`; undefined: unknown (no tier check). */
  tiers?: readonly string[];
}

/**
 * Event names in the trigger, exits and goal that no one knows: warnings, not errors (a storefront
 * may send custom events), with the known name a typo was probably meant to be.
 */
export function unknownEventNames(journey: Journey, knownEvents: ReadonlySet<string>): PathIssue[] {
  const issues: PathIssue[] = [];
  const check = (event: string, path: SourcePath): void => {
    if (knownEvents.has(event)) return;
    const near = nearest(event, [...knownEvents]);
    issues.push({
      path,
      reason: near
        ? `unknown event "${event}": did you mean "${near}"? (a custom event is fine if your storefront sends it)`
        : `event "${event}" is not a Segment e-commerce event nor named in settings.yaml or segments.yaml: fine if your storefront sends it`,
    });
  };
  if (journey.trigger.kind === 'event') check(journey.trigger.event, ['trigger', 'event']);
  journey.exit.forEach((exit, index) => {
    if (exit.kind === 'event') check(exit.event, ['exit', index, 'event']);
  });
  if (journey.goal) check(journey.goal.event, ['goal', 'event']);
  return issues;
}

/** Where each part of the journey is written (the parser keeps step positions). */
export function checkJourney(journey: Journey, context: JourneyCheckContext): PathIssue[] {
  const issues: PathIssue[] = [];
  const segment = (id: string | undefined, path: SourcePath): void => {
    if (id !== undefined && context.segmentIds && !context.segmentIds.has(id))
      issues.push({ path, reason: `unknown segment "${id}" (not in segments.yaml)` });
  };
  const filter = (event: string, where: Record<string, unknown>, path: SourcePath): void => {
    const tracked = context.trackedProperties[event] ?? [];
    for (const property of Object.keys(where)) {
      if (!tracked.includes(property)) {
        issues.push({
          path: [...path, 'where', property],
          reason: `"${property}" of ${event} is not a tracked property; declare it in settings.yaml trackedProperties`,
        });
      }
    }
  };

  const trigger = journey.trigger;
  const tier = trigger.kind === 'segment' ? tierOfSegment(trigger.segment) : undefined;
  if (trigger.kind === 'segment' && tier !== undefined) {
    // Tiers unknown (settings.yaml unreadable): its own error says so; no knock-on error here.
    if (context.tiers !== undefined && context.segmentIds && !context.segmentIds.has(trigger.segment))
      issues.push({
        path: ['trigger', 'tier'],
        reason: `unknown tier "${tier}" (settings.yaml tiers: ${context.tiers?.join(', ') || 'none'})`,
      });
  } else if (trigger.kind === 'segment') segment(trigger.segment, ['trigger', 'segment']);
  if (trigger.kind === 'event') filter(trigger.event, trigger.where, ['trigger']);
  if (trigger.kind === 'schedule') {
    segment(trigger.audience, ['trigger', 'audience']);
    try {
      if (trigger.cron.trim().split(/\s+/).length !== 5)
        throw new Error('expected 5 fields: minute hour day-of-month month day-of-week');
      // The parser the schedule pass evaluates with, so what validates is what runs.
      if (parseSchedule(trigger.cron).nextRun(NEVER_RUNS_PROBE) === null) throw new Error('it never runs');
    } catch (error) {
      issues.push({
        path: ['trigger', 'schedule'],
        reason: `not a cron schedule: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
  segment(journey.entry.segment, ['entry', 'segment']);
  journey.exit.forEach((exit, index) => {
    if (exit.kind === 'segment') segment(exit.segment, ['exit', index, 'segment']);
    else filter(exit.event, exit.where, ['exit', index]);
  });
  if (journey.goal) filter(journey.goal.event, journey.goal.where, ['goal']);

  journey.steps.forEach((step, index) => {
    checkStep(journey, step, ['steps', index], context, issues, segment);
  });
  issues.push(...unreachableSteps(journey), ...loopsWithoutWait(journey));
  return issues;
}

/** Experiment keys must be unique across journeys: two journeys sharing one would mix their exposures. */
export function checkExperimentKeys(
  journeys: readonly { journey: Journey; file: string }[],
): { file: string; issue: PathIssue }[] {
  const seen = new Map<string, string>();
  const problems: { file: string; issue: PathIssue }[] = [];
  for (const { journey, file } of journeys) {
    journey.steps.forEach((step, index) => {
      if (step.kind !== 'split') return;
      const first = seen.get(step.experiment);
      if (first !== undefined) {
        problems.push({
          file,
          issue: {
            path: ['steps', index, 'split', 'experiment'],
            reason: `experiment "${step.experiment}" is already used in ${first}; each experiment belongs to one split`,
          },
        });
      } else {
        seen.set(step.experiment, `${journey.id} (${file})`);
      }
    });
  }
  return problems;
}

function checkStep(
  journey: Journey,
  step: Step,
  path: SourcePath,
  context: JourneyCheckContext,
  issues: PathIssue[],
  segment: (id: string | undefined, path: SourcePath) => void,
): void {
  const target = (id: string | undefined, where: SourcePath): void => {
    if (id !== undefined && id !== '' && !journey.byId.has(id))
      issues.push({ path: where, reason: `no step with id "${id}" in this journey` });
  };
  switch (step.kind) {
    case 'wait':
    case 'update':
      target(step.next, [...path, 'next']);
      return;
    case 'send': {
      target(step.next, [...path, 'next']);
      checkWebhookStep(step, path, context, issues);
      // A call step is written `call: { script }`, a send `send: { template }`: errors name what the file says.
      const [key, templateKey] = step.call ? ['call', 'script'] : ['send', 'template'];
      const files = context.templateFiles(step.template);
      if (!files) {
        issues.push({ path: [...path, key, templateKey], reason: `no template folder templates/${step.template}/` });
        return;
      }
      const missingVars = [...(context.templateVars?.(step.template) ?? [])].filter((name) => !(name in step.vars));
      if (missingVars.length > 0) {
        const set = Object.keys(step.vars);
        issues.push({
          path: [...path, key, set.length > 0 ? 'vars' : templateKey],
          reason: `template ${step.template} prints ${missingVars.map((name) => `vars.${name}`).join(', ')} without a default, which this step does not set${set.length > 0 ? ` (it sets: ${set.join(', ')})` : ''}; the send would be refused as missing_variable`,
        });
      }
      const channels = [step.channel, ...step.fallback];
      step.fallback.forEach((channel, index) => {
        if (channel === step.channel || step.fallback.indexOf(channel) !== index) {
          issues.push({
            path: [...path, 'send', 'fallback', index],
            reason: `fallback channel ${channel} is already tried before`,
          });
        }
      });
      for (const channel of new Set(channels)) {
        const missing = missingTemplateFiles(channel, (name) => files.has(name));
        if (missing.length > 0) {
          issues.push({
            path: [
              ...path,
              key,
              step.call
                ? templateKey
                : step.fallback.includes(channel) && channel !== step.channel
                  ? 'fallback'
                  : 'channel',
            ],
            reason: `template ${step.template} cannot send ${channel}: missing ${missing.join(', ')}`,
          });
        }
      }
      return;
    }
    case 'split': {
      const ids = new Set<string>();
      step.variants.forEach((variant, index) => {
        const where = [...path, 'split', 'variants', index];
        if (ids.has(variant.id))
          issues.push({ path: [...where, 'id'], reason: `duplicate variant id "${variant.id}"` });
        ids.add(variant.id);
        if (variant.next === '')
          issues.push({ path: where, reason: 'the split is the last step: give this variant a next step' });
        target(variant.next, [...where, 'next']);
      });
      if (step.variants.every((variant) => variant.weight === 0))
        issues.push({ path: [...path, 'split', 'variants'], reason: 'at least one variant needs a weight above 0' });
      return;
    }
    case 'branch': {
      target(step.then, [...path, 'branch', 'then']);
      target(step.else, [...path, 'branch', 'else']);
      if (step.condition.kind === 'segment') segment(step.condition.segment, [...path, 'branch', 'segment']);
      else if (step.condition.kind === 'call') {
        target(step.condition.timeout, [...path, 'branch', 'timeout']);
        const called = journey.byId.get(step.condition.step);
        if (called?.kind !== 'send' || called.channel !== 'call')
          issues.push({
            path: [...path, 'branch', 'called'],
            reason: `"${step.condition.step}" is not a call step of this journey`,
          });
      } else {
        const sent = journey.byId.get(step.condition.step);
        if (sent?.kind !== 'send') {
          issues.push({
            path: [...path, 'branch', step.condition.type],
            reason: `"${step.condition.step}" is not a send step of this journey`,
          });
        }
      }
      return;
    }
    case 'end':
      return;
    default: {
      const unreachable: never = step;
      throw new Error(`unknown step ${JSON.stringify(unreachable)}`);
    }
  }
}

/** The steps a step can continue with. */
export function successors(step: Step): string[] {
  const targets: (string | undefined)[] = (() => {
    switch (step.kind) {
      case 'wait':
      case 'send':
      case 'update':
        return [step.next];
      case 'split':
        return step.variants.map((variant) => variant.next);
      case 'branch':
        return step.condition.kind === 'call' ? [step.then, step.else, step.condition.timeout] : [step.then, step.else];
      case 'end':
        return [];
      default: {
        const unreachable: never = step;
        throw new Error(`unknown step ${JSON.stringify(unreachable)}`);
      }
    }
  })();
  return targets.filter((id): id is string => id !== undefined && id !== '');
}

/** Steps that pause the run until time passes (so a loop through one cannot spin). */
export function waits(step: Step): boolean {
  return step.kind === 'wait' || (step.kind === 'branch' && step.condition.kind !== 'segment');
}

function unreachableSteps(journey: Journey): PathIssue[] {
  const reached = new Set<string>();
  const stack = journey.steps[0] ? [journey.steps[0].id] : [];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (reached.has(id)) continue;
    reached.add(id);
    const step = journey.byId.get(id);
    if (step) stack.push(...successors(step));
  }
  return journey.steps.flatMap((step, index) =>
    reached.has(step.id)
      ? []
      : [{ path: ['steps', index], reason: `step "${step.id}" can never be reached (no step leads to it)` }],
  );
}

/** A cycle through steps none of which waits would run forever inside one message. */
function loopsWithoutWait(journey: Journey): PathIssue[] {
  const state = new Map<string, 'open' | 'done'>();
  const issues: PathIssue[] = [];
  const visit = (id: string): void => {
    const step = journey.byId.get(id);
    if (!step || waits(step) || state.get(id) === 'done') return;
    if (state.get(id) === 'open') {
      issues.push({
        path: ['steps', journey.steps.indexOf(step)],
        reason: `the loop through step "${id}" has no wait; add a wait step to it`,
      });
      return;
    }
    state.set(id, 'open');
    for (const next of successors(step)) visit(next);
    state.set(id, 'done');
  };
  for (const step of journey.steps) visit(step.id);
  return issues;
}

/** A webhook send names an endpoint of settings.yaml and has no fallback; other channels name none. */
function checkWebhookStep(
  step: Extract<Step, { kind: 'send' }>,
  path: SourcePath,
  context: JourneyCheckContext,
  issues: PathIssue[],
): void {
  const where: SourcePath = [...path, 'send'];
  if (step.channel !== 'webhook') {
    if (step.endpoint !== undefined)
      issues.push({ path: [...where, 'endpoint'], reason: 'endpoint is for webhook sends only' });
    if (step.fallback.includes('webhook'))
      issues.push({
        path: [...where, 'fallback'],
        reason: 'webhook cannot be a fallback: it reaches an internal system, not the customer',
      });
    return;
  }
  if (step.fallback.length > 0)
    issues.push({ path: [...where, 'fallback'], reason: 'a webhook send has no fallback channels' });
  if (step.endpoint === undefined) {
    issues.push({ path: where, reason: 'a webhook send needs endpoint: <name> of settings.yaml webhooks' });
    return;
  }
  const known = context.webhookEndpoints;
  if (known && !known.has(step.endpoint)) {
    const near = nearest(step.endpoint, [...known]);
    issues.push({
      path: [...where, 'endpoint'],
      reason: `no webhook endpoint "${step.endpoint}" in settings.yaml webhooks${near ? `: did you mean "${near}"?` : ''}`,
    });
  }
}
