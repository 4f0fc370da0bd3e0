/**
 * `events.<name>` with its tracked-property histories (`props["<property>=<value>"]`, declared per
 * event in campaign/settings.yaml `trackedProperties`).
 *
 * Property histories are windowed at the event name's newest time (so a value's buckets answer
 * the same windows as the event's), and at most `trackedValuesPerProperty` values are kept per
 * property, the most recent winning. That cap is the one place where arrival order can matter:
 * a value evicted and later seen again restarts its count.
 */
import { byRecency, mergeHistories, recordOccurrence, withinWindow } from './event-history.js';
import { PROFILE_LIMITS } from './limits.js';
import type { EventHistory, EventSummary } from './schema.js';

/** A tracked value longer than this is not kept (a key is `<property>=<value>`; rules name short values). */
const MAX_VALUE_LENGTH = 100;

/** `<property>=<value>` keys for the tracked properties an event carries (string, number or boolean values). */
export function trackedPropertyKeys(
  tracked: readonly string[] | undefined,
  properties: Record<string, unknown>,
): string[] {
  if (!tracked) return [];
  const keys: string[] = [];
  for (const property of new Set(tracked)) {
    const value = properties[property];
    if (
      typeof value !== 'string' &&
      typeof value !== 'boolean' &&
      !(typeof value === 'number' && Number.isFinite(value))
    )
      continue;
    const text = String(value);
    if (text.length === 0 || text.length > MAX_VALUE_LENGTH) continue;
    keys.push(`${property}=${text}`);
  }
  return keys;
}

export function recordEvent(
  summary: EventSummary | undefined,
  at: string,
  propertyKeys: readonly string[],
): EventSummary {
  const base = recordOccurrence(summary, at);
  if (summary?.props === undefined && propertyKeys.length === 0) return base;
  const props: Record<string, EventHistory> = { ...summary?.props };
  for (const key of propertyKeys) props[key] = recordOccurrence(props[key], at);
  return { ...base, props: capProps(props, base.lastAt) };
}

export function mergeSummaries(a: EventSummary | undefined, b: EventSummary | undefined): EventSummary | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const base = mergeHistories(a, b) as EventHistory;
  if (a.props === undefined && b.props === undefined) return base;
  const props: Record<string, EventHistory> = { ...a.props };
  for (const [key, history] of Object.entries(b.props ?? {}))
    props[key] = mergeHistories(props[key], history) as EventHistory;
  return { ...base, props: capProps(props, base.lastAt) };
}

/** Windows every value at the event's newest time and keeps the most recent values per property. */
function capProps(props: Record<string, EventHistory>, newest: string): Record<string, EventHistory> {
  const perProperty = new Map<string, number>();
  const kept: Record<string, EventHistory> = {};
  for (const [key, history] of Object.entries(props).sort(byRecency)) {
    const property = key.slice(0, key.indexOf('='));
    const seen = perProperty.get(property) ?? 0;
    if (seen >= PROFILE_LIMITS.trackedValuesPerProperty) continue;
    perProperty.set(property, seen + 1);
    kept[key] = withinWindow(history, newest);
  }
  return kept;
}
