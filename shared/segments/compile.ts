/**
 * Compiles segment rules once per cold start. Rules have two implementations of their meaning:
 * the reference interpreter (interpret.ts, which also explains itself) and the compiled form
 * (rule-source.ts: generated source, one function per segment), held to each other by property
 * tests. A new operator is written in those two places.
 *
 * Besides its `test`, this file works out for each segment what is not its answer but about it:
 * which profile paths it reads (`inputs`), and, when time alone can change its answer, the
 * earliest instant that may happen (`nextChange`) — what the expiry pass schedules rechecks by.
 * Where nextChange needs the answer of a part of a rule, that part is compiled too.
 */
import { CLV_DRIFTING_PATHS, withClvOnRead } from '../analytics/clv-on-read.js';
import type { Profile } from '../profiles/schema.js';
import type { AttrRule, Channel, EventRule, Rule, SegmentDefinition } from './ast.js';
import { bucketLeavesWindowAt, bucketsInWindow, DAY_MS, HOUR_MS, usesHourlyBuckets } from './event-window.js';
import { countHolds } from './interpret.js';
import { resolveProfilePath } from './profile-paths.js';
import { chain, generateRuleTests, type RuleTest } from './rule-source.js';
import { epochMs } from './timestamp.js';

export type { RuleTest } from './rule-source.js';
/** The earliest instant after `nowMs` at which the answer may differ with no new data; Infinity: never. */
export type NextChange = (profile: Profile, nowMs: number) => number;

/** What a rule is about, besides its answer. */
export interface CompiledRule {
  /** Absent when time alone never changes the answer. */
  nextChange?: NextChange;
  /** Profile paths read, by name (`orders.count`, `events.Product Viewed`) → property keys. */
  inputs: ReadonlyMap<string, readonly string[]>;
}

export interface CompiledSegment extends CompiledRule {
  id: string;
  /** Membership: the segment's generated function (rule-source.ts). */
  test: RuleTest;
  description?: string;
}

export interface CompiledSegments {
  /** In file order. */
  segments: readonly CompiledSegment[];
  byId: ReadonlyMap<string, CompiledSegment>;
  /** `settings.spreadMinutes`: a lapse at 00:00 UTC is rechecked at the customer's offset within it (decision 177). */
  spreadMinutes?: number;
  /**
   * The rules' comparisons of a CLV figure that drifts daily (`clv.pNoPurchase30d gte 0.95`…): the
   * nightly score phase writes a customer when one of them would answer differently (decision 225).
   */
  clvRules?: readonly AttrRule[];
}

/**
 * Compiles definitions that passed `checkDefinitions` (paths exist, references resolve, no
 * cycles). Use `compileSegments` (evaluate.ts) or `compileSegmentsSource` for unchecked input.
 */
export function compileCheckedDefinitions(
  definitions: readonly SegmentDefinition[],
  spreadMinutes?: number,
  /** The shop's time zone: the day CLV figures are read for (decision 225). */
  timezone = 'UTC',
): CompiledSegments {
  const byDefinition = new Map(definitions.map((definition) => [definition.id, definition]));
  const analysed = new Map<string, CompiledRule>();
  const parts = new PartTests();
  const analyseSegment = (id: string): CompiledRule => {
    const done = analysed.get(id);
    if (done) return done;
    const definition = byDefinition.get(id);
    if (!definition) throw new Error(`unknown segment "${id}"`);
    const rule = compileRule(definition.rule, analyseSegment, parts);
    analysed.set(id, rule);
    return rule;
  };
  for (const definition of definitions) analyseSegment(definition.id);
  const generated = generateRuleTests(definitions, parts.rules);
  parts.bind(generated.parts);
  const segments = definitions.map((definition): CompiledSegment => {
    const { inputs, nextChange } = analyseSegment(definition.id);
    return readingClvOnRead(
      {
        id: definition.id,
        ...(definition.description !== undefined ? { description: definition.description } : {}),
        test: generated.segments.get(definition.id) as RuleTest,
        inputs,
        ...(nextChange ? { nextChange } : {}),
      },
      timezone,
    );
  });
  const clvRules = definitions.flatMap((definition) => clvComparisons(definition.rule));
  return {
    segments,
    byId: new Map(segments.map((segment) => [segment.id, segment])),
    ...(spreadMinutes ? { spreadMinutes } : {}),
    ...(clvRules.length > 0 ? { clvRules } : {}),
  };
}

