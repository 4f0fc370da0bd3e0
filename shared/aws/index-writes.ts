/**
 * The write units DynamoDB adds for the table's global secondary indexes (issue 19), which neither
 * dynalite nor the cost model saw: by the developer guide's rules ("Provisioned throughput
 * considerations for global secondary indexes"), per index, a table write costs
 *
 * - nothing when the item is in the index neither before nor after, or when it stays in it with the
 *   same index keys and the same projected attributes;
 * - one put (the projected item's size, in 1 KB units) when it enters the index or a projected
 *   attribute changes;
 * - one delete when it leaves the index;
 * - a delete and a put when an index key changes.
 *
 * The write meter (write-meter.ts) asks the engine for the item as it stood (`ReturnValues:
 * 'ALL_OLD'`) and works out the item after from the request. Used only to count; nothing else reads it.
 */
import { isDeepStrictEqual } from 'node:util';
import { itemSize } from './item-size.js';
import { createTableInput } from './table.js';

type Item = Record<string, unknown>;

interface IndexShape {
  name: string;
  keys: readonly string[];
  /** Projected non-key attributes; undefined: ALL. */
  projected: readonly string[] | undefined;
}

const TABLE_KEYS = ['PK', 'SK'];

/** The table's indexes as `createTableInput` declares them (the CDK stack builds the same, decision 190). */
const INDEXES: readonly IndexShape[] = (createTableInput('t').GlobalSecondaryIndexes ?? []).map((index) => ({
  name: index.IndexName ?? '',
  keys: (index.KeySchema ?? []).map((key) => key.AttributeName ?? ''),
  projected:
    index.Projection?.ProjectionType === 'ALL'
      ? undefined
      : index.Projection?.ProjectionType === 'INCLUDE'
        ? (index.Projection.NonKeyAttributes ?? [])
        : [],
}));

/** An attribute an update set by an expression other than `= :value`: changed, value unknown. */
const UNKNOWN = Symbol('set by an expression');

export interface IndexWrites {
  /** Index writes (a delete and a put count two). */
  writes: number;
  capacityUnits: number;
}

/** What a table write does to an item's entry in one index: enters, moves (a key changed), leaves, or is rewritten. */
export type IndexTransition = 'enter' | 'move' | 'leave' | 'rewrite';

function transitionOf(
  before: Item | undefined,
  after: Item | undefined,
  index: IndexShape,
): IndexTransition | undefined {
  const wasIn = before !== undefined && inIndex(before, index);
  const isIn = after !== undefined && inIndex(after, index);
  if (wasIn && isIn) {
    if (index.keys.some((key) => !same(before[key], after[key]))) return 'move';
    return same(projection(before, index), projection(after, index)) ? undefined : 'rewrite';
  }
  if (wasIn) return 'leave';
  return isIn ? 'enter' : undefined;
}

/** The index writes of one item going from `before` to `after` (undefined: absent). */
export function indexWrites(before: Item | undefined, after: Item | undefined): IndexWrites {
  return indexChanges(before, after).writes;
}

/**
 * The index writes of one write and each index entry it changes, as `<index>:<transition>` (the
 * cost bench's breakdown, decision 257), from one pass over the indexes.
 */
export function indexChanges(
  before: Item | undefined,
  after: Item | undefined,
): { writes: IndexWrites; transitions: string[] } {
  const writes: IndexWrites = { writes: 0, capacityUnits: 0 };
  const transitions: string[] = [];
  const add = (item: Item, index: IndexShape) => {
    writes.writes++;
    writes.capacityUnits += Math.max(1, Math.ceil(itemSize(projection(item, index)) / 1024));
  };
  for (const index of INDEXES) {
    const transition = transitionOf(before, after, index);
    if (!transition) continue;
    transitions.push(`${index.name}:${transition}`);
    // A moved entry is a delete of the old and a put of the new.
    if ((transition === 'move' || transition === 'leave') && before) add(before, index);
    if (transition !== 'leave' && after) add(after, index);
  }
  return { writes, transitions };
}

/**
 * A batch's delete, whose stored item the engine does not return: counted for the indexes every
 * item of that key's shape is in (membership items `AUD#` are always in `audience`).
 */
export function deletedKeyIndexWrites(key: Item): IndexWrites {
  return typeof key.SK === 'string' && key.SK.startsWith('AUD#')
    ? { writes: 1, capacityUnits: 1 }
    : { writes: 0, capacityUnits: 0 };
}

/**
 * The item after an UpdateItem: `before` with the update expression's `SET #n = :v` and `REMOVE #n`
 * applied (the forms the adapters write); any other SET, ADD or DELETE makes its attribute UNKNOWN,
 * which counts as changed.
 */
export function itemAfterUpdate(before: Item | undefined, input: Item): Item {
  const after: Item = { ...(before ?? {}), ...(isRecord(input.Key) ? input.Key : {}) };
  const expression = typeof input.UpdateExpression === 'string' ? input.UpdateExpression : '';
  const names = isRecord(input.ExpressionAttributeNames) ? input.ExpressionAttributeNames : {};
  const values = isRecord(input.ExpressionAttributeValues) ? input.ExpressionAttributeValues : {};
  const nameOf = (token: string) => {
    const path = token.trim();
    return String(path.startsWith('#') ? (names[path] ?? path) : path);
  };
  for (const clause of expression.split(/\b(?=SET\b|REMOVE\b|ADD\b|DELETE\b)/)) {
    const [action = '', ...rest] = clause.trim().split(/\s+/);
    const body = rest.join(' ');
    for (const part of splitTopLevel(body)) {
      if (action === 'REMOVE') {
        delete after[nameOf(part)];
        continue;
      }
      const [target = '', value] = action === 'SET' ? part.split('=') : part.trim().split(/\s+/);
      const simple = action === 'SET' && value !== undefined && /^\s*:[\w]+\s*$/.test(value);
      if (/[.[]/.test(target)) after[nameOf(target.split(/[.[]/)[0] ?? '')] = UNKNOWN;
      else after[nameOf(target)] = simple ? values[value.trim()] : UNKNOWN;
    }
  }
  return after;
}

function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < body.length; index++) {
    const char = body[index];
    if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === ',' && depth === 0) {
      parts.push(body.slice(start, index));
      start = index + 1;
    }
  }
  if (body.slice(start).trim()) parts.push(body.slice(start));
  return parts.filter((part) => part.trim());
}

function inIndex(item: Item, index: IndexShape): boolean {
  return index.keys.every((key) => item[key] !== undefined);
}

function projection(item: Item, index: IndexShape): Item {
  if (index.projected === undefined) return withoutUnknown(item);
  const projected: Item = {};
  for (const name of [...TABLE_KEYS, ...index.keys, ...index.projected])
    if (item[name] !== undefined) projected[name] = item[name];
  return withoutUnknown(projected);
}

let unknownSerial = 0;

/** UNKNOWN never equals anything (not even another UNKNOWN); for sizes it counts as a short value. */
function withoutUnknown(item: Item): Item {
  const copy: Item = {};
  for (const [name, value] of Object.entries(item))
    copy[name] = value === UNKNOWN ? { unknown: ++unknownSerial } : value;
  return copy;
}

function same(a: unknown, b: unknown): boolean {
  return a !== UNKNOWN && b !== UNKNOWN && isDeepStrictEqual(a, b);
}

function isRecord(value: unknown): value is Item {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
