/**
 * Segment tests as generated JavaScript. Every segment of a file becomes one function whose body
 * is its whole rule as one expression — paths as property loads with constant keys, thresholds
 * as literals, `all` / `any` / `not` as `&&` / `||` / `!`, a segment reference as a direct call —
 * so V8 compiles each segment as it would a hand-written function: type feedback of its own and
 * its helpers inlined, where a tree of shared closures makes calls V8 cannot inline.
 *
 * Nothing written in a rule is spliced in as code: property keys and strings go through
 * JSON.stringify (a string literal, never code), numbers only as `String(n)` of a finite number,
 * booleans and null as keywords; anything else (sets, non-finite numbers) is passed in the
 * constants array. Paths were checked against the profile schema before compiling.
 *
 * A timestamp read by several segments (`orders.lastAt`, an event's `lastAt`) is parsed once per
 * profile: each timestamp path has a one-entry memo of its last text and epoch ms, shared by the
 * file's segments and compared by string value, so it never answers for other text.
 *
 * The semantics are those of interpret.ts, the reference (property-tested): an operator is
 * written here and there, nowhere else.
 */
import type { Profile } from '../profiles/schema.js';
import type { AttrRule, Channel, CountTest, EventRule, Rule, Scalar, SegmentDefinition } from './ast.js';
import { countBuckets, DAY_MS, HOUR_MS, usesHourlyBuckets } from './event-window.js';
import { resolveProfilePath } from './profile-paths.js';
import { epochMs } from './timestamp.js';

export type RuleTest = (profile: Profile, nowMs: number) => boolean;

/** What generated code may call; passed in, never reached through globals the rules could name. */
const RUNTIME = {
  epochMs,
  countBuckets,
  contains(value: unknown, needle: Scalar): boolean {
    if (Array.isArray(value)) return (value as unknown[]).includes(needle);
    return typeof value === 'string' && typeof needle === 'string' && value.includes(needle);
  },
  someEnabled(devices: readonly { enabled: boolean }[]): boolean {
    return devices.some((device) => device.enabled);
  },
};

/** The test of every definition, by id (references resolved within `definitions`). */
export function generateTests(definitions: readonly SegmentDefinition[]): Map<string, RuleTest> {
  return generateRuleTests(definitions, []).segments;
}

/**
 * The tests of every definition, and of `parts` (rules within them, or any rule over the same
 * segments), from one generated file.
 */
export function generateRuleTests(
  definitions: readonly SegmentDefinition[],
  parts: readonly Rule[],
): { segments: Map<string, RuleTest>; parts: RuleTest[] } {
  const file = new FileSource(definitions);
  const functions = [
    ...definitions.map((definition, index) => file.ruleFunction(`s${index}`, definition.rule)),
    ...parts.map((rule, index) => file.ruleFunction(`r${index}`, rule)),
  ];
  const names = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => `${prefix}${index}`);
  const source = [
    '"use strict";',
    'const { epochMs, countBuckets, contains, someEnabled } = runtime;',
    ...file.memos,
    ...functions,
    `return [[${names('s', definitions.length).join(', ')}], [${names('r', parts.length).join(', ')}]];`,
  ].join('\n');
  const [segments, compiledParts] = new Function('runtime', 'k', source)(RUNTIME, file.constants) as [
    RuleTest[],
    RuleTest[],
  ];
  return {
    segments: new Map(definitions.map((definition, index) => [definition.id, segments[index] as RuleTest])),
    parts: compiledParts,
  };
}

/** One file's generated source: its constants, its timestamp memos, then one function per segment. */
class FileSource {
  readonly constants: unknown[] = [];
  readonly memos: string[] = [];
  private readonly memoByPath = new Map<string, string>();
  private readonly indexById: Map<string, number>;
  private readonly definitions: Map<string, SegmentDefinition>;
  /** Temporaries of the function being written. */
  private temps = 0;

  constructor(definitions: readonly SegmentDefinition[]) {
    this.indexById = new Map(definitions.map((definition, index) => [definition.id, index]));
    this.definitions = new Map(definitions.map((definition) => [definition.id, definition]));
  }

  ruleFunction(name: string, rule: Rule): string {
    this.temps = 0;
    const body = this.rule(rule);
    const locals = Array.from({ length: this.temps }, (_, i) => `t${i}`);
    return `function ${name}(p, now) {${locals.length > 0 ? ` let ${locals.join(', ')};` : ''} return ${body}; }`;
  }