/**
 * A segment reading a CLV figure that drifts daily sees it computed for the day it is evaluated
 * (analytics/clv-on-read.ts, the one place they are computed): its test and nextChange read the
 * profile through withClvOnRead, and the order summary the figures come from counts among its
 * inputs, so an order re-evaluates it. Other segments are left as compiled.
 */
function readingClvOnRead(segment: CompiledSegment, timezone: string): CompiledSegment {
  if (![...segment.inputs.keys()].some((path) => CLV_DRIFTING_PATHS.has(path))) return segment;
  const { test, nextChange } = segment;
  return {
    ...segment,
    test: (p, now) => test(withClvOnRead(p, now, timezone), now),
    inputs: new Map([...segment.inputs, ['orders', ['orders']]]),
    ...(nextChange
      ? { nextChange: (p: Profile, now: number) => nextChange(withClvOnRead(p, now, timezone), now) }
      : {}),
  };
}

/** The comparisons of drifting CLV figures in a rule (referenced segments are definitions of their own). */
function clvComparisons(rule: Rule): AttrRule[] {
  switch (rule.kind) {
    case 'all':
    case 'any':
      return rule.rules.flatMap(clvComparisons);
    case 'not':
      return clvComparisons(rule.rule);
    case 'attr':
      return CLV_DRIFTING_PATHS.has(rule.path) ? [rule] : [];
    default:
      return [];
  }
}

// ── rules → inputs and nextChange ─────────────────────────────────────────────────────────────

// Profiles are plain JSON and every path was checked against the profile schema before
// compiling, so the getters read untyped properties: that is what makes them plain loads.
type Getter = (profile: Profile) => unknown;

/**
 * The parts of rules whose answer a nextChange reads, compiled with the segments
 * (rule-source.ts) and bound once generated.
 */
class PartTests {
  readonly rules: Rule[] = [];
  private readonly index = new Map<Rule, number>();
  private tests: readonly RuleTest[] = [];

  request(rule: Rule): RuleTest {
    let index = this.index.get(rule);
    if (index === undefined) {
      index = this.rules.push(rule) - 1;
      this.index.set(rule, index);
    }
    const at = index;
    return (p, now) => (this.tests[at] as RuleTest)(p, now);
  }

  bind(tests: readonly RuleTest[]): void {
    this.tests = tests;
  }
}

function compileRule(rule: Rule, segment: (id: string) => CompiledRule, parts: PartTests): CompiledRule {
  switch (rule.kind) {
    case 'all':
    case 'any':
      return compileList(rule, segment, parts);
    case 'not':
      // Not's answer flips exactly when its child's does.
      return compileRule(rule.rule, segment, parts);
    case 'attr':
      return compileAttr(rule);
    case 'event':
      return compileEvent(rule);
    case 'consent':
    case 'reachable':
      return { inputs: channelInputs(rule.kind, rule.channel) };
    case 'segment':
      return segment(rule.id);
    default: {
      const unreachable: never = rule;
      throw new Error(`unknown rule ${JSON.stringify(unreachable)}`);
    }
  }
}

function compileList(
  rule: Extract<Rule, { kind: 'all' | 'any' }>,
  segment: (id: string) => CompiledRule,
  parts: PartTests,
): CompiledRule {
  const children = rule.rules.map((child) => ({ ...compileRule(child, segment, parts), rule: child }));
  const inputs = new Map(children.flatMap((child) => [...child.inputs]));
  if (!children.some((child) => child.nextChange)) return { inputs };
  const test = parts.request(rule);
  const tests = children.map((child) => parts.request(child.rule));
  // `all` true flips when any child flips; `all` false becomes true only once every false child
  // has flipped, so the latest of their first flips is the earliest it can (dually for `any`).
  const holding = rule.kind === 'all';
  const nextChange: NextChange = (p, now) => {
    if (test(p, now) === holding) {
      let earliest = Infinity;
      for (const child of children) if (child.nextChange) earliest = Math.min(earliest, child.nextChange(p, now));
      return earliest;
    }
    let latest = -Infinity;
    for (const [index, child] of children.entries()) {
      if ((tests[index] as RuleTest)(p, now) === holding) continue;
      if (!child.nextChange) return Infinity;
      latest = Math.max(latest, child.nextChange(p, now));
    }
    return latest;
  };
  return { inputs, nextChange };
}

