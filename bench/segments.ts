/**
 * Segment evaluation speed: evaluations per CPU-second of the same 20 rules over the same
 * synthetic profiles, our compiled rules beside three peers measured in the same run: a
 * hand-written TypeScript function per rule (the practical limit), json-logic-js and
 * json-rules-engine (the rule engines people reach for), each with the rules translated into its
 * own form and its window and age tests running the very helpers the hand-written rules use.
 * Before any timing, every peer's answer is compared with ours per profile and rule (a fast
 * wrong answer is no figure), and each timed run counts its members, checked again.
 *
 * Standalone: `tsx bench/segments.ts [profiles]` (default 100,000).
 */
import jsonLogic, { type RulesLogic } from 'json-logic-js';
import { Engine, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';
import { pathToFileURL } from 'node:url';
import { defaultSettings } from '../shared/config/settings.js';
import { emptyProfile, type EventHistory, type Profile } from '../shared/profiles/schema.js';
import { compileSegmentsSource } from '../shared/segments/load-segments.js';
import { epochMs } from '../shared/segments/timestamp.js';
import { formatRows, type BenchRow } from './bench-row.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const NOW = Date.parse('2026-05-10T12:00:00Z');
const SETTINGS = {
  ...defaultSettings,
  trackedProperties: { 'Product Viewed': ['category'], 'Product Added': ['category'] },
};

// ── the 20 rules, in each form ────────────────────────────────────────────────────────────────

const SEGMENTS_YAML = `
- { id: viewed_7d, event: Product Viewed, within: 7d }
- id: viewed_not_bought
  all: [{ event: Product Viewed, within: 7d }, { not: { event: Order Completed, within: 7d } }, { consent: email }]
- id: cart_abandoned
  all: [{ event: Product Added, within: 1d }, { not: { event: Order Completed, within: 1d } }]
- { id: best, attr: rfm.segment, in: [champions, loyal_customers] }
- id: churn_risk
  all: [{ attr: clv.pAlive, lt: 0.3 }, { attr: orders.count, gte: 2 }]
- { id: new_customers, attr: orders.firstAt, newerThan: 30d }
- { id: email_reachable, reachable: email }
- { id: lapsed_60d, attr: orders.lastAt, olderThan: 60d }
- { id: nps_detractors, attr: traits.nps, lte: 6 }
- { id: sms_reachable, reachable: sms }
- { id: push_reachable, reachable: push }
- { id: high_value, attr: orders.revenue, gte: 1000 }
- { id: frequent_viewer, event: Product Viewed, within: 48h, count: { gte: 3 } }
- { id: shoe_browsers, event: Product Viewed, within: 30d, category: shoes }
- { id: big_cart, attr: cart.value, gt: 200 }
- { id: gold_plan, attr: traits.plan, eq: gold }
- id: vip
  any: [{ attr: rfm.segment, eq: champions }, { attr: clv.value12m, gt: 500 }, { attr: traits.vip, eq: true }]
- { id: refunders, attr: refunds.count, gte: 2 }
- id: one_timers
  all: [{ attr: orders.count, eq: 1 }, { attr: orders.firstAt, olderThan: 30d }]
- id: win_back
  all: [{ segment: lapsed_60d }, { consent: email }, { not: { event: Order Completed, within: 30d } }]
`;

/**
 * The window test every approach shares — hand-written rules and the peers' custom operations
 * alike: the same algorithm as the compiled rules (a newest event before the window settles it;
 * the buckets are read only when lastAt does not answer), so each ratio measures the engine
 * around it, not a different algorithm.
 */
function atLeastWithin(history: EventHistory | undefined | null, windowMs: number, now: number, atLeast = 1): boolean {
  if (!history) return false;
  const bucketMs = windowMs <= 48 * HOUR ? HOUR : DAY;
  const first = Math.floor((now - windowMs) / bucketMs);
  if (Math.floor(epochMs(history.lastAt) / bucketMs) < first) return false;
  if (atLeast <= 1) return true;
  const buckets = bucketMs === HOUR ? history.hourly : history.daily;
  let total = 0;
  for (const key in buckets) if (+key >= first && (total += buckets[key] as number) >= atLeast) return true;
  return false;
}

/** Every approach reads timestamps with the same parser as the compiled rules. */
function ageMs(iso: string | undefined | null, now: number): number {
  return typeof iso === 'string' ? now - epochMs(iso) : Number.NaN;
}

const emailConsent = (p: Profile): boolean => p.consent.email?.granted === true && p.suppressed.email !== true;
const lapsed60 = (p: Profile, now: number): boolean => ageMs(p.orders.lastAt, now) >= 60 * DAY;

type Hand = (p: Profile, now: number) => boolean;
const HAND_WRITTEN: Record<string, Hand> = {
  viewed_7d: (p, now) => atLeastWithin(p.events['Product Viewed'], 7 * DAY, now),
  viewed_not_bought: (p, now) =>
    atLeastWithin(p.events['Product Viewed'], 7 * DAY, now) &&
    !atLeastWithin(p.events['Order Completed'], 7 * DAY, now) &&
    emailConsent(p),
  cart_abandoned: (p, now) =>
    atLeastWithin(p.events['Product Added'], DAY, now) && !atLeastWithin(p.events['Order Completed'], DAY, now),
  best: (p) => p.rfm?.segment === 'champions' || p.rfm?.segment === 'loyal_customers',
  churn_risk: (p) => p.clv?.pAlive !== undefined && p.clv.pAlive < 0.3 && p.orders.count >= 2,
  new_customers: (p, now) => ageMs(p.orders.firstAt, now) < 30 * DAY,
  email_reachable: (p) => emailConsent(p) && Boolean(p.channels.email),
  lapsed_60d: lapsed60,
  nps_detractors: (p) => typeof p.traits.nps === 'number' && p.traits.nps <= 6,
  sms_reachable: (p) => p.consent.sms?.granted === true && p.suppressed.sms !== true && Boolean(p.channels.phone),
  push_reachable: (p) => p.consent.push?.granted === true && p.channels.push.some((d) => d.enabled),
  high_value: (p) => p.orders.revenue >= 1000,
  frequent_viewer: (p, now) => atLeastWithin(p.events['Product Viewed'], 48 * HOUR, now, 3),
  shoe_browsers: (p, now) => atLeastWithin(p.events['Product Viewed']?.props?.['category=shoes'], 30 * DAY, now),
  big_cart: (p) => p.cart.value > 200,
  gold_plan: (p) => p.traits.plan === 'gold',
  vip: (p) =>
    p.rfm?.segment === 'champions' || (p.clv?.value12m !== undefined && p.clv.value12m > 500) || p.traits.vip === true,
  refunders: (p) => p.refunds.count >= 2,
  one_timers: (p, now) => p.orders.count === 1 && ageMs(p.orders.firstAt, now) >= 30 * DAY,
  win_back: (p, now) =>
    lapsed60(p, now) && emailConsent(p) && !atLeastWithin(p.events['Order Completed'], 30 * DAY, now),
};

// json-logic: `var` reads paths; windows and ages are operations of their own (registered below)
// running the shared helpers above. Its typings do not know custom operations, so rules are
// plain JSON until applied.
type Logic = Record<string, unknown>;
const jl = {
  age: (path: string): Logic => ({ age_ms: [{ var: `p.${path}` }, { var: 'now' }] }),
  /** A number the profile always has (`orders.count`, `cart.value`…). */
  num: (path: string, op: '<' | '<=' | '>' | '>=' | '===', value: number): Logic => ({
    [op]: [{ var: `p.${path}` }, value],
  }),
  /** An optional number: json-logic reads a missing one as null, and `null < 0.3` holds in JS, so it is tested first. */
  optionalNum: (path: string, op: '<' | '<=' | '>' | '>=', value: number): Logic => ({
    and: [{ '!=': [{ var: `p.${path}` }, null] }, { [op]: [{ var: `p.${path}` }, value] }],
  }),
  emailConsent: {
    and: [{ '===': [{ var: 'p.consent.email.granted' }, true] }, { '!==': [{ var: 'p.suppressed.email' }, true] }],
  },
};
const jlEvents = (path: string, windowMs: number, atLeast = 1): Logic => ({
  at_least_within: [{ var: `p.events.${path}` }, windowMs, { var: 'now' }, atLeast],
});
const jlLapsed = { '>=': [jl.age('orders.lastAt'), 60 * DAY] };
const JSON_LOGIC: Record<string, Logic> = {
  viewed_7d: jlEvents('Product Viewed', 7 * DAY),
  viewed_not_bought: {
    and: [jlEvents('Product Viewed', 7 * DAY), { '!': jlEvents('Order Completed', 7 * DAY) }, jl.emailConsent],
  },
  cart_abandoned: { and: [jlEvents('Product Added', DAY), { '!': jlEvents('Order Completed', DAY) }] },
  best: { in: [{ var: 'p.rfm.segment' }, ['champions', 'loyal_customers']] },
  churn_risk: { and: [jl.optionalNum('clv.pAlive', '<', 0.3), jl.num('orders.count', '>=', 2)] },
  new_customers: { '<': [jl.age('orders.firstAt'), 30 * DAY] },
  email_reachable: { and: [jl.emailConsent, { '!!': { var: 'p.channels.email' } }] },
  lapsed_60d: jlLapsed,
  nps_detractors: jl.optionalNum('traits.nps', '<=', 6),
  sms_reachable: {
    and: [
      { '===': [{ var: 'p.consent.sms.granted' }, true] },
      { '!==': [{ var: 'p.suppressed.sms' }, true] },
      { '!!': { var: 'p.channels.phone' } },
    ],
  },
  push_reachable: {
    and: [
      { '===': [{ var: 'p.consent.push.granted' }, true] },
      { some: [{ var: 'p.channels.push' }, { var: 'enabled' }] },
    ],
  },
  high_value: jl.num('orders.revenue', '>=', 1000),
  frequent_viewer: jlEvents('Product Viewed', 48 * HOUR, 3),
  shoe_browsers: jlEvents('Product Viewed.props.category=shoes', 30 * DAY),
  big_cart: jl.num('cart.value', '>', 200),
  gold_plan: { '===': [{ var: 'p.traits.plan' }, 'gold'] },
  vip: {
    or: [
      { '===': [{ var: 'p.rfm.segment' }, 'champions'] },
      jl.optionalNum('clv.value12m', '>', 500),
      { '===': [{ var: 'p.traits.vip' }, true] },
    ],
  },
  refunders: jl.num('refunds.count', '>=', 2),
  one_timers: { and: [jl.num('orders.count', '===', 1), { '>=': [jl.age('orders.firstAt'), 30 * DAY] }] },
  win_back: { and: [jlLapsed, jl.emailConsent, { '!': jlEvents('Order Completed', 30 * DAY) }] },
};
jsonLogic.add_operation('at_least_within', atLeastWithin);
jsonLogic.add_operation('age_ms', ageMs);

// json-rules-engine, configured as its docs advise for speed: one Engine reused for every run,
// `allowUndefinedFacts`, a plain dot-path `pathResolver` instead of the default JSONPath, and no
// dynamic facts — every condition reads the `profile` runtime fact by path, and windows, ages
// and devices are synchronous custom operators (the window in the operator's name, `now` the
// other runtime fact, compared as a fact value).
type Condition =
  | { fact: string; operator: string; value: unknown; path?: string }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };
