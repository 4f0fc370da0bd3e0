/**
 * A Pinpoint event filter (a journey's EventStartCondition.EventFilter, a campaign's
 * Schedule.EventFilter) → sadakat's `trigger: { event, where }`. The trigger matches one event
 * name and properties equal to a value or one of a list (shared/journeys/event-match.ts), so that
 * is what maps: EventType INCLUSIVE, Attributes INCLUSIVE, Metrics EQUAL. Every other test
 * (several events, EXCLUSIVE, CONTAINS, date tests, metric comparisons) is reported with a
 * suggestion and left out, which makes the journey start on more events, never on fewer.
 */
import type { AttributeDimension, EventDimensions, MetricDimension } from '@aws-sdk/client-pinpoint';

export interface EventTrigger {
  event: string;
  where?: Record<string, string | number | string[]>;
}

/** Never sent by a storefront: the journey does not start until someone names the event. */
export const PLACEHOLDER_EVENT = 'Pinpoint Journey Start';

export type Note = (problem: string, suggestion: string) => void;

export function eventTrigger(dimensions: EventDimensions | undefined, note: Note): EventTrigger | undefined {
  const type = dimensions?.EventType;
  const events = type?.Values ?? [];
  if (events.length === 0) return undefined;
  if (type?.DimensionType === 'EXCLUSIVE') {
    note(
      `start event is any event except ${events.join(', ')}`,
      `sadakat starts on one named event: replace trigger.event "${PLACEHOLDER_EVENT}" with the event that should start the journey`,
    );
    return { event: PLACEHOLDER_EVENT };
  }
  const event = events[0] as string;
  if (events.length > 1) {
    const others = events.slice(1);
    note(
      `start event is any of ${events.join(', ')}; the trigger takes ${event} only`,
      `copy the journey file once per other event (${others.map((other) => `trigger: { event: ${other} }`).join('; ')}), each with its own id`,
    );
  }
  const where: Record<string, string | number | string[]> = {};
  for (const [name, dimension] of Object.entries(dimensions?.Attributes ?? {})) {
    const value = attributeEquality(event, name, dimension, note);
    if (value !== undefined) where[name] = value;
  }
  for (const [name, metric] of Object.entries(dimensions?.Metrics ?? {})) {
    const value = metricEquality(event, name, metric, note);
    if (value !== undefined) where[name] = value;
  }
  return Object.keys(where).length > 0 ? { event, where } : { event };
}

/** The value, or the list of values, an attribute must equal; undefined (reported) when the test is another. */
function attributeEquality(
  event: string,
  name: string,
  dimension: AttributeDimension,
  note: Note,
): string | string[] | undefined {
  const values = dimension.Values ?? [];
  const type = dimension.AttributeType ?? 'INCLUSIVE';
  const left = 'left out, so the journey starts on more events';
  switch (type) {
    case 'INCLUSIVE':
      if (values.length === 0) {
        note(
          `start event attribute ${name} lists no values: ${left}`,
          `give where: { ${name}: <value> } the value to filter on`,
        );
        return undefined;
      }
      return values.length === 1 ? values[0] : [...values];
    case 'EXCLUSIVE':
      note(
        `start event attribute ${name} is none of ${values.join(', ')}: ${left}`,
        `branch first on a segment not: { any: [${values.map((value) => `{ event: ${event}, ${name}: ${value}, within: 1h }`).join(', ')}] } and end the excluded path`,
      );
      return undefined;
    case 'CONTAINS':
      note(
        `start event attribute ${name} contains ${values.join(' or ')}: ${left}`,
        `send a property with the exact value to filter on (where: { ${name}: <value> })`,
      );
      return undefined;
    case 'BEFORE':
    case 'AFTER':
    case 'ON':
    case 'BETWEEN':
      note(
        `start event attribute ${name} ${type} ${values.join(' and ')} (a date test): ${left}`,
        `compute the test in the storefront and send its result as a property (e.g. where: { ${name}_in_range: true })`,
      );
      return undefined;
    default: {
      const unknown: never = type;
      note(`start event attribute ${name} with AttributeType ${String(unknown)}: ${left}`, 'write the filter by hand');
      return undefined;
    }
  }
}

function metricEquality(event: string, name: string, metric: MetricDimension, note: Note): number | undefined {
  if (metric.ComparisonOperator === 'EQUAL' && metric.Value !== undefined) return metric.Value;
  note(
    `start event metric ${name} ${metric.ComparisonOperator ?? '?'} ${metric.Value ?? '?'}: left out, so the journey starts on more events`,
    `sadakat's trigger tests equality: send a property with the comparison's result (e.g. where: { ${name}_over: true } on ${event})`,
  );
  return undefined;
}
