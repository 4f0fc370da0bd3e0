/**
 * The segment rule language (campaign/segments.yaml): zod schemas for what people write, and
 * the normalized AST (a discriminated union on `kind`) the compiler and interpreter read.
 *
 * Each leaf schema validates one YAML shape and transforms it to its AST node, so the input
 * schemas also give the JSON Schema for editors (`sadakat schema segments`). Combinators are
 * walked by parse.ts, which picks the rule kind from its key and reports errors at the right node.
 */
import * as z from 'zod';
import { durationSchema, parseDuration } from '../config/duration.js';

export const scalarSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type Scalar = z.infer<typeof scalarSchema>;

export const channelSchema = z.enum(['email', 'sms', 'push', 'call']);
export type Channel = z.infer<typeof channelSchema>;

export const segmentIdSchema = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_-]{0,63}$/,
    'a segment id starts with a letter and has letters, digits, _ or - (at most 64)',
  );

/** A duration kept as written (for messages) and in milliseconds (for evaluation). */
export interface Window {
  text: string;
  ms: number;
}
const windowSchema = durationSchema.transform((text): Window => ({ text, ms: parseDuration(text) }));

// ── number tests (attribute comparisons and event counts) ─────────────────────────────────────

export const COMPARISON_OPERATORS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte'] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

export type CountTest = { op: ComparisonOperator; value: number } | { op: 'between'; value: readonly [number, number] };

const betweenSchema = z
  .tuple([z.number(), z.number()])
  .refine(([low, high]) => low <= high, 'between takes [low, high] with low ≤ high');

const countInputSchema = z
  .strictObject({
    eq: z.number().int().nonnegative().optional(),
    ne: z.number().int().nonnegative().optional(),
    lt: z.number().int().nonnegative().optional(),
    lte: z.number().int().nonnegative().optional(),
    gt: z.number().int().nonnegative().optional(),
    gte: z.number().int().nonnegative().optional(),
    between: betweenSchema.optional(),
  })
  .refine((count) => Object.keys(count).length > 0, 'count needs a comparison: eq, ne, lt, lte, gt, gte or between')
  .describe('How many times the event happened (in the window); all given comparisons must hold. Default: gte 1');

/** Default count test: the event happened at least once. */
export const AT_LEAST_ONCE: readonly CountTest[] = [{ op: 'gte', value: 1 }];

// ── attribute predicates ───────────────────────────────────────────────────────────────────────

export const ATTR_OPERATORS = [
  ...COMPARISON_OPERATORS,
  'between',
  'in',
  'contains',
  'exists',
  'olderThan',
  'newerThan',
] as const;
export type AttrOperator = (typeof ATTR_OPERATORS)[number];

export type AttrTest =
  | { op: 'eq' | 'ne' | 'contains'; value: Scalar }
  | { op: 'lt' | 'lte' | 'gt' | 'gte'; value: number }
  | { op: 'between'; value: readonly [number, number] }
  | { op: 'in'; value: readonly Scalar[] }
  | { op: 'exists'; value: boolean }
  | { op: 'olderThan' | 'newerThan'; value: Window };

export interface AttrRule {
  kind: 'attr';
  /** Profile path as written, e.g. `orders.count`, `traits.nps`; checked against the profile schema. */
  path: string;
  test: AttrTest;
}

export const attrPathSchema = z
  .string()
  .min(1)
  .describe('Profile path, e.g. orders.count, rfm.segment, clv.pNoPurchase30d, traits.<key>');
export const eventNameSchema = z
  .string()
  .min(1)
  .describe('Event name as tracked, e.g. Product Viewed, Order Completed');

export const attrInputSchema = z
  .strictObject({
    attr: attrPathSchema,
    eq: scalarSchema.optional(),
    ne: scalarSchema.optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    gt: z.number().optional(),
    gte: z.number().optional(),
    between: betweenSchema.optional(),
    in: z.array(scalarSchema).min(1).optional(),
    contains: scalarSchema.optional(),
    exists: z.boolean().optional(),
    olderThan: windowSchema.optional().describe('True when the timestamp is at least this long ago'),
    newerThan: windowSchema.optional().describe('True when the timestamp is less than this long ago'),
  })
  .check((ctx) => {
    const present = ATTR_OPERATORS.filter((op) => op in ctx.value);
    if (present.length === 1) return;
    ctx.issues.push({
      code: 'custom',
      input: ctx.value,
      path: [],
      message:
        present.length === 0
          ? `attr needs one operator: ${ATTR_OPERATORS.join(', ')}`
          : `attr takes exactly one operator, found ${present.join(' and ')}${present.length === 2 ? ' (use between for a range)' : ''}`,
    });
  })
  .transform((input): AttrRule => {
    const op = ATTR_OPERATORS.find((candidate) => candidate in input) as AttrOperator;
    // The check above guarantees exactly one operator key; the casts restore its value's type.
    const value = (input as Record<string, unknown>)[op];
    return { kind: 'attr', path: input.attr, test: { op, value } as AttrTest };
  });

// ── event-history predicates ───────────────────────────────────────────────────────────────────

export interface EventRule {
  kind: 'event';
  event: string;
  /** Without a window the all-time count is tested. */
  within?: Window;
  count: readonly CountTest[];
  /** A tracked property filter, e.g. `category: shoes` (declared in settings trackedProperties). */
  where?: { property: string; value: string };
}

