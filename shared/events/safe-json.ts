/**
 * JSON from the internet, made safe to hand to code that merges objects: keys that could reach
 * a prototype (`__proto__`, `constructor`, `prototype`) are removed at every level, and bodies
 * nested absurdly deep are refused here, before any recursive code (JSON.stringify included)
 * could overflow the stack on them. JSON.parse itself creates `__proto__` as a plain own
 * property, so deleting it is enough; nothing is ever assigned through it.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Far beyond any Segment call (properties and traits are capped at 8 levels per event). */
export const MAX_JSON_DEPTH = 64;

export type SafeJson = { ok: true; value: unknown } | { ok: false; reason: 'not_json' | 'too_deep' };

export function parseSafeJson(text: string): SafeJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not_json' };
  }
  // Iterative walk: recursion on a hostile body is exactly what this guards against.
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth >= MAX_JSON_DEPTH) return { ok: false, reason: 'too_deep' };
    if (Array.isArray(next.value)) {
      for (const item of next.value) pending.push({ value: item, depth: next.depth + 1 });
      continue;
    }
    const record = next.value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (FORBIDDEN_KEYS.has(key)) delete record[key];
      else pending.push({ value: record[key], depth: next.depth + 1 });
    }
  }
  return { ok: true, value };
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
