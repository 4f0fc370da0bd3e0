/**
 * A Pinpoint segment (GetSegment's SegmentResponse) → a sadakat segment definition (one item of
 * campaign/segments.yaml). Dimensions map to attr/reachable rules on the imported profile paths
 * (endpoint and user attributes are traits, see endpoints-to-profiles.ts); a dimension with no
 * equivalent is reported and left out, which makes the segment broader, never narrower.
 */
import type { AttributeDimension, SegmentDimensions, SegmentGroup, SegmentResponse } from '@aws-sdk/client-pinpoint';
import type { MigrationReport } from './migration-report.js';

type RuleObject = Record<string, unknown>;

/** A segment id from a Pinpoint segment name: starts with a letter, letters, digits, _ and -. */
export function segmentSlug(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^[^a-z]+|[_-]+$/g, '')
    .slice(0, 64);
  return cleaned === '' ? 'pinpoint_segment' : cleaned;
}

const CHANNELS: Record<string, string> = {
  EMAIL: 'email',
  SMS: 'sms',
  APNS: 'push',
  APNS_SANDBOX: 'push',
  GCM: 'push',
  BAIDU: 'push',
};
const METRIC_OPERATORS: Record<string, string> = {
  GREATER_THAN: 'gt',
  GREATER_THAN_OR_EQUAL: 'gte',
  LESS_THAN: 'lt',
  LESS_THAN_OR_EQUAL: 'lte',
  EQUAL: 'eq',
};

export function convertSegment(
  segment: SegmentResponse,
  segmentId: (pinpointId: string) => string,
  report: MigrationReport,
): RuleObject {
  const id = segmentId(segment.Id ?? segment.Name ?? 'segment');
  const name = segment.Name ?? segment.Id ?? id;
  const note = (problem: string, suggestion: string): void => report.add('segment', name, problem, suggestion);
  const base = { id, description: `Imported from Pinpoint segment "${name}"` };

  if (segment.SegmentType === 'IMPORT') {
    note(
      'imported (static) segment: its endpoint list is not in the export',
      'import the endpoints with --endpoints and tag them (update step or a trait), then write { attr: traits.<tag>, eq: true }',
    );
    return { ...base, attr: `traits.segment_${id.replace(/-/g, '_')}`, eq: true };
  }

  const dimensionRules = (dimensions: SegmentDimensions): RuleObject[] => dimensionsToRules(dimensions, note);

  const groupRule = (group: SegmentGroup): RuleObject | undefined => {
    const rules = (group.Dimensions ?? []).flatMap(dimensionRules);
    for (const source of group.SourceSegments ?? []) if (source.Id) rules.push({ segment: segmentId(source.Id) });
    return combine(group.Type ?? 'ALL', rules);
  };

  const groups = segment.SegmentGroups?.Groups ?? [];
  const parts = [
    ...(segment.Dimensions ? [combine('ALL', dimensionRules(segment.Dimensions))] : []),
    ...groups.map(groupRule),
  ].filter((rule): rule is RuleObject => rule !== undefined);
  const rule = combine(segment.SegmentGroups?.Include ?? 'ALL', parts);
  if (!rule) {
    note('no dimension maps: the segment matches every profile with an email address', 'write the rule by hand');
    return { ...base, attr: 'channels.email', exists: true };
  }
  return { ...base, ...rule };
}

/**
 * One set of Pinpoint segment dimensions → rules (combined with all by the caller). Also used for
 * inline SegmentDimensions of journey conditions. `note` reports what is left out.
 */
