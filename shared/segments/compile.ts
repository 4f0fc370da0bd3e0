/**
 * Compiles segment rules once per cold start. A segment's `test` (`(profile, nowMs) => boolean`,
 * the hot path) is generated source, one function per segment (rule-source.ts). Each compiled
 * rule also knows which profile paths it reads (`inputs`) and, when time alone can change its
 * answer, the earliest instant that may happen (`nextChange`) — what the expiry pass schedules
 * rechecks by; those are closures, with getter chains resolved and windows and thresholds fixed,
 * and their own closure tests, which nextChange reads.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Settings } from '../config/settings.js';
import { YamlSource, type LocatedError } from '../config/yaml-source.js';
import type { Profile } from '../profiles/schema.js';
import type { AttrRule, Channel, CountTest, EventRule, Rule, Scalar, SegmentDefinition } from './ast.js';
import { checkDefinitions } from './check.js';
import {
  bucketLeavesWindowAt,
  bucketsInWindow,
  countBuckets,
  DAY_MS,
  firstBucketInWindow,
  HOUR_MS,
  usesHourlyBuckets,
} from './event-window.js';
import { parseSegmentDefinitions } from './parse.js';
import { resolveProfilePath } from './profile-paths.js';
import { chain, generateTests, type RuleTest } from './rule-source.js';
import { epochMs } from './timestamp.js';

export type { RuleTest } from './rule-source.js';
/** The earliest instant after `nowMs` at which the answer may differ with no new data; Infinity: never. */
export type NextChange = (profile: Profile, nowMs: number) => number;

export interface CompiledRule {
  test: RuleTest;
  /** Absent when time alone never changes the answer. */
  nextChange?: NextChange;
  /** Profile paths read, by name (`orders.count`, `events.Product Viewed`) → property keys. */
  inputs: ReadonlyMap<string, readonly string[]>;
}

export interface CompiledSegment extends CompiledRule {
  id: string;
  description?: string;
}

export interface CompiledSegments {
  /** In file order. */
  segments: readonly CompiledSegment[];
  byId: ReadonlyMap<string, CompiledSegment>;
}

/**
 * Compiles definitions that passed `checkDefinitions` (paths exist, references resolve, no
 * cycles). Use `compileSegments` (evaluate.ts) or `compileSegmentsSource` for unchecked input.
 */
export function compileCheckedDefinitions(definitions: readonly SegmentDefinition[]): CompiledSegments {
  const byDefinition = new Map(definitions.map((definition) => [definition.id, definition]));
  const byId = new Map<string, CompiledSegment>();
  const compileSegment = (id: string): CompiledSegment => {
    const done = byId.get(id);
    if (done) return done;
    const definition = byDefinition.get(id);
    if (!definition) throw new Error(`unknown segment "${id}"`);
    const compiled: CompiledSegment = { id, ...compileRule(definition.rule, compileSegment) };
    if (definition.description !== undefined) compiled.description = definition.description;
    byId.set(id, compiled);
    return compiled;
  };
  const segments = definitions.map((definition) => compileSegment(definition.id));
  // Membership is answered by generated source (rule-source.ts); the closures stay for nextChange.
  const tests = generateTests(definitions);
  for (const segment of segments) segment.test = tests.get(segment.id) as RuleTest;
  return { segments, byId };
}

export type SegmentsResult =
  | { ok: true; definitions: SegmentDefinition[]; compiled: CompiledSegments }
  | { ok: false; errors: LocatedError[] };