const fact = (path: string, operator: string, value: unknown): Condition => ({
  fact: 'profile',
  path,
  operator,
  value,
});
const NOW_FACT = { fact: 'now' };
const windowOperators = new Map<string, (history: EventHistory | undefined, now: number) => boolean>();
const windowFact = (path: string, windowMs: number, atLeast = 1): Condition => {
  const operator = `atLeast${atLeast}Within${windowMs}ms`;
  windowOperators.set(operator, (history, now) => atLeastWithin(history, windowMs, now, atLeast));
  return fact(`events.${path}`, operator, NOW_FACT);
};
const ageOperators = new Map<string, (iso: string | undefined, now: number) => boolean>();
const ageFact = (field: 'firstAt' | 'lastAt', older: boolean, ms: number): Condition => {
  const operator = `${older ? 'olderThan' : 'newerThan'}${ms}ms`;
  ageOperators.set(operator, older ? (iso, now) => ageMs(iso, now) >= ms : (iso, now) => ageMs(iso, now) < ms);
  return fact(`orders.${field}`, operator, NOW_FACT);
};
const jreEmailConsent: Condition = {
  all: [fact('consent.email.granted', 'equal', true), fact('suppressed.email', 'notEqual', true)],
};
const jreLapsed = ageFact('lastAt', true, 60 * DAY);
const RULES_ENGINE: Record<string, Condition> = {
  viewed_7d: { all: [windowFact('Product Viewed', 7 * DAY)] },
  viewed_not_bought: {
    all: [windowFact('Product Viewed', 7 * DAY), { not: windowFact('Order Completed', 7 * DAY) }, jreEmailConsent],
  },
  cart_abandoned: { all: [windowFact('Product Added', DAY), { not: windowFact('Order Completed', DAY) }] },
  best: { all: [fact('rfm.segment', 'in', ['champions', 'loyal_customers'])] },
  churn_risk: { all: [fact('clv.pAlive', 'lessThan', 0.3), fact('orders.count', 'greaterThanInclusive', 2)] },
  new_customers: { all: [ageFact('firstAt', false, 30 * DAY)] },
  email_reachable: { all: [jreEmailConsent, fact('channels.email', 'present', true)] },
  lapsed_60d: { all: [jreLapsed] },
  nps_detractors: { all: [fact('traits.nps', 'lessThanInclusive', 6)] },
  sms_reachable: {
    all: [
      fact('consent.sms.granted', 'equal', true),
      fact('suppressed.sms', 'notEqual', true),
      fact('channels.phone', 'present', true),
    ],
  },
  push_reachable: { all: [fact('consent.push.granted', 'equal', true), fact('channels.push', 'anyEnabled', true)] },
  high_value: { all: [fact('orders.revenue', 'greaterThanInclusive', 1000)] },
  frequent_viewer: { all: [windowFact('Product Viewed', 48 * HOUR, 3)] },
  shoe_browsers: { all: [windowFact('Product Viewed.props.category=shoes', 30 * DAY)] },
  big_cart: { all: [fact('cart.value', 'greaterThan', 200)] },
  gold_plan: { all: [fact('traits.plan', 'equal', 'gold')] },
  vip: {
    any: [
      fact('rfm.segment', 'equal', 'champions'),
      fact('clv.value12m', 'greaterThan', 500),
      fact('traits.vip', 'equal', true),
    ],
  },
  refunders: { all: [fact('refunds.count', 'greaterThanInclusive', 2)] },
  one_timers: { all: [fact('orders.count', 'equal', 1), ageFact('firstAt', true, 30 * DAY)] },
  win_back: { all: [jreLapsed, jreEmailConsent, { not: windowFact('Order Completed', 30 * DAY) }] },
};

