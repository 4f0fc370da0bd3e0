/**
 * A journey file (DESIGN "Campaign folder", a contract): zod schemas for each part, the single
 * source of the TypeScript types and of the JSON Schema editors complete from
 * (`sadakat schema journeys`). A step is a mapping with one kind key — wait, split, branch, send,
 * call (a send on the call channel), update or end — plus an optional `id` (stable ids keep message ids and reports stable when
 * steps are inserted) and `next` (jump instead of falling through to the following step).
 */
import * as z from 'zod';
import { callPrioritySchema, callRoutingSchema, channelSchema, type CallRouting } from '../channels/send-request.js';
import { durationSchema } from '../config/duration.js';
import { callOutcomeSchema, type CallOutcome } from '../events/call-completed.js';

/** Journey ids sadakat keeps for its own sends (the double opt-in's `sadakat-confirm`); campaigns cannot use them. */
export const RESERVED_JOURNEY_PREFIX = 'sadakat-';

export const journeyIdSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,62}$/,
    'lowercase letters, digits, - and _, starting with a letter or digit (at most 63)',
  )
  .describe('Journey id, e.g. viewed-not-bought');

export const stepIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lowercase letters, digits, - and _ (at most 63)')
  .describe('Step id, referenced by next, then, else and engagement branches');

const segmentRef = z.string().min(1).describe('Segment id from segments.yaml');
const eventName = z.string().min(1).describe('Event name as tracked, e.g. Order Completed');
const propertyValue = z.union([z.string(), z.number(), z.boolean()]);
const propertyFilter = z
  .record(z.string(), z.union([propertyValue, z.array(propertyValue).min(1, 'a list of values needs at least one')]))
  .describe(
    'Event properties that must equal these values, or one of a list of values (declared in settings trackedProperties)',
  );

/** A `where` filter: each property equals the value, or one of the listed values. */
export type PropertyFilter = Record<string, string | number | boolean | readonly (string | number | boolean)[]>;

export const clockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24-hour)');
const isoInstant = z.iso.datetime({ offset: true, error: 'expected an ISO timestamp such as 2026-12-01T09:00:00Z' });

const eventMatchSchema = z.strictObject({ event: eventName, where: propertyFilter.optional() });

export const triggerSchema = z.union([
  z
    .strictObject({ event: eventName, where: propertyFilter.optional() })
    .describe('Start when the customer sends this event'),
  z
    .strictObject({ segment: segmentRef, on: z.enum(['enter', 'exit']).default('enter') })
    .describe('Start when the customer enters or leaves a segment'),
  z
    .strictObject({
      tier: z.string().min(1).describe('Tier id from settings.yaml tiers'),
      on: z.enum(['enter', 'exit']).default('enter'),
    })
    .describe('Start when the customer reaches or loses a loyalty tier (its generated segment tier:<id>)'),
  z
    .strictObject({
      schedule: z.string().min(9).describe('Cron (5 fields) in each customer\'s timezone, e.g. "0 9 * * MON"'),
      audience: segmentRef,
    })
    .describe('Start on a schedule for every member of the audience segment'),
]);

export const reentrySchema = z
  .union([z.literal('never'), z.literal('always'), z.strictObject({ after: durationSchema })])
  .describe(
    'never (default): once per customer; always: whenever no run is active; after: a duration since the last entry',
  );

export const entrySchema = z.strictObject({
  segment: segmentRef.optional().describe('Only members of this segment enter'),
  reentry: reentrySchema.default('never'),
});

export const exitCriterionSchema = z.union([
  eventMatchSchema.describe('Leave the journey when this event arrives'),
  z
    .strictObject({ segment: segmentRef, on: z.literal('exit').default('exit') })
    .describe('Leave the journey when the customer leaves this segment'),
]);

export const goalSchema = z.strictObject({
  event: eventName,
  where: propertyFilter.optional(),
  within: durationSchema,
});

const waitInput = z.union([
  durationSchema,
  z.strictObject({
    until: z.union([clockTimeSchema, isoInstant]).describe("HH:MM in the customer's timezone, or an ISO timestamp"),
  }),
]);