/** YAML text → located errors (all of them), or the definitions and their compiled rules. */
export function compileSegmentsSource(file: string, text: string, settings: Settings): SegmentsResult {
  const source = YamlSource.parse(file, text);
  const syntax = source.syntaxErrors();
  if (syntax.length > 0) return { ok: false, errors: syntax };
  const parsed = parseSegmentDefinitions(source.toJS());
  const issues = [...parsed.issues, ...checkDefinitions(parsed.definitions, settings, parsed.itemIndexes)];
  if (issues.length > 0) {
    const errors = issues.map((issue) => source.error(issue.path, issue.reason));
    errors.sort((a, b) => a.line - b.line || a.column - b.column);
    return { ok: false, errors };
  }
  return { ok: true, definitions: parsed.definitions, compiled: compileCheckedDefinitions(parsed.definitions) };
}

export function segmentsFile(campaignDir: string): string {
  return join(campaignDir, 'segments.yaml');
}

/** Reads `<campaignDir>/segments.yaml`; a campaign without the file has no segments. */
export async function loadSegments(campaignDir: string, settings: Settings): Promise<SegmentsResult> {
  const file = segmentsFile(campaignDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    text = '[]';
  }
  return compileSegmentsSource(file, text, settings);
}

// ── rules → closures ─────────────────────────────────────────────────────────────────────────

// Profiles are plain JSON and every path was checked against the profile schema before
// compiling, so the getters read untyped properties: that is what makes them plain loads.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
type Getter = (profile: Profile) => unknown;

export function compileRule(rule: Rule, segment: (id: string) => CompiledRule): CompiledRule {
  switch (rule.kind) {
    case 'all':
    case 'any':
      return compileList(
        rule.kind,
        rule.rules.map((child) => compileRule(child, segment)),
      );
    case 'not': {
      const child = compileRule(rule.rule, segment);
      const inner = child.test;
      const compiled: CompiledRule = { test: (p, now) => !inner(p, now), inputs: child.inputs };
      if (child.nextChange) compiled.nextChange = child.nextChange;
      return compiled;
    }
    case 'attr':
      return compileAttr(rule);
    case 'event':
      return compileEvent(rule);
    case 'consent':
    case 'reachable':
      return compileChannel(rule.kind, rule.channel);
    case 'segment':
      return segment(rule.id);
    default: {
      const unreachable: never = rule;
      throw new Error(`unknown rule ${JSON.stringify(unreachable)}`);
    }
  }
}

function compileList(kind: 'all' | 'any', children: readonly CompiledRule[]): CompiledRule {
  const tests = children.map((child) => child.test);
  const test = kind === 'all' ? allOf(tests) : anyOf(tests);
  const inputs = new Map(children.flatMap((child) => [...child.inputs]));
  if (!children.some((child) => child.nextChange)) return { test, inputs };
  // `all` true flips when any child flips; `all` false becomes true only once every false child
  // has flipped, so the latest of their first flips is the earliest it can (dually for `any`).
  const holding = kind === 'all';
  const nextChange: NextChange = (p, now) => {
    if (test(p, now) === holding) {
      let earliest = Infinity;
      for (const child of children) if (child.nextChange) earliest = Math.min(earliest, child.nextChange(p, now));
      return earliest;
    }
    let latest = -Infinity;
    for (const child of children) {
      if (child.test(p, now) === holding) continue;
      if (!child.nextChange) return Infinity;
      latest = Math.max(latest, child.nextChange(p, now));
    }
    return latest;
  };
  return { test, inputs, nextChange };
}

function allOf(tests: readonly RuleTest[]): RuleTest {
  const [a, b, c] = tests as [RuleTest, RuleTest, RuleTest];
  switch (tests.length) {
    case 1:
      return a;
    case 2:
      return (p, now) => a(p, now) && b(p, now);
    case 3:
      return (p, now) => a(p, now) && b(p, now) && c(p, now);
    default:
      return (p, now) => {
        for (const t of tests) if (!t(p, now)) return false;
        return true;
      };
  }
}

