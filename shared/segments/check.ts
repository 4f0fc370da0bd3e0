/**
 * Checks what the shape alone cannot: attribute paths exist in the profile schema and suit their
 * operator, referenced segments exist without cycles, property filters are declared in settings,
 * windows fit the history the profile keeps. Paths mirror the YAML, so issues can be located.
 */
import type { SourcePath } from '../config/located-error.js';
import type { Settings } from '../config/settings.js';
import { PROFILE_LIMITS } from '../profiles/limits.js';
import type { AttrRule, EventRule, Rule, Scalar, SegmentDefinition } from './ast.js';
import type { PathIssue } from './errors.js';
import { MAX_WINDOW_MS } from './event-window.js';
import { describeType, resolveProfilePath, type ValueType } from './profile-paths.js';

/** Definitions are numbered as in the file (item i of the YAML list) for located errors. */
export function checkDefinitions(
  definitions: readonly SegmentDefinition[],
  settings: Settings,
  itemIndexes?: readonly number[],
): PathIssue[] {
  const issues: PathIssue[] = [];
  const ids = new Set(definitions.map((definition) => definition.id));
  const references = new Map<string, { target: string; path: SourcePath }[]>();
  definitions.forEach((definition, position) => {
    const base: SourcePath = [itemIndexes?.[position] ?? position];
    const refs: { target: string; path: SourcePath }[] = [];
    walk(definition.rule, base, (rule, path) => {
      switch (rule.kind) {
        case 'attr':
          issues.push(...checkAttr(rule, path), ...checkTierValues(rule, path, settings));
          break;
        case 'event':
          issues.push(...checkEvent(rule, path, settings));
          break;
        case 'segment':
          if (!ids.has(rule.id))
            issues.push({
              path: [...path, 'segment'],
              reason: `unknown segment "${rule.id}" (defined: ${[...ids].join(', ') || 'none'})`,
            });
          else refs.push({ target: rule.id, path: [...path, 'segment'] });
          break;
        case 'consent':
        case 'reachable':
        case 'all':
        case 'any':
        case 'not':
          break;
        default: {
          const unreachable: never = rule;
          throw new Error(`unknown rule ${JSON.stringify(unreachable)}`);
        }
      }
    });
    references.set(definition.id, refs);
  });
  issues.push(
    ...findCycles(
      definitions.map((definition) => definition.id),
      references,
    ),
  );
  return issues;
}

/** Visits every rule with the YAML path it came from. */
function walk(rule: Rule, path: SourcePath, visit: (rule: Rule, path: SourcePath) => void): void {
  visit(rule, path);
  if (rule.kind === 'all' || rule.kind === 'any')
    rule.rules.forEach((child, index) => {
      walk(child, [...path, rule.kind, index], visit);
    });
  else if (rule.kind === 'not') walk(rule.rule, [...path, 'not'], visit);
}

function checkAttr(rule: AttrRule, path: SourcePath): PathIssue[] {
  const resolved = resolveProfilePath(rule.path);
  if (!resolved.ok) return [{ path: [...path, 'attr'], reason: resolved.reason }];
  const type = resolved.path.type;
  const at = [...path, rule.test.op];
  const wrongType = (needs: string): PathIssue[] => [
    { path: at, reason: `${rule.test.op} needs ${needs}, but ${rule.path} is ${describeType(type)}` },
  ];
  const test = rule.test;
  switch (test.op) {
    case 'eq':
    case 'ne':
      return checkComparable(test.op, test.value, type, rule.path, at);
    case 'in':
      return test.value.flatMap((value, index) => checkComparable('in', value, type, rule.path, [...at, index]));
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
    case 'between':
      return type.kind === 'number' || type.kind === 'scalar' ? [] : wrongType('a number attribute');
    case 'contains':
      if (type.kind === 'array')
        return checkComparable('contains', test.value, type.element, `an item of ${rule.path}`, at);
      if (type.kind === 'string' || type.kind === 'scalar') {
        return typeof test.value === 'string'
          ? []
          : [{ path: at, reason: `contains on text needs text, got ${JSON.stringify(test.value)}` }];
      }
      return wrongType('a list or text attribute');
    case 'exists':
      return [];
    case 'olderThan':
    case 'newerThan':
      return type.kind === 'timestamp' || type.kind === 'scalar' ? [] : wrongType('a timestamp attribute');
    default: {
      const unreachable: never = test;
      throw new Error(`unknown operator ${JSON.stringify(unreachable)}`);
    }
  }
}