export const variantSchema = z.strictObject({
  id: stepIdSchema.describe('Variant id as reported'),
  weight: z.number().min(0),
  next: stepIdSchema.optional().describe('Step this variant continues with (default: the step after the split)'),
  holdout: z.boolean().optional().describe('Walks on with every send skipped (a control group)'),
});

const splitInput = z.strictObject({
  experiment: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'experiment keys: lowercase letters, digits, - and _'),
  seed: z.string().min(1).optional().describe('Hash seed (default: the experiment key)'),
  variants: z.array(variantSchema).min(2, 'a split needs at least two variants'),
  coverage: z
    .number()
    .gt(0, 'coverage must be above 0')
    .max(1, 'coverage is a share: at most 1')
    .optional()
    .describe(
      "Share of entrants in the experiment (GrowthBook coverage, default 1); the others walk the first variant's path unassigned and are not reported",
    ),
});

const target = stepIdSchema.optional();
/** A branch on a call step's outcome (parsed on its own when the branch names `called`, so errors name the field). */
const callBranchInput = z
  .strictObject({
    called: stepIdSchema.describe('The call step whose outcome decides'),
    outcome: z
      .union([callOutcomeSchema, z.array(callOutcomeSchema).min(1, 'a list of outcomes needs at least one')])
      .describe('Outcome(s) that take the then branch; any other outcome takes else'),
    within: durationSchema,
    then: target,
    else: target,
    timeout: target.describe('Where a task nobody completed within the duration goes (default: else)'),
  })
  .describe("The agent's outcome of that call step: listed → then, another → else, none in time → timeout");

const branchInput = z.union([
  z
    .strictObject({ segment: segmentRef, then: target, else: target })
    .describe('Member of the segment → then, otherwise → else'),
  z
    .strictObject({ opened: stepIdSchema, within: durationSchema, then: target, else: target })
    .describe('Opened (or clicked) the message of that send step within the duration'),
  z
    .strictObject({ clicked: stepIdSchema, within: durationSchema, then: target, else: target })
    .describe('Clicked the message of that send step within the duration'),
  callBranchInput,
]);

const varsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
const sendInput = z.strictObject({
  channel: channelSchema,
  template: z.string().min(1).describe('Folder under campaign/templates/'),
  endpoint: z
    .string()
    .min(1)
    .optional()
    .describe('webhook only: the endpoint, by its name under settings.yaml webhooks'),
  vars: varsSchema.optional(),
  fallback: z
    .array(channelSchema)
    .optional()
    .describe('Channels tried in order when the first has no consent or address'),
  transactional: z.boolean().optional(),
});

const callInput = z.strictObject({
  queue: callRoutingSchema.shape.queue,
  script: z.string().min(1).describe('Folder under campaign/templates/ holding call.script.liquid'),
  priority: callPrioritySchema.optional().describe("high, normal (default) or low: the task's place and due time"),
  vars: varsSchema.optional(),
});

const traitKey = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'trait keys: letters, digits and _');
const updateInput = z.union([
  z
    .strictObject({ trait: traitKey, value: z.union([z.string(), z.number(), z.boolean(), z.null()]) })
    .describe('Set traits.<trait>'),
  z.strictObject({ tag: traitKey }).describe('Set traits.<tag> = true'),
]);

const stepBase = { id: stepIdSchema.optional(), next: stepIdSchema.optional() };

/** A branch step on a call's outcome, for errors that name the field (see parse.ts). */
export const CALL_BRANCH_STEP = z.strictObject({ id: stepIdSchema.optional(), branch: callBranchInput });

/** One schema per step kind, chosen by the kind key (so errors name the right one). */
export const STEP_SCHEMAS = {
  wait: z.strictObject({ ...stepBase, wait: waitInput }),
  split: z.strictObject({ id: stepIdSchema.optional(), split: splitInput }),
  branch: z.strictObject({ id: stepIdSchema.optional(), branch: branchInput }),
  send: z.strictObject({ ...stepBase, send: sendInput }),
  call: z.strictObject({ ...stepBase, call: callInput }),
  update: z.strictObject({ ...stepBase, update: updateInput }),
  end: z.strictObject({ id: stepIdSchema.optional(), end: z.literal(true) }),
} as const;
export type StepKind = keyof typeof STEP_SCHEMAS;
export const STEP_KINDS = Object.keys(STEP_SCHEMAS) as StepKind[];