/** Dot paths, split once per path (event names have spaces but no dots). */
function dotPathResolver(): (value: object, path: string) => unknown {
  const split = new Map<string, string[]>();
  return (value, path) => {
    let keys = split.get(path);
    if (!keys) split.set(path, (keys = path.split('.')));
    let current: unknown = value;
    for (const key of keys) {
      if (current === null || current === undefined) return undefined;
      current = (current as Record<string, unknown>)[key];
    }
    return current;
  };
}

function rulesEngine(): Engine {
  const engine = new Engine(
    Object.entries(RULES_ENGINE).map(
      ([id, conditions]): RuleProperties => ({
        name: id,
        conditions: conditions as TopLevelCondition,
        event: { type: id },
      }),
    ),
    { allowUndefinedFacts: true, pathResolver: dotPathResolver() },
  );
  engine.addOperator(
    'present',
    (value: unknown, wanted: unknown) => (value !== undefined && value !== null && value !== '') === wanted,
  );
  engine.addOperator(
    'anyEnabled',
    (devices: Profile['channels']['push'] | undefined, wanted: boolean) =>
      (devices?.some((d) => d.enabled) ?? false) === wanted,
  );
  for (const [name, holds] of windowOperators) engine.addOperator(name, holds);
  for (const [name, holds] of ageOperators) engine.addOperator(name, holds);
  return engine;
}

