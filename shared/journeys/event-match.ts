/** Does a storefront event match a journey's `{ event, where }` (trigger, exit, goal)? */
import type { NormalizedEvent } from '../events/event.js';

export function eventName(event: NormalizedEvent): string | undefined {
  return event.type === 'track' ? event.event : undefined;
}

export function matchesEvent(match: { event: string; where: Readonly<Record<string, string | number | boolean>> }, event: NormalizedEvent): boolean {
  if (eventName(event) !== match.event) return false;
  return Object.entries(match.where).every(([property, value]) => event.properties[property] === value);
}