  private rule(rule: Rule): string {
    switch (rule.kind) {
      case 'all':
      case 'any': {
        // Cheapest first: the children are pure, so the order changes the time, never the answer.
        const children = [...rule.rules].sort((a, b) => this.cost(a) - this.cost(b));
        return `(${children.map((child) => this.rule(child)).join(rule.kind === 'all' ? ' && ' : ' || ')})`;
      }
      case 'not':
        return `!${this.rule(rule.rule)}`;
      case 'attr':
        return this.attr(rule);
      case 'event':
        return this.event(rule);
      case 'consent':
        return consentSource(rule.channel);
      case 'reachable':
        return reachableSource(rule.channel);
      case 'segment': {
        const index = this.indexById.get(rule.id);
        if (index === undefined) throw new Error(`unknown segment "${rule.id}"`);
        return `s${index}(p, now)`;
      }
      default: {
        const unreachable: never = rule;
        throw new Error(`unknown rule ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /** A rough evaluation cost: a timestamp parse or a bucket map read outweighs a few property loads. */
  private cost(rule: Rule): number {
    switch (rule.kind) {
      case 'all':
      case 'any':
        return rule.rules.reduce((sum, child) => sum + this.cost(child), 0);
      case 'not':
        return this.cost(rule.rule);
      case 'attr':
        return rule.test.op === 'olderThan' || rule.test.op === 'newerThan' ? 5 : rule.test.op === 'contains' ? 2 : 1;
      case 'event':
        return !rule.within
          ? 2
          : rule.count.length === 1 && rule.count[0]?.op === 'gte' && rule.count[0].value <= 1
            ? 6
            : 10;
      case 'consent':
      case 'reachable':
        return rule.channel === 'push' && rule.kind === 'reachable' ? 2 : 1;
      case 'segment': {
        const definition = this.definitions.get(rule.id);
        return definition ? this.cost(definition.rule) : 1;
      }
      default: {
        const unreachable: never = rule;
        throw new Error(`unknown rule ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private attr(rule: AttrRule): string {
    const resolved = resolveProfilePath(rule.path);
    if (!resolved.ok) throw new Error(resolved.reason);
    const value = `p${chain(resolved.path.keys)}`;
    const test = rule.test;
    switch (test.op) {
      case 'eq':
      case 'ne': {
        // `eq null` also matches a missing value (see interpret.ts).
        const equal = test.value === null ? `(${value} == null)` : `(${value} === ${this.literal(test.value)})`;
        return test.op === 'eq' ? equal : `!${equal}`;
      }
      case 'in': {
        const t = this.temp();
        const matchesNull = test.value.includes(null);
        const values = test.value.filter((candidate) => candidate !== null);
        // `===` is Set's SameValueZero for every literal but NaN, which goes to the Set.
        const member =
          values.length === 0
            ? 'false'
            : values.length <= 8 &&
                values.every((candidate) => typeof candidate !== 'number' || Number.isFinite(candidate))
              ? `(${values.map((candidate) => `${t} === ${this.literal(candidate)}`).join(' || ')})`
              : `${this.constant(new Set(values))}.has(${t})`;
        return `((${t} = ${value}) === undefined || ${t} === null ? ${matchesNull} : ${member})`;
      }
      case 'lt':
      case 'lte':
      case 'gt':
      case 'gte':
      case 'between': {
        const t = this.temp();
        return `(typeof (${t} = ${value}) === "number" && ${this.holds(test, t)})`;
      }
      case 'contains':
        return `contains(${value}, ${this.literal(test.value)})`;
      case 'exists':
        return test.value ? `(${value} != null)` : `(${value} == null)`;
      case 'olderThan':
      case 'newerThan': {
        // A value that is not a time (NaN) makes both comparisons false, as the interpreter says.
        const t = this.temp();
        const age = `now - ${this.memo(rule.path)}(${t})`;
        return `(typeof (${t} = ${value}) === "string" && ${age} ${test.op === 'olderThan' ? '>=' : '<'} ${this.number(test.value.ms)})`;
      }
      default: {
        const unreachable: never = test;
        throw new Error(`unknown operator ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /** The count of event-window.ts, read as compile.ts reads it: lastAt first, buckets only when it does not settle the answer. */
  private event(rule: EventRule): string {
    const keys = rule.where
      ? ['events', rule.event, 'props', `${rule.where.property}=${rule.where.value}`]
      : ['events', rule.event];
    const history = `p${chain(keys)}`;
    const count = this.temp();
    const tests = rule.count.map((test) => this.holds(test, count)).join(' && ');
    if (!rule.within) return `((${count} = ${history}?.count ?? 0), ${tests})`;
    const windowMs = rule.within.ms;
    const hourly = usesHourlyBuckets(windowMs);
    const bucketMs = this.number(hourly ? HOUR_MS : DAY_MS);
    const buckets = hourly ? 'hourly' : 'daily';
    const only = rule.count.length === 1 ? rule.count[0] : undefined;
    // "At least n" (the default, n = 1) is settled as soon as n events are found.
    const enough = only?.op === 'gte' ? only.value : only?.op === 'gt' ? only.value + 1 : Infinity;
    const [h, first, last] = [this.temp(), this.temp(), this.temp()];
    const parse = this.memo(`${keys.join('.')}.lastAt`);
    const reachesLast =
      enough <= 1
        ? '1'
        : `countBuckets(${h}.${buckets}, ${first}, Math.floor(${last} / ${bucketMs}), ${this.number(enough)})`;
    const counted =
      `(${h} = ${history}) ? ((${first} = Math.floor((now - ${this.number(windowMs)}) / ${bucketMs})), ` +
      `(${last} = ${parse}(${h}.lastAt)) !== ${last} ? countBuckets(${h}.${buckets}, ${first}, Infinity, ${this.number(enough)}) ` +
      `: Math.floor(${last} / ${bucketMs}) < ${first} ? 0 : ${reachesLast}) : 0`;
    return `((${count} = ${counted}), ${tests})`;
  }

  /** A count or number test on the temporary `t`. */
  private holds(test: CountTest | { op: 'lt' | 'lte' | 'gt' | 'gte'; value: number }, t: string): string {
    switch (test.op) {
      case 'eq':
        return `${t} === ${this.number(test.value)}`;
      case 'ne':
        return `${t} !== ${this.number(test.value)}`;
      case 'lt':
        return `${t} < ${this.number(test.value)}`;
      case 'lte':
        return `${t} <= ${this.number(test.value)}`;
      case 'gt':
        return `${t} > ${this.number(test.value)}`;
      case 'gte':
        return `${t} >= ${this.number(test.value)}`;
      case 'between':
        return `(${t} >= ${this.number(test.value[0])} && ${t} <= ${this.number(test.value[1])})`;
      default: {
        const unreachable: never = test;
        throw new Error(`unknown comparison ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /** The memoized parser of one timestamp path (declared once per file). */
  private memo(path: string): string {
    let name = this.memoByPath.get(path);
    if (name === undefined) {
      name = `ts${this.memoByPath.size}`;
      this.memoByPath.set(path, name);
      // NaN as the initial text: no value is === NaN. Only strings are kept (they cannot change).
      this.memos.push(
        `let ${name}Text = NaN, ${name}Ms = NaN; // ${JSON.stringify(path)}`,
        `function ${name}(text) { if (text === ${name}Text) return ${name}Ms; const ms = epochMs(text); if (typeof text === "string") { ${name}Text = text; ${name}Ms = ms; } return ms; }`,
      );
    }
    return name;
  }

  private temp(): string {
    return `t${this.temps++}`;
  }

  private literal(value: Scalar): string {
    if (typeof value === 'string') return JSON.stringify(value);
    if (typeof value === 'number') return this.number(value);
    return String(value);
  }

  private number(value: number): string {
    return Number.isFinite(value) ? `(${String(value)})` : this.constant(value);
  }

  private constant(value: unknown): string {
    this.constants.push(value);
    return `k[${this.constants.length - 1}]`;
  }
}

/** `["orders"]?.["count"]`: constant keys as string literals. */
export function chain(keys: readonly string[]): string {
  return keys.map((key, depth) => `${depth === 0 ? '' : '?.'}[${JSON.stringify(key)}]`).join('');
}

function consentSource(channel: Channel): string {
  switch (channel) {
    case 'email':
      return '(p.consent.email?.granted === true && p.suppressed.email !== true)';
    case 'sms':
      return '(p.consent.sms?.granted === true && p.suppressed.sms !== true)';
    case 'push':
      return '(p.consent.push?.granted === true)';
    case 'call':
      return '(p.consent.call?.granted === true)';
    default: {
      const unreachable: never = channel;
      throw new Error(`unknown channel ${String(unreachable)}`);
    }
  }
}

function reachableSource(channel: Channel): string {
  switch (channel) {
    case 'email':
      return `(${consentSource(channel)} && !!p.channels.email)`;
    case 'sms':
    case 'call':
      return `(${consentSource(channel)} && !!p.channels.phone && p.channels.phoneWrongAt === undefined)`;
    case 'push':
      return `(${consentSource(channel)} && someEnabled(p.channels.push))`;
    default: {
      const unreachable: never = channel;
      throw new Error(`unknown channel ${String(unreachable)}`);
    }
  }
}
