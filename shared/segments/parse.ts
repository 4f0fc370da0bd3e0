/**
 * Turns the YAML value of segments.yaml into the AST. The kind of each rule is picked from its
 * key (all, any, not, attr, event, consent, reachable, segment) so that errors name the right
 * node, instead of a zod union's "no option matched". Every problem is collected.
 */
import type { z } from 'zod';
import type { SourcePath } from '../config/located-error.js';
import { describeZodIssue, zodIssuePath } from '../config/located-error.js';
import { PREDICATE_SCHEMAS, RULE_KEYS, segmentIdSchema, type Rule, type SegmentDefinition } from './ast.js';
import type { PathIssue } from './errors.js';

/**
 * Stands in for a child rule that failed to parse, so its siblings are still checked. Its issue
 * is already recorded, and definitions with issues are never compiled.
 */
const PARSE_FAILED: Rule = { kind: 'any', rules: [] };

/** Definitions are best-effort when `issues` is not empty: good for more checks, not for use. */
export interface ParsedSegments {
  definitions: SegmentDefinition[];
  /** The YAML list index of each definition (invalid items are skipped), for located errors. */
  itemIndexes: number[];
  issues: PathIssue[];
}

const DEFINITION_KEYS = ['id', 'description'];

export function parseSegmentDefinitions(document: unknown): ParsedSegments {
  const issues: PathIssue[] = [];
  const definitions: SegmentDefinition[] = [];
  const itemIndexes: number[] = [];
  if (document === null || document === undefined) return { definitions, itemIndexes, issues };
  if (!Array.isArray(document)) {
    return {
      definitions,
      itemIndexes,
      issues: [{ path: [], reason: 'segments.yaml must be a list of segments (- id: …)' }],
    };
  }
  const firstIndex = new Map<string, number>();
  document.forEach((item: unknown, index) => {
    if (!isRecord(item)) {
      issues.push({
        path: [index],
        reason: 'a segment is a mapping with an id and one rule (all, any, not or a predicate)',
      });
      return;
    }
    const id = segmentIdSchema.safeParse(item.id);
    if (!id.success) {
      issues.push({
        path: [index, 'id'],
        reason: item.id === undefined ? 'a segment needs an id' : `id: ${id.error.issues[0]?.message}`,
      });
    } else if (firstIndex.has(id.data)) {
      issues.push({
        path: [index, 'id'],
        reason: `duplicate segment id "${id.data}" (first defined as item ${(firstIndex.get(id.data) ?? 0) + 1})`,
      });
    } else {
      firstIndex.set(id.data, index);
    }
    if (item.description !== undefined && typeof item.description !== 'string') {
      issues.push({ path: [index, 'description'], reason: 'description must be text' });
    }
    const ruleFields = Object.fromEntries(Object.entries(item).filter(([key]) => !DEFINITION_KEYS.includes(key)));
    const rule = parseRule(ruleFields, [index], issues);
    // Kept even when other parts failed, so the semantic checks can report their problems too.
    if (rule) {
      const definition: SegmentDefinition = { id: id.success ? id.data : `(item ${index + 1})`, rule };
      if (typeof item.description === 'string') definition.description = item.description;
      definitions.push(definition);
      itemIndexes.push(index);
    }
  });
  return { definitions, itemIndexes, issues };
}

/** Parses one rule; returns undefined (with issues recorded) when it is not valid. */
export function parseRule(value: unknown, path: SourcePath, issues: PathIssue[]): Rule | undefined {
  if (!isRecord(value)) {
    issues.push({ path, reason: `a rule is a mapping with one of: ${RULE_KEYS.join(', ')}` });
    return undefined;
  }
  const kinds = RULE_KEYS.filter((key) => key in value);
  if (kinds.length === 0) {
    const keys = Object.keys(value);
    const found =
      keys.length === 0
        ? 'an empty rule'
        : `unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}`;
    issues.push({
      path: keys.length > 0 ? [...path, keys[0] as string] : path,
      reason: `${found}; a rule has one of: ${RULE_KEYS.join(', ')}`,
    });
    return undefined;
  }
  if (kinds.length > 1) {
    issues.push({
      path: [...path, kinds[1] as string],
      reason: `one rule per mapping, found ${kinds.join(' and ')}; combine them with all: [...] or any: [...]`,
    });
    return undefined;
  }
  const kind = kinds[0] as string;
  switch (kind) {
    case 'all':
    case 'any':
      return parseList(kind, value, path, issues);
    case 'not': {
      rejectExtraKeys(value, 'not', path, issues);
      const rule = parseRule(value.not, [...path, 'not'], issues);
      return rule && { kind: 'not', rule };
    }
    default:
      return parsePredicate(kind as keyof typeof PREDICATE_SCHEMAS, value, path, issues);
  }
}

function parseList(
  kind: 'all' | 'any',
  value: Record<string, unknown>,
  path: SourcePath,
  issues: PathIssue[],
): Rule | undefined {
  rejectExtraKeys(value, kind, path, issues);
  const list = value[kind];
  if (!Array.isArray(list) || list.length === 0) {
    issues.push({ path: [...path, kind], reason: `${kind} takes a non-empty list of rules` });
    return undefined;
  }
  const rules = list.map((child, index) => parseRule(child, [...path, kind, index], issues));
  return { kind, rules: rules.map((rule) => rule ?? PARSE_FAILED) };
}

function parsePredicate(
  kind: keyof typeof PREDICATE_SCHEMAS,
  value: Record<string, unknown>,
  path: SourcePath,
  issues: PathIssue[],
): Rule | undefined {
  const schema: z.ZodType<Rule> = PREDICATE_SCHEMAS[kind];
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues)
    issues.push({ path: [...path, ...zodIssuePath(issue)], reason: describeZodIssue(issue) });
  return undefined;
}

function rejectExtraKeys(value: Record<string, unknown>, kind: string, path: SourcePath, issues: PathIssue[]): void {
  for (const key of Object.keys(value)) {
    if (key !== kind) issues.push({ path: [...path, key], reason: `unknown key "${key}" beside ${kind}` });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