// ── synthetic profiles ────────────────────────────────────────────────────────────────────────

/** mulberry32: a seeded generator, so every run measures the same profiles. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const SEGMENTS = ['champions', 'loyal_customers', 'at_risk', 'hibernating', 'promising'] as const;

export function syntheticProfiles(n: number, seed = 7): Profile[] {
  const random = seeded(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const iso = (ms: number) => new Date(ms).toISOString();
  const history = (maxBack: number): EventHistory => {
    const daily: Record<string, number> = {};
    const hourly: Record<string, number> = {};
    let count = 0;
    let last = 0;
    for (let i = 0, events = 1 + Math.floor(random() * 5); i < events; i++) {
      const at = NOW - Math.floor(random() * maxBack);
      const day = String(Math.floor(at / DAY));
      const hour = String(Math.floor(at / HOUR));
      daily[day] = (daily[day] ?? 0) + 1;
      if (NOW - at <= 48 * HOUR) hourly[hour] = (hourly[hour] ?? 0) + 1;
      count++;
      last = Math.max(last, at);
    }
    return { lastAt: iso(last), count, daily, hourly };
  };
  const consent = () => ({ granted: random() < 0.7, at: iso(NOW - 200 * DAY) });
  return Array.from({ length: n }, (_, i) => {
    const p = emptyProfile(`c-${i}`, iso(NOW - 400 * DAY));
    const orders = Math.floor(random() * 4);
    if (orders > 0) {
      p.orders.count = orders;
      p.orders.revenue = Math.round(random() * 2000);
      p.orders.firstAt = iso(NOW - Math.floor(random() * 300 * DAY));
      p.orders.lastAt = iso(NOW - Math.floor(random() * 120 * DAY));
      p.events['Order Completed'] = history(60 * DAY);
    }
    if (random() < 0.6) {
      const viewed = history(40 * DAY);
      p.events['Product Viewed'] =
        random() < 0.5 ? { ...viewed, props: { [`category=${pick(['shoes', 'bags'])}`]: history(40 * DAY) } } : viewed;
    }
    if (random() < 0.3) p.events['Product Added'] = history(3 * DAY);
    if (random() < 0.5) p.rfm = { r: 3, f: 3, m: 3, segment: pick(SEGMENTS) };
    if (random() < 0.5)
      p.clv = { pAlive: random(), expectedPurchases30d: random(), value12m: random() * 1000, tier: 'low' };
    if (random() < 0.8) p.channels.email = `c${i}@example.com`;
    if (random() < 0.4) p.channels.phone = '+905551112233';
    if (random() < 0.3)
      p.channels.push.push({ token: `t${i}`, platform: 'ios', enabled: random() < 0.8, at: iso(NOW) });
    p.consent.email = consent();
    if (random() < 0.5) p.consent.sms = consent();
    if (random() < 0.3) p.consent.push = consent();
    if (random() < 0.05) p.suppressed.email = true;
    if (random() < 0.3) p.traits.nps = Math.floor(random() * 11);
    if (random() < 0.3) p.traits.plan = pick(['gold', 'silver']);
    if (random() < 0.1) p.traits.vip = true;
    p.cart.value = random() < 0.3 ? Math.round(random() * 400) : 0;
    p.refunds.count = random() < 0.1 ? 2 : 0;
    return p;
  });
}

// ── measuring ─────────────────────────────────────────────────────────────────────────────────

/** One approach: how many (profile, rule) pairs hold over `profiles` (the count keeps every answer live). */
type Side = (profiles: readonly Profile[]) => number | Promise<number>;

