/**
 * The attribute paths segment rules may name, and the type at each, found by walking the zod
 * `profileSchema` (DESIGN "Profile": the schema is the single source of the paths). A field
 * added to the schema becomes nameable in rules with no change here.
 */
import * as z from 'zod';
import { isoTimestamp, profileSchema } from '../profiles/schema.js';

export type ValueType =
  | { kind: 'string' }
  | { kind: 'timestamp' }
  | { kind: 'number' }
  | { kind: 'boolean' }
  | { kind: 'enum'; values: readonly string[] }
  /** string, number, boolean or null (custom traits): each operator checks the value it meets. */
  | { kind: 'scalar' }
  | { kind: 'array'; element: ValueType }
  | { kind: 'object' };

export interface ResolvedPath {
  /** Property keys from the profile root; a record key (event name, trait key) is one key. */
  keys: readonly string[];
  type: ValueType;
}

export type PathResolution = { ok: true; path: ResolvedPath } | { ok: false; reason: string };

/** Resolves `orders.count`, `traits.plan`, `events.Product Viewed.lastAt`… against the schema. */
export function resolveProfilePath(text: string, root: z.ZodType = profileSchema): PathResolution {
  const segments = text.split('.');
  if (segments.some((segment) => segment.length === 0))
    return { ok: false, reason: `"${text}" is not an attribute path (empty segment)` };
  // The archive key is a secret (shared/archive/pseudonym.ts): no rule may name, compare or leak it.
  if (root === profileSchema && segments[0] === 'archiveKey')
    return { ok: false, reason: `unknown attribute "${text}": the archive key is not a segment attribute` };
  const keys: string[] = [];
  let schema = unwrap(root);
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    if (schema instanceof z.ZodObject) {
      const child = (schema.shape as Record<string, z.ZodType>)[segment];
      if (child === undefined) {
        const where = keys.length === 0 ? 'the profile' : keys.join('.');
        return {
          ok: false,
          reason: `unknown attribute "${text}": ${where} has no field "${segment}" (fields: ${Object.keys(schema.shape)
            .filter((field) => field !== 'archiveKey')
            .join(', ')})`,
        };
      }
      keys.push(segment);
      schema = unwrap(child);
    } else if (schema instanceof z.ZodRecord) {
      const value = unwrap(schema.valueType as z.ZodType);
      // Leaf-valued records (traits) take the rest of the path as one key, so "traits.a.b" names key "a.b".
      if (isLeaf(value)) {
        keys.push(segments.slice(i).join('.'));
        return { ok: true, path: { keys, type: typeOf(value) } };
      }
      keys.push(segment);
      schema = value;
    } else {
      return {
        ok: false,
        reason: `unknown attribute "${text}": ${keys.join('.')} is ${describeType(typeOf(schema))} and has no field "${segment}"`,
      };
    }
  }
  return { ok: true, path: { keys, type: typeOf(schema) } };
}

export interface PathPattern {
  /** `*` stands for any key of a record (an event name, a trait key, a segment id). */
  pattern: string;
  type: ValueType;
}

/** Every nameable path, records shown as `*`: for editor completion and documentation. */
export function listProfilePaths(root: z.ZodType = profileSchema): PathPattern[] {
  const out: PathPattern[] = [];
  const walk = (schema: z.ZodType, prefix: string): void => {
    const inner = unwrap(schema);
    if (prefix !== '') out.push({ pattern: prefix, type: typeOf(inner) });
    const join = (key: string): string => (prefix === '' ? key : `${prefix}.${key}`);
    if (inner instanceof z.ZodObject) {
      for (const [key, child] of Object.entries(inner.shape as Record<string, z.ZodType>)) walk(child, join(key));
    } else if (inner instanceof z.ZodRecord) {
      walk(inner.valueType as z.ZodType, join('*'));
    }
  };
  walk(root, '');
  return out;
}

export function describeType(type: ValueType): string {
  switch (type.kind) {
    case 'string':
      return 'a string';
    case 'timestamp':
      return 'a timestamp';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'enum':
      return `one of ${type.values.join(', ')}`;
    case 'scalar':
      return 'a custom trait (string, number, boolean or null)';
    case 'array':
      return `a list of ${describeType(type.element).replace(/^an? /, '')}s`;
    case 'object':
      return 'an object';
    default: {
      const unreachable: never = type;
      return unreachable;
    }
  }
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable) current = current.unwrap() as z.ZodType;
    else if (current instanceof z.ZodDefault) current = current.removeDefault() as z.ZodType;
    else return current;
  }
}

function isLeaf(schema: z.ZodType): boolean {
  return !(schema instanceof z.ZodObject || schema instanceof z.ZodRecord);
}

function typeOf(schema: z.ZodType): ValueType {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodString) {
    return inner === isoTimestamp || inner.description === isoTimestamp.description
      ? { kind: 'timestamp' }
      : { kind: 'string' };
  }
  if (inner instanceof z.ZodNumber) return { kind: 'number' };
  if (inner instanceof z.ZodBoolean) return { kind: 'boolean' };
  if (inner instanceof z.ZodEnum) return { kind: 'enum', values: inner.options.map(String) };
  if (inner instanceof z.ZodArray) return { kind: 'array', element: typeOf(inner.element as z.ZodType) };
  if (inner instanceof z.ZodObject || inner instanceof z.ZodRecord) return { kind: 'object' };
  // Unions of scalars (custom trait values) and anything the schema grows later: checked per value.
  return { kind: 'scalar' };
}