export function dimensionsToRules(
  dimensions: SegmentDimensions,
  note: (problem: string, suggestion: string) => void,
): RuleObject[] {
  const rules: RuleObject[] = [];
  for (const [key, dimension] of Object.entries(dimensions.UserAttributes ?? {}))
    rules.push(...attributeRules(userPath(key), dimension, key));
  for (const [key, dimension] of Object.entries(dimensions.Attributes ?? {}))
    rules.push(...attributeRules(`traits.${key}`, dimension, key));
  for (const [key, metric] of Object.entries(dimensions.Metrics ?? {})) {
    const op = METRIC_OPERATORS[metric.ComparisonOperator ?? ''];
    if (op && metric.Value !== undefined) rules.push({ attr: `traits.${key}`, [op]: metric.Value });
    else note(`metric ${key} ${metric.ComparisonOperator}`, 'write an attr comparison by hand');
  }
  const channel = dimensions.Demographic?.Channel;
  if (channel?.Values?.length) {
    const channels = [
      ...new Set(
        channel.Values.map((value) => CHANNELS[value]).filter((value): value is string => value !== undefined),
      ),
    ];
    const rule = channels.length === 1 ? { reachable: channels[0] } : { any: channels.map((c) => ({ reachable: c })) };
    if (channels.length > 0) rules.push(channel.DimensionType === 'EXCLUSIVE' ? { not: rule } : rule);
    else note(`Demographic.Channel ${channel.Values.join(', ')}`, 'sadakat channels are email, sms and push');
  }
  for (const key of ['AppVersion', 'DeviceType', 'Make', 'Model', 'Platform'] as const) {
    if (dimensions.Demographic?.[key])
      note(
        `Demographic.${key} has no profile field; left out (the segment is broader)`,
        `send ${key} as an identify trait and test it with attr: traits.${key.toLowerCase()}`,
      );
  }
  const country = dimensions.Location?.Country;
  if (country?.Values?.length) {
    const rule = { attr: 'traits.country', in: country.Values };
    rules.push(country.DimensionType === 'EXCLUSIVE' ? { not: rule } : rule);
  }
  if (dimensions.Location?.GPSPoint)
    note('Location.GPSPoint has no equivalent; left out (the segment is broader)', 'use traits.city or traits.country');
  const recency = dimensions.Behavior?.Recency;
  if (recency) {
    const window = { HR_24: '24h', DAY_7: '7d', DAY_14: '14d', DAY_30: '30d' }[recency.Duration ?? 'DAY_30'] ?? '30d';
    note(
      `Behavior.Recency ${recency.RecencyType} ${recency.Duration}: Pinpoint session activity is not tracked; left out (the segment is broader)`,
      `${recency.RecencyType === 'INACTIVE' ? 'not: ' : ''}{ event: <an event your app sends on use>, within: ${window} }`,
    );
  }
  return rules;

  function attributeRules(path: string, dimension: AttributeDimension, key: string): RuleObject[] {
    const values = dimension.Values ?? [];
    switch (dimension.AttributeType ?? 'INCLUSIVE') {
      case 'INCLUSIVE':
        return [values.length === 1 ? { attr: path, eq: values[0] } : { attr: path, in: values }];
      case 'EXCLUSIVE':
        return [{ not: values.length === 1 ? { attr: path, eq: values[0] } : { attr: path, in: values } }];
      case 'CONTAINS':
        return [
          values.length === 1
            ? { attr: path, contains: values[0] }
            : { any: values.map((value) => ({ attr: path, contains: value })) },
        ];
      default:
        note(
          `attribute ${key} ${dimension.AttributeType} ${values.join(', ')} (a date test); left out (the segment is broader)`,
          `store the date as a timestamp trait and use attr: ${path} with olderThan/newerThan`,
        );
        return [];
    }
  }
}

function userPath(key: string): string {
  if (key === 'FirstName') return 'name.first';
  if (key === 'LastName') return 'name.last';
  return `traits.${key}`;
}

function combine(type: string, rules: RuleObject[]): RuleObject | undefined {
  if (rules.length === 0) return undefined;
  if (type === 'NONE') return { not: rules.length === 1 ? rules[0] : { any: rules } };
  if (rules.length === 1) return rules[0];
  return type === 'ANY' ? { any: rules } : { all: rules };
}
