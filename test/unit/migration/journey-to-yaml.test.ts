import { describe, expect, it } from 'vitest';
import type { JourneyResponse } from '@aws-sdk/client-pinpoint';
import { checkJourneySources } from '../../../shared/journeys/load.js';
import { stringify } from 'yaml';
import { convertJourney, isoToDuration } from '../../../shared/migration/pinpoint/journey-to-yaml.js';
import { MigrationReport } from '../../../shared/migration/pinpoint/migration-report.js';

const context = (report = new MigrationReport()) => ({
  segmentId: (id: string) => `seg_${id}`,
  templateId: (name: string) => name.toLowerCase(),
  report,
});
const journey = (fields: Partial<JourneyResponse>): JourneyResponse => ({
  ApplicationId: 'app',
  Id: 'j1',
  Name: 'Test Journey',
  StartCondition: { SegmentStartCondition: { SegmentId: 'all' } },
  ...fields,
});

describe('Pinpoint journey → YAML', () => {
  it('converts ISO-8601 durations to the largest whole unit', () => {
    expect([
      isoToDuration('PT1H'),
      isoToDuration('P1D'),
      isoToDuration('P1DT12H'),
      isoToDuration('PT90M'),
      isoToDuration('P7D'),
    ]).toEqual(['1h', '1d', '36h', '90m', '1w']);
  });

  it('turns a WaitUntil timestamp into a wait until step', () => {
    const { journey: out } = convertJourney(
      journey({ StartActivity: 'w', Activities: { w: { Wait: { WaitTime: { WaitUntil: '2026-12-01T09:00:00Z' } } } } }),
      context(),
    );
    expect(out.steps[0]).toEqual({ id: 'w', wait: { until: '2026-12-01T09:00:00.000Z' }, next: 'end' });
  });

  it('turns a MultiCondition into a chain of branches ending at the default activity', () => {
    const { journey: out } = convertJourney(
      journey({
        StartActivity: 'm',
        Activities: {
          m: {
            MultiCondition: {
              Branches: [
                { Condition: { SegmentCondition: { SegmentId: 'gold' } }, NextActivity: 'a' },
                { Condition: { SegmentCondition: { SegmentId: 'silver' } }, NextActivity: 'b' },
              ],
              DefaultActivity: 'c',
              EvaluationWaitTime: { WaitFor: 'PT2H' },
            },
          },
          a: { EMAIL: { TemplateName: 'A' } },
          b: { EMAIL: { TemplateName: 'B' } },
          c: { PUSH: { TemplateName: 'C' } },
        },
      }),
      context(),
    );
    expect(out.steps.slice(0, 3)).toEqual([
      { id: 'm-wait', wait: '2h', next: 'm' },
      { id: 'm', branch: { segment: 'seg_gold', then: 'a', else: 'm-2' } },
      { id: 'm-2', branch: { segment: 'seg_silver', then: 'b', else: 'c' } },
    ]);
  });

  it('puts several segment conditions of a ConditionalSplit into one generated segment', () => {
    const conversion = convertJourney(
      journey({
        StartActivity: 's',
        Activities: {
          s: {
            ConditionalSplit: {
              Condition: {
                Operator: 'ANY',
                Conditions: [{ SegmentCondition: { SegmentId: 'x' } }, { SegmentCondition: { SegmentId: 'y' } }],
              },
              TrueActivity: 'e',
            },
          },
          e: { SMS: { TemplateName: 'T', MessageConfig: { MessageType: 'TRANSACTIONAL' } } },
        },
      }),
      context(),
    );
    expect(conversion.segments).toEqual([
      {
        id: 'test-journey-s',
        description: 'conditions of Pinpoint activity s',
        any: [{ segment: 'seg_x' }, { segment: 'seg_y' }],
      },
    ]);
    expect(conversion.journey.steps[1]).toEqual({
      id: 'e',
      send: { channel: 'sms', template: 't', transactional: true },
      next: 'end',
    });
  });

  it('turns inline SegmentDimensions of a condition into a generated segment rule', () => {
    const conversion = convertJourney(
      journey({
        StartActivity: 's',
        Activities: {
          s: {
            ConditionalSplit: {
              Condition: {
                Conditions: [
                  { SegmentDimensions: { Attributes: { Plan: { AttributeType: 'INCLUSIVE', Values: ['gold'] } } } },
                ],
              },
              TrueActivity: 'e',
            },
          },
          e: { EMAIL: { TemplateName: 'A' } },
        },
      }),
      context(),
    );
    expect(conversion.segments).toEqual([
      {
        id: 'test-journey-s',
        description: 'conditions of Pinpoint activity s',
        all: [{ attr: 'traits.Plan', eq: 'gold' }],
      },
    ]);
    expect(conversion.journey.steps[0]).toEqual({
      id: 's',
      branch: { segment: 'test-journey-s', then: 'e', else: 'end' },
    });
  });

  it('reports limits and schedule fields sadakat has no place for, and keeps the ones it has', () => {
    const report = new MigrationReport();
    const { journey: out } = convertJourney(
      journey({
        StartActivity: 'a',
        Activities: { a: { EMAIL: { TemplateName: 'A' } } },
        Limits: { DailyCap: 1, TotalCap: 3, TimeframeCap: { Days: 7, Cap: 2 }, EndpointReentryCap: 0 },
        Schedule: { StartTime: new Date('2026-01-01T00:00:00Z') },
      }),
      context(report),
    );
    expect(out).toMatchObject({ limits: { perDay: 1, perWeek: 2 }, entry: { reentry: 'never' } });
    expect(report.findings.map((finding) => finding.problem.split(' ')[0])).toEqual(['TotalCap', 'Schedule']);
  });

  it('produces YAML the journey checker accepts for every activity kind', () => {
    const { journey: out } = convertJourney(
      journey({
        StartActivity: 'w',
        Activities: {
          w: { Wait: { WaitTime: { WaitFor: 'PT30M' }, NextActivity: 'h' } },
          h: { Holdout: { Percentage: 5, NextActivity: 'r' } },
          r: {
            RandomSplit: {
              Branches: [
                { Percentage: 70, NextActivity: 'e' },
                { Percentage: 30, NextActivity: 'p' },
              ],
            },
          },
          e: { EMAIL: { TemplateName: 'A', NextActivity: 'c' } },
          c: {
            ConditionalSplit: {
              Condition: {
                Conditions: [
                  { EventCondition: { MessageActivity: 'e', Dimensions: { EventType: { Values: ['_email.click'] } } } },
                ],
              },
              EvaluationWaitTime: { WaitFor: 'P2D' },
              FalseActivity: 's',
            },
          },
          s: { SMS: { TemplateName: 'S' } },
          p: { PUSH: { TemplateName: 'P' } },
        },
      }),
      context(),
    );
    const files = {
      a: ['subject.liquid', 'html.liquid', 'text.liquid'],
      s: ['sms.liquid'],
      p: ['push.title.liquid', 'push.body.liquid'],
    };
    const result = checkJourneySources([{ file: 'journeys/test-journey.yaml', text: stringify(out) }], {
      segmentIds: new Set(['seg_all']),
      trackedProperties: {},
      templateFiles: (templateId) =>
        templateId in files ? new Set(files[templateId as keyof typeof files]) : undefined,
    });
    expect(result.ok ? [] : result.errors).toEqual([]);
  });
});
