/**
 * A Pinpoint journey (GetJourney's JourneyResponse or a WriteJourneyRequest) → a sadakat journey
 * file object (campaign/journeys/<id>.yaml). Pinpoint's activity graph becomes the step list in
 * depth-first order with explicit `next`/`then`/`else` ids, so the order never changes meaning.
 * What has no equivalent is reported with the activity id; the rest still converts.
 */
import type {
  Activity,
  JourneyResponse,
  SimpleCondition,
  WaitTime,
  WriteJourneyRequest,
} from '@aws-sdk/client-pinpoint';
import { Duration } from 'luxon';
import type { MigrationReport } from './migration-report.js';
import { eventTrigger, PLACEHOLDER_EVENT } from './event-start-filter.js';
import { dimensionsToRules } from './segment-to-rules.js';

export type PinpointJourney = Partial<JourneyResponse> & Partial<WriteJourneyRequest>;

/** Plain objects in the YAML shape of shared/journeys/ast.ts (journeyFileSchema input). */
export type StepObject = Record<string, unknown>;
export interface JourneyObject {
  id: string;
  description?: string;
  trigger: Record<string, unknown>;
  entry: Record<string, unknown>;
  limits?: Record<string, number>;
  quietHours?: { start: string; end: string };
  steps: StepObject[];
}

export interface JourneyConversion {
  journey: JourneyObject;
  /** Segments the journey needs that Pinpoint kept inline (combined conditions). */
  segments: Record<string, unknown>[];
  /** Event → properties the trigger filters on (settings.yaml trackedProperties). */
  trackedProperties: Record<string, string[]>;
}

export interface JourneyContext {
  /** Pinpoint segment id → sadakat segment id (from the imported segments). */
  segmentId: (pinpointId: string) => string;
  /** Pinpoint template name → sadakat template folder. */
  templateId: (templateName: string) => string;
  report: MigrationReport;
}

const END_ID = 'end';

/** A sadakat id from any Pinpoint name: lowercase letters, digits, - and _. */
export function slug(text: string): string {
  const cleaned = text
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, 63);
  return cleaned === '' ? 'x' : cleaned;
}