/** Every rule on every profile, members counted. */
function syncSide(tests: readonly Hand[]): Side {
  return (profiles) => {
    let members = 0;
    for (const profile of profiles) {
      for (let r = 0; r < tests.length; r++) if ((tests[r] as Hand)(profile, NOW)) members++;
    }
    return members;
  };
}

/** One engine run per profile: json-rules-engine evaluates all its rules in a run. */
function rulesEngineSide(engine: Engine): Side {
  return async (profiles) => {
    let members = 0;
    for (const profile of profiles) members += (await engine.run({ profile, now: NOW })).events.length;
    return members;
  };
}

interface Race {
  ours: number;
  peer: number;
}

/** CPU milliseconds (all of the process's threads: a peer's garbage collections count) for `times` runs of a side. */
async function cpuTime(
  side: Side,
  profiles: readonly Profile[],
  times: number,
): Promise<{ ms: number; members: number }> {
  const started = process.cpuUsage();
  let members = 0;
  for (let i = 0; i < times; i++) {
    const counted = side(profiles);
    members = typeof counted === 'number' ? counted : await counted;
  }
  const used = process.cpuUsage(started);
  return { ms: (used.user + used.system) / 1000 / times, members };
}

/** Each timing lasts at least this long (a fast side runs the profiles several times). */
const TIMING_MS = 100;