function anyOf(tests: readonly RuleTest[]): RuleTest {
  const [a, b, c] = tests as [RuleTest, RuleTest, RuleTest];
  switch (tests.length) {
    case 1:
      return a;
    case 2:
      return (p, now) => a(p, now) || b(p, now);
    case 3:
      return (p, now) => a(p, now) || b(p, now) || c(p, now);
    default:
      return (p, now) => {
        for (const t of tests) if (t(p, now)) return true;
        return false;
      };
  }
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
  const get = compileGetter(resolved.path.keys);
  const inputs = new Map([[rule.path, resolved.path.keys]]);
  const test = rule.test;
  switch (test.op) {
    case 'eq':
      return { test: equals(get, test.value), inputs };
    case 'ne': {
      const eq = equals(get, test.value);
      return { test: (p, now) => !eq(p, now), inputs };
    }
    case 'in': {
      const matchesNull = test.value.includes(null);
      const values = new Set<Scalar>(test.value.filter((value) => value !== null));
      return {
        test: (p) => {
          const v = get(p);
          return v === undefined || v === null ? matchesNull : values.has(v as Scalar);
        },
        inputs,
      };
    }
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
    case 'between': {
      const holds = compileCount(test);
      return {
        test: (p) => {
          const v = get(p);
          return typeof v === 'number' && holds(v);
        },
        inputs,
      };
    }
    case 'contains': {
      const needle = test.value;
      return {
        test: (p) => {
          const v = get(p);
          if (Array.isArray(v)) return (v as unknown[]).includes(needle);
          return typeof v === 'string' && typeof needle === 'string' && v.includes(needle);
        },
        inputs,
      };
    }
    case 'exists': {
      const wanted = test.value;
      return { test: (p) => (get(p) != null) === wanted, inputs };
    }
    case 'olderThan':
    case 'newerThan': {
      const ms = test.value.ms;
      const older = test.op === 'olderThan';
      const at = (p: Profile): number => {
        const v = get(p);
        return typeof v === 'string' ? epochMs(v) : Number.NaN;
      };
      return {
        test: (p, now) => {
          const t = at(p);
          if (Number.isNaN(t)) return false;
          return older ? now - t >= ms : now - t < ms;
        },
        // Both flip exactly when the age reaches the duration.
        nextChange: (p, now) => {
          const flip = at(p) + ms;
          return flip > now ? flip : Infinity;
        },
        inputs,
      };
    }
    default: {
      const unreachable: never = test;
      throw new Error(`unknown operator ${JSON.stringify(unreachable)}`);
    }
  }
}

/** `eq null` also matches a missing value (see interpret.ts). */
function equals(get: Getter, expected: Scalar): RuleTest {
  if (expected === null) return (p) => get(p) == null;
  return (p) => get(p) === expected;
}

type CountHolds = (n: number) => boolean;

function compileCount(test: CountTest): CountHolds {
  switch (test.op) {
    case 'eq': {
      const x = test.value;
      return (n) => n === x;
    }
    case 'ne': {
      const x = test.value;
      return (n) => n !== x;
    }
    case 'lt': {
      const x = test.value;
      return (n) => n < x;
    }
    case 'lte': {
      const x = test.value;
      return (n) => n <= x;
    }
    case 'gt': {
      const x = test.value;
      return (n) => n > x;
    }
    case 'gte': {
      const x = test.value;
      return (n) => n >= x;
    }
    case 'between': {
      const [low, high] = test.value;
      return (n) => n >= low && n <= high;
    }
    default: {
      const unreachable: never = test;
      throw new Error(`unknown comparison ${JSON.stringify(unreachable)}`);
    }
  }
}

function compileCounts(tests: readonly CountTest[]): CountHolds {
  const compiled = tests.map(compileCount);
  const [first, second] = compiled as [CountHolds, CountHolds];
  if (compiled.length === 1) return first;
  if (compiled.length === 2) return (n) => first(n) && second(n);
  return (n) => compiled.every((holds) => holds(n));
}

interface History {
  lastAt: string;
  count: number;
  daily: Record<string, number>;
  hourly: Record<string, number>;
}