/**
 * A getter for fixed keys: `p => p["orders"]?.["count"]`, generated as source. Closures made from
 * one function literal share V8's type feedback, so a shared `(p) => p[a]?.[b]` sees every path
 * of every rule and its property loads go megamorphic; a generated function has feedback of its
 * own, and its constant keys compile to named loads. Keys are embedded with JSON.stringify (string
 * literals only, never code), and every path was checked against the profile schema before.
 */
export function compileGetter(keys: readonly string[]): Getter {
  return new Function('p', `return p${chain(keys)};`) as Getter;
}

function compileAttr(rule: AttrRule): CompiledRule {
  const resolved = resolveProfilePath(rule.path);
  if (!resolved.ok) throw new Error(resolved.reason);
  const inputs = new Map([[rule.path, resolved.path.keys]]);
  const { test } = rule;
  if (test.op !== 'olderThan' && test.op !== 'newerThan') return { inputs };
  const get = compileGetter(resolved.path.keys);
  const ms = test.value.ms;
  return {
    inputs,
    // Both flip exactly when the age reaches the duration; a value that is not a time never does.
    nextChange: (p, now) => {
      const v = get(p);
      const flip = (typeof v === 'string' ? epochMs(v) : Number.NaN) + ms;
      return flip > now ? flip : Infinity;
    },
  };
}

interface History {
  lastAt: string;
  count: number;
  daily: Record<string, number>;
  hourly: Record<string, number>;
}

function compileEvent(rule: EventRule): CompiledRule {
  const name = rule.event;
  const inputs = new Map([[`events.${name}`, ['events', name]]]);
  const within = rule.within;
  if (!within) return { inputs };
  const keys = rule.where ? ['events', name, 'props', `${rule.where.property}=${rule.where.value}`] : ['events', name];
  const history = compileGetter(keys) as (p: Profile) => History | undefined;
  const holds = (n: number) => rule.count.every((test) => countHolds(test, n));
  const windowMs = within.ms;
  const hourly = usesHourlyBuckets(windowMs);
  const bucketMs = hourly ? HOUR_MS : DAY_MS;
  return {
    inputs,
    nextChange: (p, now) => {
      const h = history(p);
      if (!h) return Infinity;
      const inWindow = bucketsInWindow(hourly ? h.hourly : h.daily, h.lastAt, now, windowMs, bucketMs);
      let total = inWindow.reduce((sum, [, count]) => sum + count, 0);
      const current = holds(total);
      // Buckets leave the window oldest first; the answer changes at the first drop that flips it.
      for (const [bucket, count] of inWindow) {
        total -= count;
        if (holds(total) !== current) return bucketLeavesWindowAt(bucket, windowMs, bucketMs);
      }
      return Infinity;
    },
  };
}

/** What `consent` and `reachable` read: the consent, the suppression flag (none for push) and, for reachable, the address. */
function channelInputs(kind: 'consent' | 'reachable', channel: Channel): Map<string, readonly string[]> {
  const inputs = new Map<string, readonly string[]>([[`consent.${channel}`, ['consent', channel]]]);
  if (channel === 'email' || channel === 'sms') inputs.set(`suppressed.${channel}`, ['suppressed', channel]);
  if (kind === 'reachable') {
    const address = channel === 'sms' || channel === 'call' ? 'phone' : channel;
    inputs.set(`channels.${address}`, ['channels', address]);
    if (address === 'phone') inputs.set('channels.phoneWrongAt', ['channels', 'phoneWrongAt']);
  }
  return inputs;
}