/**
 * Evaluations per CPU-second of both sides over the same profiles, best of `rounds` timings each,
 * the sides alternating, after one untimed run each. CPU time, not wall time: the machine is
 * shared, and a process waiting for a core spends wall time but no CPU time, while the
 * collections an allocating peer causes (on helper threads too) are counted against it.
 */
async function race(
  profiles: readonly Profile[],
  rounds: number,
  ours: Side,
  peer: Side,
  rules: number,
): Promise<Race> {
  const times = async (side: Side) =>
    Math.max(1, Math.ceil(TIMING_MS / Math.max((await cpuTime(side, profiles, 1)).ms, 0.01)));
  const oursTimes = await times(ours);
  const peerTimes = await times(peer);
  let best = { ours: Infinity, peer: Infinity };
  for (let round = 0; round < rounds; round++) {
    const o = await cpuTime(ours, profiles, oursTimes);
    const p = await cpuTime(peer, profiles, peerTimes);
    if (o.members !== p.members)
      throw new Error(`the two sides count ${o.members} and ${p.members} members on the same profiles`);
    best = { ours: Math.min(best.ours, o.ms), peer: Math.min(best.peer, p.ms) };
  }
  const evaluations = profiles.length * rules;
  return { ours: evaluations / (best.ours / 1000), peer: evaluations / (best.peer / 1000) };
}

/** Per profile and rule, the peer's answer must be ours; returns how many answers were compared. */
async function assertSameAnswers(
  name: string,
  ids: readonly string[],
  profiles: readonly Profile[],
  ours: readonly Hand[],
  peer: (p: Profile) => boolean[] | Promise<boolean[]>,
): Promise<number> {
  const wrong: string[] = [];
  for (const profile of profiles) {
    const theirs = await peer(profile);
    ids.forEach((id, r) => {
      const expected = (ours[r] as Hand)(profile, NOW);
      if (theirs[r] !== expected) wrong.push(`${profile.id} ${id}: ${String(theirs[r])}, ours ${String(expected)}`);
    });
  }
  if (wrong.length > 0)
    throw new Error(
      `${name} answer differently from the compiled rules on ${wrong.length} of ${profiles.length * ids.length}: ${wrong.slice(0, 5).join('; ')}`,
    );
  return profiles.length * ids.length;
}

