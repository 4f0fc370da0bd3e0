import { describe, expect, it } from 'vitest';
import type { SegmentResponse } from '@aws-sdk/client-pinpoint';
import { MigrationReport } from '../../../shared/migration/pinpoint/migration-report.js';
import { convertSegment } from '../../../shared/migration/pinpoint/segment-to-rules.js';

const base = {
  ApplicationId: 'app',
  Arn: 'arn',
  CreationDate: '2025-01-01T00:00:00Z',
  Id: 'seg1',
  Name: 'VIP Turkey',
} as const;
const id = (pinpointId: string): string => `s_${pinpointId}`;

describe('Pinpoint segment → rules', () => {
  it('maps attributes, user attributes, metrics, channel and country of legacy Dimensions', () => {
    const segment = {
      ...base,
      SegmentType: 'DIMENSIONAL',
      Dimensions: {
        Attributes: { Plan: { AttributeType: 'INCLUSIVE', Values: ['gold', 'platinum'] } },
        UserAttributes: { FirstName: { AttributeType: 'EXCLUSIVE', Values: ['Test'] } },
        Metrics: { Visits: { ComparisonOperator: 'GREATER_THAN_OR_EQUAL', Value: 3 } },
        Demographic: { Channel: { DimensionType: 'INCLUSIVE', Values: ['SMS'] } },
        Location: { Country: { DimensionType: 'INCLUSIVE', Values: ['TR'] } },
      },
    } satisfies SegmentResponse;
    expect(convertSegment(segment, id, new MigrationReport())).toEqual({
      id: 's_seg1',
      description: 'Imported from Pinpoint segment "VIP Turkey"',
      all: [
        { not: { attr: 'name.first', eq: 'Test' } },
        { attr: 'traits.Plan', in: ['gold', 'platinum'] },
        { attr: 'traits.Visits', gte: 3 },
        { reachable: 'sms' },
        { attr: 'traits.country', in: ['TR'] },
      ],
    });
  });

  it('combines segment groups with their Include and Type, referencing source segments', () => {
    const segment = {
      ...base,
      SegmentType: 'DIMENSIONAL',
      SegmentGroups: {
        Include: 'ANY',
        Groups: [
          {
            Type: 'ALL',
            SourceSegments: [{ Id: 'base1' }],
            Dimensions: [{ Attributes: { Plan: { Values: ['gold'] } } }],
          },
          { Type: 'NONE', Dimensions: [{ Attributes: { Churned: { Values: ['yes'] } } }] },
        ],
      },
    } satisfies SegmentResponse;
    const rule = convertSegment(segment, id, new MigrationReport());
    expect(rule).toMatchObject({
      any: [
        { all: [{ attr: 'traits.Plan', eq: 'gold' }, { segment: 's_base1' }] },
        { not: { attr: 'traits.Churned', eq: 'yes' } },
      ],
    });
  });

  it('reports recency and a static import segment instead of guessing', () => {
    const report = new MigrationReport();
    convertSegment(
      {
        ...base,
        SegmentType: 'DIMENSIONAL',
        Dimensions: { Behavior: { Recency: { Duration: 'DAY_30', RecencyType: 'INACTIVE' } } },
      },
      id,
      report,
    );
    convertSegment({ ...base, Name: 'Uploaded', SegmentType: 'IMPORT' }, id, report);
    expect(report.findings.map((finding) => [finding.source, finding.problem.split(':')[0]])).toEqual([
      ['VIP Turkey', 'Behavior.Recency INACTIVE DAY_30'],
      ['VIP Turkey', 'no dimension maps'],
      ['Uploaded', 'imported (static) segment'],
    ]);
  });
});