/** ISO-8601 duration (PT1H, P1D, P1DT12H) → the largest whole sadakat unit ("1h", "36h"). */
export function isoToDuration(iso: string): string | undefined {
  const duration = Duration.fromISO(iso);
  if (!duration.isValid) return undefined;
  const ms = duration.as('milliseconds');
  if (ms <= 0) return undefined;
  for (const [unit, size] of [
    ['w', 604_800_000],
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.ceil(ms / 1000)}s`;
}

export function convertJourney(source: PinpointJourney, context: JourneyContext): JourneyConversion {
  const journeyId = slug(source.Name ?? source.Id ?? 'pinpoint-journey');
  const { report } = context;
  const where = (activityId: string): string => `${journeyId}/${activityId}`;
  const activities = source.Activities ?? {};
  // Step ids are slugs of activity ids, made unique (Pinpoint ids differ in case, slugs may not).
  const stepIds = new Map<string, string>();
  for (const activityId of Object.keys(activities)) {
    const base = slug(activityId);
    let candidate = base;
    for (let n = 2; [...stepIds.values()].includes(candidate) || candidate === 'end'; n++) candidate = `${base}-${n}`;
    stepIds.set(activityId, candidate);
  }
  const stepId = (activityId: string): string => stepIds.get(activityId) ?? slug(activityId);
  const segments: Record<string, unknown>[] = [];
  const trackedProperties: Record<string, string[]> = {};

  // Activities with no equivalent are bypassed: references to them go to their next activity.
  const resolve = (activityId: string | undefined, seen = new Set<string>()): string => {
    if (activityId === undefined || !(activityId in activities) || seen.has(activityId)) return END_ID;
    const activity = activities[activityId] as Activity;
    const bypass = activity.CUSTOM?.NextActivity ?? activity.ContactCenter?.NextActivity;
    if (activity.CUSTOM || activity.ContactCenter)
      return bypass === undefined ? END_ID : resolve(bypass, new Set([...seen, activityId]));
    return stepId(activityId);
  };

  const steps: StepObject[] = [];
  const emitted = new Set<string>();
  const pending: string[] = [];
  const visit = (activityId: string | undefined): void => {
    if (activityId === undefined || emitted.has(activityId) || !(activityId in activities)) return;
    emitted.add(activityId);
    const activity = activities[activityId] as Activity;
    const id = stepId(activityId);
    const next = (target: string | undefined): string => resolve(target);
    if (activity.EMAIL || activity.SMS || activity.PUSH) {
      const [channel, message] = activity.EMAIL
        ? (['email', activity.EMAIL] as const)
        : activity.SMS
          ? (['sms', activity.SMS] as const)
          : (['push', activity.PUSH] as const);
      if (!message?.TemplateName)
        report.add(
          'journey',
          where(activityId),
          `${channel} activity without TemplateName`,
          'pick a template folder and fill in send.template',
        );
      const send: Record<string, unknown> = {
        channel,
        template: context.templateId(message?.TemplateName ?? 'missing-template'),
      };
      if (activity.SMS?.MessageConfig?.MessageType === 'TRANSACTIONAL') send.transactional = true;
      if (message?.TemplateVersion !== undefined)
        report.add(
          'journey',
          where(activityId),
          `pinned template version ${message.TemplateVersion}`,
          'sadakat templates are versioned by git: the converted files are the version exported',
        );
      if (activity.EMAIL?.MessageConfig?.FromAddress)
        report.add(
          'journey',
          where(activityId),
          `per-activity FromAddress ${activity.EMAIL.MessageConfig.FromAddress}`,
          'set the sender in settings.yaml (one sender per campaign)',
        );
      steps.push({ id, send, next: next(message?.NextActivity) });
      pending.push(message?.NextActivity ?? '');
    } else if (activity.Wait) {
      const wait = waitInput(activity.Wait.WaitTime);
      if (wait === undefined) {
        report.add(
          'journey',
          where(activityId),
          'Wait without a WaitFor duration or WaitUntil timestamp',
          'set the wait in the YAML by hand',
        );
        steps.push({ id, wait: '1m', next: next(activity.Wait.NextActivity) });
      } else steps.push({ id, wait, next: next(activity.Wait.NextActivity) });
      pending.push(activity.Wait.NextActivity ?? '');
    } else if (activity.RandomSplit) {
      const branches = activity.RandomSplit.Branches ?? [];
      steps.push({
        id,
        split: {
          experiment: slug(`${journeyId}-${activityId}`),
          variants: branches.map((branch, index) => ({
            id: `branch-${index + 1}`,
            weight: branch.Percentage ?? 0,
            next: next(branch.NextActivity),
          })),
        },
      });
      pending.push(...branches.map((branch) => branch.NextActivity ?? ''));
    } else if (activity.Holdout) {
      const percentage = activity.Holdout.Percentage ?? 0;
      // Pinpoint's holdout leaves the journey; sadakat's holdout walks on with sends skipped, which
      // sends the same (nothing) and keeps the group for goal comparison.
      steps.push({
        id,
        split: {
          experiment: slug(`${journeyId}-${activityId}`),
          variants: [
            { id: 'holdout', weight: percentage, holdout: true, next: next(activity.Holdout.NextActivity) },
            { id: 'treatment', weight: 100 - percentage, next: next(activity.Holdout.NextActivity) },
          ],
        },
      });
      pending.push(activity.Holdout.NextActivity ?? '');
    } else if (activity.ConditionalSplit) {
      const split = activity.ConditionalSplit;
      const conditions = split.Condition?.Conditions ?? [];
      const operator = split.Condition?.Operator === 'ANY' ? 'any' : 'all';
      const branch = branchCondition(activityId, conditions, operator, split.EvaluationWaitTime);
      if (branch.waitFirst !== undefined) steps.push({ id: `${id}-wait`, wait: branch.waitFirst, next: id });
      steps.push({ id, branch: { ...branch.test, then: next(split.TrueActivity), else: next(split.FalseActivity) } });
      pending.push(split.TrueActivity ?? '', split.FalseActivity ?? '');
    } else if (activity.MultiCondition) {
      const multi = activity.MultiCondition;
      const branches = multi.Branches ?? [];
      // A chain of two-way branches, tested in Pinpoint's order, ending at DefaultActivity.
      branches.forEach((entry, index) => {
        const branch = branchCondition(
          `${activityId}-${index + 1}`,
          entry.Condition ? [entry.Condition] : [],
          'all',
          index === 0 ? multi.EvaluationWaitTime : undefined,
        );
        const ownId = index === 0 ? id : `${id}-${index + 1}`;
        if (branch.waitFirst !== undefined) steps.push({ id: `${id}-wait`, wait: branch.waitFirst, next: ownId });
        const elseTarget = index + 1 < branches.length ? `${id}-${index + 2}` : next(multi.DefaultActivity);
        steps.push({ id: ownId, branch: { ...branch.test, then: next(entry.NextActivity), else: elseTarget } });
      });
      pending.push(...branches.map((entry) => entry.NextActivity ?? ''), multi.DefaultActivity ?? '');
    } else if (activity.CUSTOM || activity.ContactCenter) {
      const kind = activity.CUSTOM ? 'CUSTOM (webhook/Lambda)' : 'ContactCenter';
      report.add(
        'journey',
        where(activityId),
        `${kind} activity has no sadakat equivalent; skipped`,
        activity.CUSTOM
          ? 'send a custom event from your own service, or use an update step to tag the customer'
          : 'call Amazon Connect from your own service on a tagged profile',
      );
      pending.push(activity.CUSTOM?.NextActivity ?? activity.ContactCenter?.NextActivity ?? '');
    } else {
      report.add('journey', where(activityId), 'activity of an unknown type; skipped', 'recreate it by hand');
    }
    while (pending.length > 0) visit(pending.shift() || undefined);
  };

  function branchCondition(
    activityId: string,
    conditions: SimpleCondition[],
    operator: 'all' | 'any',
    evaluation: WaitTime | undefined,
  ): { test: Record<string, unknown>; waitFirst: string | undefined } {
    const within = evaluation?.WaitFor ? isoToDuration(evaluation.WaitFor) : undefined;
    if (evaluation?.WaitUntil)
      report.add(
        'journey',
        where(activityId),
        'EvaluationWaitTime.WaitUntil (a fixed time)',
        'converted as no wait; add a wait step with until: before the branch',
      );
    const only = conditions.length === 1 ? conditions[0] : undefined;
    const engagement =
      only?.EventCondition?.MessageActivity !== undefined
        ? engagementType(only.EventCondition.Dimensions?.EventType?.Values ?? [])
        : undefined;
    if (only?.EventCondition?.MessageActivity !== undefined && engagement !== undefined) {
      // sadakat's opened/clicked branch decides as soon as the open arrives, or at the end of `within`.
      if (within === undefined)
        report.add(
          'journey',
          where(activityId),
          `${engagement} condition without EvaluationWaitTime.WaitFor`,
          'the branch waits 1d for the engagement; change within: if another window is meant',
        );
      return {
        test: { [engagement]: resolve(only.EventCondition.MessageActivity), within: within ?? '1d' },
        waitFirst: undefined,
      };
    }
    if (only?.SegmentCondition?.SegmentId)
      return { test: { segment: context.segmentId(only.SegmentCondition.SegmentId) }, waitFirst: within };
    // Several conditions, or a custom event condition: one generated segment holds the test.
    const rules = conditions.flatMap((condition): Record<string, unknown>[] => {
      if (condition.SegmentCondition?.SegmentId)
        return [{ segment: context.segmentId(condition.SegmentCondition.SegmentId) }];
      if (condition.SegmentDimensions)
        return dimensionsToRules(condition.SegmentDimensions, (problem, suggestion) =>
          report.add('journey', where(activityId), problem, suggestion),
        );
      const events = condition.EventCondition?.Dimensions?.EventType?.Values ?? [];
      if (condition.EventCondition && events.length > 0 && condition.EventCondition.MessageActivity === undefined)
        return events.map((event) => ({ event, within: within ?? '1d' }));
      report.add(
        'journey',
        where(activityId),
        'condition with no sadakat equivalent (a message event among several conditions)',
        'split it into one opened/clicked branch per message',
      );
      return [];
    });
    const segmentId = slug(`${journeyId}-${activityId}`).replace(/^[^a-z]+/, 's');
    segments.push(
      rules.length === 0
        ? {
            id: segmentId,
            description: `placeholder for ${activityId}: edit`,
            attr: 'traits.pinpoint_placeholder',
            exists: true,
          }
        : { id: segmentId, description: `conditions of Pinpoint activity ${activityId}`, [operator]: rules },
    );
    return { test: { segment: segmentId }, waitFirst: within };
  }

  const startId = source.StartActivity ?? Object.keys(activities)[0];
  visit(startId);
  for (const activityId of Object.keys(activities)) {
    if (!emitted.has(activityId))
      report.add(
        'journey',
        where(activityId),
        'activity not reachable from StartActivity; left out',
        'connect it in the YAML if it is needed',
      );
  }
  steps.push({ id: END_ID, end: true });
  if (steps.length === 1)
    report.add('journey', journeyId, 'journey has no convertible activities', 'write the steps by hand');

  const journey: JourneyObject = {
    id: journeyId,
    ...(source.Name ? { description: `Imported from Pinpoint journey "${source.Name}"` } : {}),
    trigger: trigger(),
    entry: entry(),
    steps,
  };
  const limits = convertLimits();
  if (limits) journey.limits = limits;
  if (source.QuietTime?.Start && source.QuietTime.End) {
    journey.quietHours = { start: source.QuietTime.Start, end: source.QuietTime.End };
    if (source.LocalTime === false)
      report.add(
        'journey',
        journeyId,
        'LocalTime is false: Pinpoint applied quiet time in the journey timezone',
        "sadakat applies quietHours in each customer's timezone",
      );
  }
  if (source.Schedule?.StartTime || source.Schedule?.EndTime)
    report.add(
      'journey',
      journeyId,
      'Schedule start/end time has no journey field',
      'commit the YAML when the journey should start and remove it when it should end',
    );
  if (source.OpenHours)
    report.add('journey', journeyId, 'OpenHours has no equivalent', 'use quietHours for the closed part of the day');
  if (source.ClosedDays)
    report.add(
      'journey',
      journeyId,
      'ClosedDays has no equivalent',
      'add wait steps with until: timestamps around the closed days',
    );
  if (source.RefreshFrequency)
    report.add(
      'journey',
      journeyId,
      `RefreshFrequency ${source.RefreshFrequency}`,
      'segment membership in sadakat updates on every event: no refresh needed',
    );
  return { journey, segments, trackedProperties };

  function trigger(): Record<string, unknown> {
    const start = source.StartCondition;
    if (start?.SegmentStartCondition?.SegmentId)
      return { segment: context.segmentId(start.SegmentStartCondition.SegmentId), on: 'enter' };
    const converted = eventTrigger(start?.EventStartCondition?.EventFilter?.Dimensions, (problem, suggestion) =>
      report.add('journey', where('StartCondition'), problem, suggestion),
    );
    if (converted) {
      if (converted.where) trackedProperties[converted.event] = Object.keys(converted.where);
      return { ...converted };
    }
    report.add(
      'journey',
      where('StartCondition'),
      'no StartCondition with a segment or an event type',
      'set trigger by hand',
    );
    return { event: PLACEHOLDER_EVENT };
  }

  function entry(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    const audience = source.StartCondition?.EventStartCondition?.SegmentId;
    if (audience) result.segment = context.segmentId(audience);
    const limits = source.Limits;
    const interval = limits?.EndpointReentryInterval ? isoToDuration(limits.EndpointReentryInterval) : undefined;
    if (interval) result.reentry = { after: interval };
    else if (
      (limits?.EndpointReentryCap ?? 0) > 0 ||
      (limits?.EndpointReentryCap === undefined && source.StartCondition?.EventStartCondition)
    ) {
      result.reentry = 'always';
    } else result.reentry = 'never';
    if ((limits?.EndpointReentryCap ?? 0) > 1)
      report.add(
        'journey',
        journeyId,
        `EndpointReentryCap ${limits?.EndpointReentryCap}`,
        'sadakat has no re-entry count; reentry is "always" or after an interval',
      );
    return result;
  }

  function convertLimits(): Record<string, number> | undefined {
    const limits = source.Limits;
    if (!limits) return undefined;
    const result: Record<string, number> = {};
    if (limits.DailyCap) result.perDay = limits.DailyCap;
    if (limits.TimeframeCap?.Cap && limits.TimeframeCap.Days === 7) result.perWeek = limits.TimeframeCap.Cap;
    else if (limits.TimeframeCap?.Cap)
      report.add(
        'journey',
        journeyId,
        `TimeframeCap ${limits.TimeframeCap.Cap} per ${limits.TimeframeCap.Days} days`,
        'sadakat caps per day and per week: pick limits.perDay or limits.perWeek',
      );
    if (limits.MessagesPerSecond) result.messagesPerSecond = limits.MessagesPerSecond;
    if (limits.TotalCap)
      report.add(
        'journey',
        journeyId,
        `TotalCap ${limits.TotalCap} (per endpoint for the journey)`,
        'reentry: never keeps one run per customer; combine with limits.perWeek',
      );
    return Object.keys(result).length > 0 ? result : undefined;
  }
}

function waitInput(wait: WaitTime | undefined): string | { until: string } | undefined {
  if (wait?.WaitFor) return isoToDuration(wait.WaitFor);
  if (wait?.WaitUntil) return { until: new Date(wait.WaitUntil).toISOString() };
  return undefined;
}

/** Pinpoint's message events on an earlier activity → sadakat engagement branch kind. */
function engagementType(values: readonly string[]): 'opened' | 'clicked' | undefined {
  if (values.length === 0) return undefined;
  if (values.every((value) => /click/i.test(value))) return 'clicked';
  if (values.every((value) => /open|click/i.test(value))) return 'opened';
  return undefined;
}