function compileEvent(rule: EventRule): CompiledRule {
  const name = rule.event;
  const propKey = rule.where ? `${rule.where.property}=${rule.where.value}` : undefined;
  const history: (p: Profile) => History | undefined = (
    propKey === undefined ? compileGetter(['events', name]) : compileGetter(['events', name, 'props', propKey])
  ) as (p: Profile) => History | undefined;
  const holds = compileCounts(rule.count);
  const inputs = new Map([[`events.${name}`, ['events', name]]]);
  const within = rule.within;
  if (!within) {
    return { test: (p) => holds(history(p)?.count ?? 0), inputs };
  }
  const windowMs = within.ms;
  const hourly = usesHourlyBuckets(windowMs);
  const bucketMs = hourly ? HOUR_MS : DAY_MS;
  const bucketsOf = hourly ? (h: History) => h.hourly : (h: History) => h.daily;
  // "At least n" (the default, n = 1) is settled as soon as n events are found.
  const only = rule.count.length === 1 ? rule.count[0] : undefined;
  const enough = only?.op === 'gte' ? only.value : only?.op === 'gt' ? only.value + 1 : Infinity;
  // The count of event-window.ts (`bucketsInWindow`), read without building the list: lastAt
  // alone settles most histories, and the bucket maps — sparse integer keys, which V8 keeps as
  // slow dictionary elements — are enumerated only when it does not.
  const countInWindow = (p: Profile, now: number): number => {
    const h = history(p);
    if (!h) return 0;
    const first = firstBucketInWindow(now, windowMs, bucketMs);
    const lastMs = epochMs(h.lastAt);
    const last = lastMs === lastMs ? Math.floor(lastMs / bucketMs) : Infinity;
    if (last < first) return 0;
    if (enough <= 1 && last !== Infinity) return 1;
    return countBuckets(bucketsOf(h), first, last, enough);
  };
  return {
    test: (p, now) => holds(countInWindow(p, now)),
    nextChange: (p, now) => {
      const h = history(p);
      if (!h) return Infinity;
      const inWindow = bucketsInWindow(bucketsOf(h), h.lastAt, now, windowMs, bucketMs);
      let total = inWindow.reduce((sum, [, count]) => sum + count, 0);
      const current = holds(total);
      // Buckets leave the window oldest first; the answer changes at the first drop that flips it.
      for (const [bucket, count] of inWindow) {
        total -= count;
        if (holds(total) !== current) return bucketLeavesWindowAt(bucket, windowMs, bucketMs);
      }
      return Infinity;
    },
    inputs,
  };
}

function compileChannel(kind: 'consent' | 'reachable', channel: Channel): CompiledRule {
  const inputs = new Map<string, readonly string[]>([[`consent.${channel}`, ['consent', channel]]]);
  if (channel !== 'push') inputs.set(`suppressed.${channel}`, ['suppressed', channel]);
  const consented: RuleTest =
    channel === 'email'
      ? (p) => p.consent.email?.granted === true && p.suppressed.email !== true
      : channel === 'sms'
        ? (p) => p.consent.sms?.granted === true && p.suppressed.sms !== true
        : (p) => p.consent.push?.granted === true;
  if (kind === 'consent') return { test: consented, inputs };
  switch (channel) {
    case 'email':
      inputs.set('channels.email', ['channels', 'email']);
      return { test: (p, now) => consented(p, now) && Boolean(p.channels.email), inputs };
    case 'sms':
      inputs.set('channels.phone', ['channels', 'phone']);
      return { test: (p, now) => consented(p, now) && Boolean(p.channels.phone), inputs };
    case 'push':
      inputs.set('channels.push', ['channels', 'push']);
      return { test: (p, now) => consented(p, now) && p.channels.push.some((device) => device.enabled), inputs };
    default: {
      const unreachable: never = channel;
      throw new Error(`unknown channel ${String(unreachable)}`);
    }
  }
}