const limitsSchema = z.strictObject({
  perDay: z.number().int().positive().optional(),
  perWeek: z.number().int().positive().optional(),
  messagesPerSecond: z.number().positive().optional(),
});

export type JourneyLimits = z.infer<typeof limitsSchema>;

export const journeyFileSchema = z
  .strictObject({
    id: journeyIdSchema,
    description: z.string().optional(),
    trigger: triggerSchema,
    entry: entrySchema.default({ reentry: 'never' }),
    exit: z.array(exitCriterionSchema).default([]),
    goal: goalSchema.optional(),
    limits: limitsSchema.optional(),
    quietHours: z.strictObject({ start: clockTimeSchema, end: clockTimeSchema }).optional(),
    steps: z.array(z.union(Object.values(STEP_SCHEMAS))).min(1, 'a journey needs at least one step'),
  })
  .describe('sadakat journey: campaign/journeys/<id>.yaml');
export type JourneyFile = z.infer<typeof journeyFileSchema>;

// ── the checked journey the engine runs ──────────────────────────────────────────────────────

export type WaitSpec =
  | { kind: 'duration'; ms: number; text: string }
  | { kind: 'time-of-day'; hour: number; minute: number; text: string }
  | { kind: 'timestamp'; at: string };

export type BranchCondition =
  | { kind: 'segment'; segment: string }
  | { kind: 'engagement'; type: 'opened' | 'clicked'; step: string; withinMs: number }
  /** A call step's outcome: one of `outcomes` → then, another → else, none within the window → `timeout`. */
  | { kind: 'call'; step: string; outcomes: CallOutcome[]; withinMs: number; timeout: string | undefined };

export interface Variant {
  id: string;
  weight: number;
  next: string;
  holdout: boolean;
}

export type Step =
  | { kind: 'wait'; id: string; wait: WaitSpec; next: string | undefined }
  | { kind: 'split'; id: string; experiment: string; seed: string | undefined; coverage: number; variants: Variant[] }
  | { kind: 'branch'; id: string; condition: BranchCondition; then: string | undefined; else: string | undefined }
  | {
      kind: 'send';
      id: string;
      channel: z.infer<typeof channelSchema>;
      template: string;
      /** `webhook` sends: the endpoint's name in settings.yaml `webhooks`. */
      endpoint?: string;
      vars: Record<string, string | number | boolean>;
      fallback: z.infer<typeof channelSchema>[];
      transactional: boolean;
      /** A `call` step: the task's queue and priority (the step is a send on the call channel). */
      call?: CallRouting;
      next: string | undefined;
    }
  | { kind: 'update'; id: string; traits: Record<string, string | number | boolean | null>; next: string | undefined }
  | { kind: 'end'; id: string };

export type Trigger =
  | { kind: 'event'; event: string; where: PropertyFilter }
  | { kind: 'segment'; segment: string; on: 'enter' | 'exit' }
  | { kind: 'schedule'; cron: string; audience: string };

export type Reentry = { kind: 'never' } | { kind: 'always' } | { kind: 'after'; ms: number };

export type Exit = { kind: 'event'; event: string; where: PropertyFilter } | { kind: 'segment'; segment: string };

export interface Journey {
  id: string;
  description?: string;
  trigger: Trigger;
  entry: { segment: string | undefined; reentry: Reentry };
  exit: Exit[];
  goal: { event: string; where: PropertyFilter; withinMs: number } | undefined;
  /** The journey's own send limits (per customer, and `messagesPerSecond` across it); the send handler applies them. */
  limits?: JourneyLimits;
  /** The journey's quiet hours, replacing the campaign's for its sends. */
  quietHours?: { start: string; end: string };
  /** In file order; `steps[0]` is where runs start. */
  steps: Step[];
  byId: ReadonlyMap<string, Step>;
  /** Where each step falls through to (undefined: the journey ends after it). */
  following: ReadonlyMap<string, string | undefined>;
}
