/**
 * The reference interpreter: walks the AST for every evaluation, resolving paths by name. Slow
 * and plain on purpose — property tests hold the compiled closures to its answers — and it can
 * explain itself (`sadakat segment test`): which clause decided, with the values it saw.
 */
import type { Profile } from '../profiles/schema.js';
import type { AttrTest, Channel, CountTest, EventRule, Rule, Scalar, SegmentDefinition } from './ast.js';
import { bucketsInWindow, DAY_MS, HOUR_MS, usesHourlyBuckets } from './event-window.js';
import { resolveProfilePath } from './profile-paths.js';

export type SegmentLookup = ReadonlyMap<string, SegmentDefinition>;

export function interpretRule(rule: Rule, profile: Profile, nowMs: number, segments: SegmentLookup): boolean {
  return explainRule(rule, profile, nowMs, segments).result;
}

export interface Explanation {
  /** The clause as written, e.g. `orders.count gte 2`. */
  clause: string;
  /** What the profile held, e.g. `orders.count = 1`. */
  observed?: string;
  result: boolean;
  /** This clause alone fixed its parent's answer (the first false child of a false `all`…). */
  decisive: boolean;
  children: Explanation[];
}

export function explainRule(rule: Rule, profile: Profile, nowMs: number, segments: SegmentLookup): Explanation {
  switch (rule.kind) {
    case 'all':
    case 'any': {
      const children = rule.rules.map((child) => explainRule(child, profile, nowMs, segments));
      const result =
        rule.kind === 'all' ? children.every((child) => child.result) : children.some((child) => child.result);
      // A short-circuiting child decides; when none short-circuits, every child was needed.
      const shortCircuit = rule.kind !== 'all';
      const decider = children.find((child) => child.result === shortCircuit);
      for (const child of children) child.decisive = decider ? child === decider : true;
      return { clause: rule.kind, result, decisive: true, children };
    }
    case 'not': {
      const child = explainRule(rule.rule, profile, nowMs, segments);
      return { clause: 'not', result: !child.result, decisive: true, children: [child] };
    }
    case 'attr': {
      const value = valueAt(profile, rule.path);
      return {
        clause: `${rule.path} ${describeTest(rule.test)}`,
        observed: `${rule.path} = ${show(value)}`,
        result: attrHolds(rule.test, value, nowMs),
        decisive: true,
        children: [],
      };
    }
    case 'event': {
      const count = eventCount(rule, profile, nowMs);
      return {
        clause: describeEvent(rule),
        observed: `count ${count}`,
        result: rule.count.every((test) => countHolds(test, count)),
        decisive: true,
        children: [],
      };
    }
    case 'consent': {
      const granted = profile.consent[rule.channel]?.granted === true;
      const suppressed = isSuppressed(profile, rule.channel);
      return {
        clause: `consent ${rule.channel}`,
        observed: `granted ${granted}, suppressed ${suppressed}`,
        result: granted && !suppressed,
        decisive: true,
        children: [],
      };
    }
    case 'reachable': {
      const granted = profile.consent[rule.channel]?.granted === true;
      const suppressed = isSuppressed(profile, rule.channel);
      const address = hasAddress(profile, rule.channel);
      return {
        clause: `reachable ${rule.channel}`,
        observed: `granted ${granted}, address ${address}, suppressed ${suppressed}`,
        result: granted && address && !suppressed,
        decisive: true,
        children: [],
      };
    }
    case 'segment': {
      const definition = segments.get(rule.id);
      if (!definition) throw new Error(`unknown segment "${rule.id}"`);
      const child = explainRule(definition.rule, profile, nowMs, segments);
      return { clause: `segment ${rule.id}`, result: child.result, decisive: true, children: [child] };
    }
    default: {
      const unreachable: never = rule;
      throw new Error(`unknown rule ${JSON.stringify(unreachable)}`);
    }
  }
}