const EVENT_KEYS = ['event', 'within', 'count'];

export const eventInputSchema = z
  .object({
    event: eventNameSchema,
    within: windowSchema
      .optional()
      .describe('Only events in this window; ≤ 48h uses hourly counts, else daily (≤ 90d)'),
    count: countInputSchema.optional(),
  })
  .catchall(scalarSchema.describe('A tracked property filter, e.g. category: shoes'))
  .check((ctx) => {
    const properties = Object.keys(ctx.value).filter((key) => !EVENT_KEYS.includes(key));
    if (properties.length <= 1) return;
    ctx.issues.push({
      code: 'custom',
      input: ctx.value,
      path: [properties[1] as string],
      message: `an event predicate filters on one tracked property, found ${properties.join(' and ')} (combine predicates with all)`,
    });
  })
  .transform((input): EventRule => {
    const property = Object.keys(input).find((key) => !EVENT_KEYS.includes(key));
    const rule: EventRule = {
      kind: 'event',
      event: input.event,
      count: input.count ? countTests(input.count) : AT_LEAST_ONCE,
    };
    if (input.within) rule.within = input.within;
    if (property !== undefined) rule.where = { property, value: String((input as Record<string, unknown>)[property]) };
    return rule;
  });

function countTests(count: Partial<Record<ComparisonOperator, number>> & { between?: [number, number] }): CountTest[] {
  const tests: CountTest[] = [];
  for (const op of COMPARISON_OPERATORS) {
    const value = count[op];
    if (value !== undefined) tests.push({ op, value });
  }
  if (count.between) tests.push({ op: 'between', value: count.between });
  return tests;
}

// ── consent, reachability, references ─────────────────────────────────────────────────────────

export interface ConsentRule {
  kind: 'consent';
  channel: Channel;
}
export const consentInputSchema = z
  .strictObject({ consent: channelSchema.describe('Consent granted for the channel and the address not suppressed') })
  .transform((input): ConsentRule => ({ kind: 'consent', channel: input.consent }));

export interface ReachableRule {
  kind: 'reachable';
  channel: Channel;
}
export const reachableInputSchema = z
  .strictObject({
    reachable: channelSchema.describe('Consent, an address (push: an enabled device) and not suppressed'),
  })
  .transform((input): ReachableRule => ({ kind: 'reachable', channel: input.reachable }));

export interface SegmentRefRule {
  kind: 'segment';
  id: string;
}
export const segmentRefInputSchema = z
  .strictObject({ segment: segmentIdSchema.describe('Another segment of this file (no cycles)') })
  .transform((input): SegmentRefRule => ({ kind: 'segment', id: input.segment }));

// ── combinators and the whole rule ────────────────────────────────────────────────────────────

export interface AllRule {
  kind: 'all';
  rules: readonly Rule[];
}
export interface AnyRule {
  kind: 'any';
  rules: readonly Rule[];
}
export interface NotRule {
  kind: 'not';
  rule: Rule;
}

export type PredicateRule = AttrRule | EventRule | ConsentRule | ReachableRule | SegmentRefRule;
export type Rule = AllRule | AnyRule | NotRule | PredicateRule;

/** The key that names each kind of rule in YAML, and the leaf schema that validates it. */
export const PREDICATE_SCHEMAS = {
  attr: attrInputSchema,
  event: eventInputSchema,
  consent: consentInputSchema,
  reachable: reachableInputSchema,
  segment: segmentRefInputSchema,
} as const;
export const RULE_KEYS = ['all', 'any', 'not', ...Object.keys(PREDICATE_SCHEMAS)] as readonly string[];

export interface SegmentDefinition {
  id: string;
  description?: string;
  rule: Rule;
}

// ── input shapes for the JSON Schema (what an editor completes) ──────────────────────────────

// Typed loosely: these schemas describe the YAML shape for editors (io: 'input'); parse.ts parses.
export const ruleInputSchema: z.ZodType = z.lazy(() => ruleInputUnion);

const ruleInputUnion: z.ZodType = z.union([
  z.strictObject({ all: z.array(ruleInputSchema).min(1).describe('Every rule holds') }),
  z.strictObject({ any: z.array(ruleInputSchema).min(1).describe('At least one rule holds') }),
  z.strictObject({ not: ruleInputSchema.describe('The rule does not hold') }),
  attrInputSchema.in,
  eventInputSchema.in,
  consentInputSchema.in,
  reachableInputSchema.in,
  segmentRefInputSchema.in,
]);

const definitionFields = {
  id: segmentIdSchema.describe('Segment id, used by journeys and other segments'),
  description: z.string().optional(),
};

/** One YAML list item: an id, an optional description and exactly one rule key. */
export const segmentDefinitionInputSchema = z.union([
  z.strictObject({ ...definitionFields, all: z.array(ruleInputSchema).min(1) }),
  z.strictObject({ ...definitionFields, any: z.array(ruleInputSchema).min(1) }),
  z.strictObject({ ...definitionFields, not: ruleInputSchema }),
  attrInputSchema.in.extend(definitionFields),
  eventInputSchema.in.extend(definitionFields),
  consentInputSchema.in.extend(definitionFields),
  reachableInputSchema.in.extend(definitionFields),
  segmentRefInputSchema.in.extend(definitionFields),
]);

export const segmentsFileInputSchema = z
  .array(segmentDefinitionInputSchema)
  .describe('sadakat segments: campaign/segments.yaml');