export const TITLE =
  'segment evaluation: 20 rules (targets: ≥ 0.5× hand-written, ≥ 20× json-logic-js, ≥ 500× json-rules-engine)';

export async function run(options: { profiles?: number } = {}): Promise<BenchRow[]> {
  const total = options.profiles ?? 100_000;
  const profiles = syntheticProfiles(total);
  const compiled = compileSegmentsSource('bench/segments.yaml', SEGMENTS_YAML, SETTINGS);
  if (!compiled.ok) throw new Error(compiled.errors.map((e) => `${e.line}:${e.column}: ${e.reason}`).join('\n'));
  const ids = compiled.compiled.segments.map((segment) => segment.id);
  const ours = compiled.compiled.segments.map((segment) => segment.test);
  const hand = ids.map((id) => HAND_WRITTEN[id] as Hand);
  const logicRules = ids.map((id) => JSON_LOGIC[id] as unknown as RulesLogic);
  /** json-logic-js's answers for one profile: one data object, every rule applied to it. */
  const logic = (p: Profile): boolean[] => {
    const data = { p, now: NOW };
    return logicRules.map((rule) => jsonLogic.apply(rule, data) === true);
  };
  const logicSide: Side = (subset) => {
    let members = 0;
    for (const p of subset) {
      const data = { p, now: NOW };
      for (const rule of logicRules) if (jsonLogic.apply(rule, data) === true) members++;
    }
    return members;
  };
  const engine = rulesEngine();

  // The peers are slower by orders of magnitude: they see a prefix of the same profiles, and
  // ours is timed on that same prefix beside each of them.
  const logicProfiles = profiles.slice(0, Math.min(total, 10_000));
  const engineProfiles = profiles.slice(0, Math.min(total, 1_000));
  const agreed = {
    hand: await assertSameAnswers('hand-written TypeScript rules', ids, profiles, ours, (p) =>
      hand.map((test) => test(p, NOW)),
    ),
    logic: await assertSameAnswers('json-logic-js rules', ids, logicProfiles, ours, logic),
    engine: await assertSameAnswers('json-rules-engine rules', ids, engineProfiles, ours, async (p) => {
      const held = new Set((await engine.run({ profile: p, now: NOW })).events.map((event) => event.type));
      return ids.map((id) => held.has(id));
    }),
  };

  const vsHand = await race(profiles, 5, syncSide(ours), syncSide(hand), ids.length);
  const vsLogic = await race(logicProfiles, 5, syncSide(ours), logicSide, ids.length);
  const vsEngine = await race(engineProfiles, 5, syncSide(ours), rulesEngineSide(engine), ids.length);

  const row = (peerName: string, side: Race, count: number, answers: number): BenchRow => ({
    name: `compiled segment rules vs ${peerName}`,
    value: side.ours,
    unit: 'evaluations per CPU-second',
    peerName: `${peerName} (${count.toLocaleString('en-US')} profiles; all ${answers.toLocaleString('en-US')} answers agree)`,
    peer: side.peer,
    ratio: side.ours / side.peer,
  });
  return [
    row('hand-written TypeScript', vsHand, total, agreed.hand),
    row('json-logic-js', vsLogic, logicProfiles.length, agreed.logic),
    row('json-rules-engine', vsEngine, engineProfiles.length, agreed.engine),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const profiles = process.argv[2] ? Number(process.argv[2]) : undefined;
  const rows = await run(profiles === undefined ? {} : { profiles });
  process.stdout.write(`${formatRows(TITLE, rows)}\n`);
}