/** The value at an attribute path, or undefined when any step is missing. */
function valueAt(profile: Profile, path: string): unknown {
  const resolved = resolveProfilePath(path);
  if (!resolved.ok) throw new Error(resolved.reason);
  let current: unknown = profile;
  for (const key of resolved.path.keys) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function attrHolds(test: AttrTest, value: unknown, nowMs: number): boolean {
  switch (test.op) {
    case 'eq':
      return sameScalar(value, test.value);
    case 'ne':
      return !sameScalar(value, test.value);
    case 'in':
      return test.value.some((candidate) => sameScalar(value, candidate));
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return typeof value === 'number' && countHolds(test, value);
    case 'between':
      return typeof value === 'number' && countHolds(test, value);
    case 'contains':
      if (Array.isArray(value)) return value.some((item) => item === test.value);
      return typeof value === 'string' && typeof test.value === 'string' && value.includes(test.value);
    case 'exists':
      return (value !== undefined && value !== null) === test.value;
    case 'olderThan':
    case 'newerThan': {
      const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      if (Number.isNaN(at)) return false;
      const age = nowMs - at;
      return test.op === 'olderThan' ? age >= test.value.ms : age < test.value.ms;
    }
    default: {
      const unreachable: never = test;
      throw new Error(`unknown operator ${JSON.stringify(unreachable)}`);
    }
  }
}

/** `eq null` matches a missing value too: YAML readers think of both as "not set". */
function sameScalar(value: unknown, expected: Scalar): boolean {
  return expected === null ? value === null || value === undefined : value === expected;
}

export function countHolds(test: CountTest, n: number): boolean {
  switch (test.op) {
    case 'eq':
      return n === test.value;
    case 'ne':
      return n !== test.value;
    case 'lt':
      return n < test.value;
    case 'lte':
      return n <= test.value;
    case 'gt':
      return n > test.value;
    case 'gte':
      return n >= test.value;
    case 'between':
      return n >= test.value[0] && n <= test.value[1];
    default: {
      const unreachable: never = test;
      throw new Error(`unknown comparison ${JSON.stringify(unreachable)}`);
    }
  }
}

function eventCount(rule: EventRule, profile: Profile, nowMs: number): number {
  const summary = profile.events[rule.event];
  const history = rule.where ? summary?.props?.[`${rule.where.property}=${rule.where.value}`] : summary;
  if (!history) return 0;
  if (!rule.within) return history.count;
  const hourly = usesHourlyBuckets(rule.within.ms);
  const bucketMs = hourly ? HOUR_MS : DAY_MS;
  let total = 0;
  for (const [, count] of bucketsInWindow(
    hourly ? history.hourly : history.daily,
    history.lastAt,
    nowMs,
    rule.within.ms,
    bucketMs,
  ))
    total += count;
  return total;
}

function isSuppressed(profile: Profile, channel: Channel): boolean {
  return channel === 'push' || channel === 'call' ? false : profile.suppressed[channel] === true;
}

function hasAddress(profile: Profile, channel: Channel): boolean {
  switch (channel) {
    case 'email':
      return Boolean(profile.channels.email);
    case 'sms':
    case 'call':
      // A number an agent reported wrong reaches nobody (shared/profiles/phone-status.ts).
      return Boolean(profile.channels.phone) && profile.channels.phoneWrongAt === undefined;
    case 'push':
      return profile.channels.push.some((device) => device.enabled);
    default: {
      const unreachable: never = channel;
      return unreachable;
    }
  }
}

export function describeTest(test: AttrTest | CountTest): string {
  if (test.op === 'olderThan' || test.op === 'newerThan') return `${test.op} ${test.value.text}`;
  return `${test.op} ${JSON.stringify(test.value)}`;
}

function describeEvent(rule: EventRule): string {
  const parts = [`event "${rule.event}"`];
  if (rule.where) parts.push(`${rule.where.property}=${rule.where.value}`);
  if (rule.within) parts.push(`within ${rule.within.text}`);
  parts.push(`count ${rule.count.map(describeTest).join(' and ')}`);
  return parts.join(' ');
}

function show(value: unknown): string {
  return value === undefined ? '(missing)' : JSON.stringify(value);
}
