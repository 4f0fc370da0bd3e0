/** Does a storefront event match a journey's `{ event, where }` (trigger, exit, goal)? */
import type { NormalizedEvent } from '../events/event.js';
import type { PropertyFilter } from './ast.js';

export function eventName(event: NormalizedEvent): string | undefined {
  return event.type === 'track' ? event.event : undefined;
}

/** Each `where` property equals its value, or one of its listed values (strict equality, no coercion). */
export function matchesEvent(
  match: { event: string; where: Readonly<PropertyFilter> },
  event: NormalizedEvent,
): boolean {
  if (eventName(event) !== match.event) return false;
  return Object.entries(match.where).every(([property, expected]) => {
    const actual = event.properties[property];
    return Array.isArray(expected) ? expected.includes(actual) : actual === expected;
  });
}
