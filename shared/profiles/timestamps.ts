/**
 * Timestamp arithmetic for the reducer. Every time the reducer stores is normalized to
 * `Date#toISOString()` form, so stored times compare correctly as text and a result never depends
 * on how a client spelled an instant.
 */

/** Raised for a timestamp that does not parse: names the field so the message says where. */
export class InvalidTimestampError extends Error {
  override readonly name = 'InvalidTimestampError';
  constructor(
    readonly field: string,
    readonly value: string,
  ) {
    super(`${field}: "${value}" is not an ISO-8601 timestamp`);
  }
}

export function epochMs(iso: string, field = 'timestamp'): number {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new InvalidTimestampError(field, iso);
  return ms;
}

/** The canonical spelling of an instant (`YYYY-MM-DDTHH:mm:ss.sssZ`). */
export function normalizeIso(iso: string, field = 'timestamp'): string {
  return new Date(epochMs(iso, field)).toISOString();
}

/** Parses an optional client-sent time; undefined when absent or unparseable (the caller falls back). */
export function tryNormalizeIso(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/**
 * Two timed lists merged by key: per key the entry `pick` prefers, newest first (ties in key
 * order), at most `limit` — push devices by token, recent products by product.
 */
export function mergeNewestByKey<T extends { at: string }>(
  a: readonly T[],
  b: readonly T[],
  options: { key: (entry: T) => string; pick: (current: T, next: T) => T; limit: number },
): T[] {
  const byKey = new Map<string, T>();
  for (const entry of [...a, ...b]) {
    const current = byKey.get(options.key(entry));
    byKey.set(options.key(entry), current === undefined ? entry : options.pick(current, entry));
  }
  return [...byKey.values()]
    .sort((x, y) => {
      const [kx, ky] = [options.key(x), options.key(y)];
      return compareIso(y.at, x.at) || (kx < ky ? -1 : kx > ky ? 1 : 0);
    })
    .slice(0, options.limit);
}

/** Orders two stored times; equal instants compare equal whatever their spelling. */
export function compareIso(a: string, b: string): number {
  return Date.parse(a) - Date.parse(b);
}

export function laterIso(a: string | undefined, b: string): string;
export function laterIso(a: string, b: string | undefined): string;
export function laterIso(a: string | undefined, b: string | undefined): string | undefined;
export function laterIso(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareIso(a, b) >= 0 ? a : b;
}

export function earlierIso(a: string | undefined, b: string): string;
export function earlierIso(a: string, b: string | undefined): string;
export function earlierIso(a: string | undefined, b: string | undefined): string | undefined;
export function earlierIso(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareIso(a, b) <= 0 ? a : b;
}

/** `fieldTimes` unit: epoch seconds, with milliseconds as a fraction so same-second writes still order. */
export function fieldTime(iso: string): number {
  return epochMs(iso) / 1000;
}
