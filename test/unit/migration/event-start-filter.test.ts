import type { EventDimensions, JourneyResponse } from '@aws-sdk/client-pinpoint';
import { describe, expect, it } from 'vitest';
import { matchesEvent } from '../../../shared/journeys/event-match.js';
import { eventTrigger, PLACEHOLDER_EVENT } from '../../../shared/migration/pinpoint/event-start-filter.js';
import { convertJourney } from '../../../shared/migration/pinpoint/journey-to-yaml.js';
import { MigrationReport } from '../../../shared/migration/pinpoint/migration-report.js';
import type { NormalizedEvent } from '../../../shared/events/event.js';

function convert(dimensions: EventDimensions) {
  const notes: { problem: string; suggestion: string }[] = [];
  const trigger = eventTrigger(dimensions, (problem, suggestion) => notes.push({ problem, suggestion }));
  return { trigger, notes };
}

const productAdded = (properties: Record<string, unknown>): NormalizedEvent =>
  ({
    type: 'track',
    event: 'Product Added',
    properties,
    messageId: 'm1',
    timestamp: '2026-11-02T10:00:00.000Z',
    receivedAt: '2026-11-02T10:00:00.000Z',
    userId: 'u1',
    context: {},
    traits: {},
  }) as unknown as NormalizedEvent;

describe('Pinpoint event start filter → journey trigger', () => {
  it('maps one INCLUSIVE attribute value and an EQUAL metric to where, which event-match then applies', () => {
    // Act
    const { trigger, notes } = convert({
      EventType: { DimensionType: 'INCLUSIVE', Values: ['Product Added'] },
      Attributes: { category: { AttributeType: 'INCLUSIVE', Values: ['shoes'] } },
      Metrics: { quantity: { ComparisonOperator: 'EQUAL', Value: 1 } },
    });

    // Assess
    expect(trigger).toEqual({ event: 'Product Added', where: { category: 'shoes', quantity: 1 } });
    expect(notes).toEqual([]);
    const match = { event: trigger?.event as string, where: trigger?.where ?? {} };
    expect([
      matchesEvent(match, productAdded({ category: 'shoes', quantity: 1 })),
      matchesEvent(match, productAdded({ category: 'bags', quantity: 1 })),
    ]).toEqual([true, false]);
  });

  it('takes the first of several start events and suggests a copy per other event', () => {
    // Act
    const { trigger, notes } = convert({
      EventType: { DimensionType: 'INCLUSIVE', Values: ['Product Added', 'Checkout Started', 'Cart Viewed'] },
    });

    // Assess
    expect(trigger).toEqual({ event: 'Product Added' });
    expect(notes).toEqual([
      {
        problem:
          'start event is any of Product Added, Checkout Started, Cart Viewed; the trigger takes Product Added only',
        suggestion:
          'copy the journey file once per other event (trigger: { event: Checkout Started }; trigger: { event: Cart Viewed }), each with its own id',
      },
    ]);
  });

  it('starts on a placeholder event, never on the excluded one, for an EXCLUSIVE event type', () => {
    // Act
    const { trigger, notes } = convert({ EventType: { DimensionType: 'EXCLUSIVE', Values: ['Page Viewed'] } });

    // Assess
    expect(trigger).toEqual({ event: PLACEHOLDER_EVENT });
    expect(notes[0]?.problem).toBe('start event is any event except Page Viewed');
  });

  it('maps an INCLUSIVE attribute with several values to a list, which event-match reads as any of them', () => {
    // Act
    const { trigger, notes } = convert({
      EventType: { Values: ['Product Added'] },
      Attributes: { category: { AttributeType: 'INCLUSIVE', Values: ['shoes', 'bags'] } },
    });

    // Assess
    expect(trigger).toEqual({ event: 'Product Added', where: { category: ['shoes', 'bags'] } });
    expect(notes).toEqual([]);
    const match = { event: 'Product Added', where: trigger?.where ?? {} };
    const categories = ['shoes', 'bags', 'hats'].map((category) => matchesEvent(match, productAdded({ category })));
    expect(categories).toEqual([true, true, false]);
  });

  it.each([
    [
      'EXCLUSIVE',
      ['gift'],
      'start event attribute category is none of gift: left out, so the journey starts on more events',
    ],
    [
      'CONTAINS',
      ['sho'],
      'start event attribute category contains sho: left out, so the journey starts on more events',
    ],
    [
      'BEFORE',
      ['2026-01-01T00:00:00Z'],
      'start event attribute category BEFORE 2026-01-01T00:00:00Z (a date test): left out, so the journey starts on more events',
    ],
    [
      'AFTER',
      ['2026-01-01T00:00:00Z'],
      'start event attribute category AFTER 2026-01-01T00:00:00Z (a date test): left out, so the journey starts on more events',
    ],
    [
      'ON',
      ['2026-01-01'],
      'start event attribute category ON 2026-01-01 (a date test): left out, so the journey starts on more events',
    ],
    [
      'BETWEEN',
      ['2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'],
      'start event attribute category BETWEEN 2026-01-01T00:00:00Z and 2026-02-01T00:00:00Z (a date test): left out, so the journey starts on more events',
    ],
  ] as const)('reports an attribute test %s %j with a suggestion and leaves it out', (type, values, problem) => {
    // Act
    const { trigger, notes } = convert({
      EventType: { Values: ['Product Added'] },
      Attributes: { category: { AttributeType: type, Values: [...values] } },
    });

    // Assess
    expect(trigger).toEqual({ event: 'Product Added' });
    expect(notes.map((note) => note.problem)).toEqual([problem]);
    expect(notes[0]?.suggestion).not.toBe('');
  });

  it('reports a metric comparison other than EQUAL and keeps the equal ones', () => {
    // Act
    const { trigger, notes } = convert({
      EventType: { Values: ['Product Added'] },
      Metrics: {
        price: { ComparisonOperator: 'GREATER_THAN', Value: 100 },
        quantity: { ComparisonOperator: 'EQUAL', Value: 2 },
      },
    });

    // Assess
    expect(trigger).toEqual({ event: 'Product Added', where: { quantity: 2 } });
    expect(notes.map((note) => note.problem)).toEqual([
      'start event metric price GREATER_THAN 100: left out, so the journey starts on more events',
    ]);
  });

  it('names the journey start condition in the migration report and declares the filtered properties as tracked', () => {
    // Prepare
    const report = new MigrationReport();
    const journey: JourneyResponse = {
      ApplicationId: 'app',
      Id: 'j1',
      Name: 'Shoes',
      StartCondition: {
        EventStartCondition: {
          EventFilter: {
            FilterType: 'ENDPOINT',
            Dimensions: {
              EventType: { Values: ['Product Added'] },
              Attributes: { category: { Values: ['shoes'] }, brand: { AttributeType: 'CONTAINS', Values: ['a'] } },
            },
          },
        },
      },
      StartActivity: 'e',
      Activities: { e: { EMAIL: { TemplateName: 'T' } } },
    };

    // Act
    const converted = convertJourney(journey, {
      segmentId: (id) => id,
      templateId: (name) => name.toLowerCase(),
      report,
    });

    // Assess
    expect(converted.journey.trigger).toEqual({ event: 'Product Added', where: { category: 'shoes' } });
    expect(converted.trackedProperties).toEqual({ 'Product Added': ['category'] });
    expect(report.findings.map((finding) => [finding.source, finding.problem.split(':')[0]])).toEqual([
      ['shoes/StartCondition', 'start event attribute brand contains a'],
    ]);
  });
});