/** `attr: tier` compares with tier ids: one settings.yaml does not list is a typo that matches no one. */
function checkTierValues(rule: AttrRule, path: SourcePath, settings: Settings): PathIssue[] {
  if (rule.path !== 'tier') return [];
  const test = rule.test;
  const values = test.op === 'eq' || test.op === 'ne' ? [test.value] : test.op === 'in' ? test.value : [];
  const ids = settings.tiers.map((tier) => tier.id);
  return values.flatMap((value, index) =>
    typeof value === 'string' && ids.includes(value)
      ? []
      : [
          {
            path: test.op === 'in' ? [...path, 'in', index] : [...path, test.op],
            reason: `${JSON.stringify(value)} is not a tier (settings.yaml tiers: ${ids.join(', ') || 'none'})`,
          },
        ],
  );
}

function checkComparable(op: string, value: Scalar, type: ValueType, name: string, at: SourcePath): PathIssue[] {
  if (value === null)
    return type.kind === 'array' || type.kind === 'object'
      ? [{ path: at, reason: `${op} null: ${name} is ${describeType(type)} (use exists: false)` }]
      : [];
  const mismatch = (): PathIssue[] => [
    { path: at, reason: `${op} ${JSON.stringify(value)}: ${name} is ${describeType(type)}` },
  ];
  switch (type.kind) {
    case 'string':
    case 'timestamp':
      return typeof value === 'string' ? [] : mismatch();
    case 'number':
      return typeof value === 'number' ? [] : mismatch();
    case 'boolean':
      return typeof value === 'boolean' ? [] : mismatch();
    case 'enum':
      return typeof value === 'string' && type.values.includes(value) ? [] : mismatch();
    case 'scalar':
      return [];
    case 'array':
      return [{ path: at, reason: `${op} compares one value, but ${name} is ${describeType(type)} (use contains)` }];
    case 'object':
      return [{ path: at, reason: `${op} compares one value, but ${name} is an object (name one of its fields)` }];
    default: {
      const unreachable: never = type;
      return unreachable;
    }
  }
}

function checkEvent(rule: EventRule, path: SourcePath, settings: Settings): PathIssue[] {
  const issues: PathIssue[] = [];
  if (rule.within && rule.within.ms > MAX_WINDOW_MS) {
    issues.push({
      path: [...path, 'within'],
      reason: `within ${rule.within.text} is longer than the ${PROFILE_LIMITS.dailyWindowDays}d of daily history a profile keeps`,
    });
  }
  if (rule.where) {
    const tracked = settings.trackedProperties[rule.event] ?? [];
    if (!tracked.includes(rule.where.property)) {
      const declared = tracked.length > 0 ? `tracked: ${tracked.join(', ')}` : 'it tracks no properties';
      issues.push({
        path: [...path, rule.where.property],
        reason: `property "${rule.where.property}" of "${rule.event}" is not tracked (${declared}); declare it under trackedProperties in settings.yaml`,
      });
    }
  }
  return issues;
}

/** Reports each reference that closes a cycle, naming the whole loop. */
function findCycles(
  ids: readonly string[],
  references: ReadonlyMap<string, readonly { target: string; path: SourcePath }[]>,
): PathIssue[] {
  const issues: PathIssue[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): void => {
    state.set(id, 'visiting');
    stack.push(id);
    for (const ref of references.get(id) ?? []) {
      const seen = state.get(ref.target);
      if (seen === 'visiting') {
        const loop = [...stack.slice(stack.indexOf(ref.target)), ref.target];
        issues.push({ path: ref.path, reason: `segment references form a cycle: ${loop.join(' → ')}` });
      } else if (seen === undefined) {
        visit(ref.target);
      }
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const id of ids) if (!state.has(id)) visit(id);
  return issues;
}
