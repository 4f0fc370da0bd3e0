/**
 * Segment evaluation on the real-time path (process-events): after a profile changes, only the
 * segments whose inputs changed — and those time can change — are evaluated again; the others
 * keep their membership. Also answers when the earliest time-window membership may lapse, which
 * the profile stores as `nextExpiryAt` for the expiry pass.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Settings } from '../config/settings.js';
import type { Profile } from '../profiles/schema.js';
import type { SegmentDefinition } from './ast.js';
import { checkDefinitions } from './check.js';
import { compileCheckedDefinitions, compileGetter, type CompiledSegments } from './compile.js';
import { SegmentRulesError } from './errors.js';
import { withTierSegments } from '../tiers/tier-segments.js';

export type { CompiledSegment, CompiledSegments } from './compile.js';

/** Checks and compiles definitions built in code; throws SegmentRulesError listing every problem. */
export function compileSegments(definitions: readonly SegmentDefinition[], settings: Settings): CompiledSegments {
  const issues = checkDefinitions(definitions, settings);
  if (issues.length > 0) throw new SegmentRulesError(issues);
  return withTierSegments(compileCheckedDefinitions(definitions, settings.spreadMinutes, settings.defaultTimezone), {
    tiers: settings.tiers,
    timezone: settings.defaultTimezone,
  });
}

export interface SegmentEvaluation {
  /** Every current membership (write this to `profile.segments`). */
  memberships: Record<string, { enteredAt: string }>;
  entered: string[];
  exited: string[];
  /** The earliest instant a membership may change with no new event (ISO); absent: none can. */
  nextExpiryAt?: string;
}

/**
 * Evaluates the segments that may have changed between `before` (as stored; undefined for a new
 * profile, or to evaluate everything, as a recheck does) and `after` (as about to be written).
 * Memberships start from `after.segments`; memberships of segments no longer defined are dropped.
 * `before` and `after` must be distinct objects (the reducer must not mutate in place).
 */
export function evaluateChanged(
  compiled: CompiledSegments,
  before: Profile | undefined,
  after: Profile,
  nowMs: number,
): SegmentEvaluation {
  const changed = before === undefined ? undefined : changedInputs(compiled, before, after);
  const memberships: Record<string, { enteredAt: string }> = {};
  const entered: string[] = [];
  const exited: string[] = [];
  let nextExpiry = Infinity;
  const enteredAt = new Date(nowMs).toISOString();
  for (const segment of compiled.segments) {
    const previous = after.segments[segment.id];
    const stale =
      changed === undefined ||
      segment.nextChange !== undefined ||
      [...segment.inputs.keys()].some((input) => changed.has(input));
    const member = stale ? segment.test(after, nowMs) : previous !== undefined;
    if (member) memberships[segment.id] = previous ?? { enteredAt };
    if (member && !previous) entered.push(segment.id);
    if (!member && previous) exited.push(segment.id);
    if (segment.nextChange) nextExpiry = Math.min(nextExpiry, segment.nextChange(after, nowMs));
  }
  const result: SegmentEvaluation = { memberships, entered, exited };
  if (Number.isFinite(nextExpiry)) result.nextExpiryAt = new Date(nextExpiry).toISOString();
  return result;
}

/** Evaluates every segment (a recheck, a changed campaign, `sadakat segment size`). */
export function evaluateAll(compiled: CompiledSegments, profile: Profile, nowMs: number): SegmentEvaluation {
  return evaluateChanged(compiled, undefined, profile, nowMs);
}

/** The names of the inputs (across all segments) whose values differ between the two profiles. */
function changedInputs(compiled: CompiledSegments, before: Profile, after: Profile): Set<string> {
  const changed = new Set<string>();
  for (const [name, input] of inputsOf(compiled)) {
    if (!sameInput(input, before, after)) changed.add(name);
  }
  return changed;
}

interface Input {
  keys: readonly string[];
  get: (profile: Profile) => unknown;
}

const inputCache = new WeakMap<CompiledSegments, Map<string, Input>>();

function inputsOf(compiled: CompiledSegments): Map<string, Input> {
  let inputs = inputCache.get(compiled);
  if (!inputs) {
    inputs = new Map();
    for (const segment of compiled.segments) {
      for (const [name, keys] of segment.inputs) inputs.set(name, { keys, get: compileGetter(keys) });
    }
    inputCache.set(compiled, inputs);
  }
  return inputs;
}

function sameInput(input: Input, before: Profile, after: Profile): boolean {
  const a = input.get(before);
  const b = input.get(after);
  if (a === b) return true;
  // Every new event moves its summary's count and lastAt (the window buckets and property
  // counters only change with them), so comparing those two is enough.
  if (input.keys[0] === 'events' && input.keys.length === 2 && isHistory(a) && isHistory(b))
    return a.count === b.count && a.lastAt === b.lastAt;
  return isDeepStrictEqual(a, b);
}

function isHistory(value: unknown): value is { count: number; lastAt: string } {
  return typeof value === 'object' && value !== null && 'count' in value && 'lastAt' in value;
}
