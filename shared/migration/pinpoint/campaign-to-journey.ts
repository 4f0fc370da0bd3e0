/**
 * A Pinpoint campaign (GetCampaign's CampaignResponse) → a sadakat journey: the schedule becomes
 * a `schedule` trigger on the campaign's segment (cron in each customer's timezone; a one-time
 * campaign runs once per customer), an event campaign an event trigger with the segment as
 * entry; the treatments and HoldoutPercent become one experiment split with a send step per
 * treatment. Inline message content becomes a template folder of its own. What has no
 * equivalent (VOICE, IN_APP, CUSTOM delivery, hooks, end time, totals) is reported.
 */
import type {
  CampaignResponse,
  EmailTemplateResponse,
  MessageConfiguration,
  PushNotificationTemplateResponse,
  SMSTemplateResponse,
  TemplateConfiguration,
  TreatmentResource,
} from '@aws-sdk/client-pinpoint';
import { DateTime } from 'luxon';
import { eventTrigger } from './event-start-filter.js';
import { slug, type JourneyContext, type JourneyObject, type StepObject } from './journey-to-yaml.js';
import type { PinpointTemplate } from './template-to-liquid.js';

export interface CampaignConversion {
  /** Undefined when nothing of the campaign can run in sadakat (reported). */
  journey: JourneyObject | undefined;
  /** Inline message content to write as templates: folder → template. */
  inlineTemplates: { folder: string; template: PinpointTemplate }[];
  trackedProperties: Record<string, string[]>;
}

type Treatment = Pick<
  TreatmentResource,
  'MessageConfiguration' | 'TemplateConfiguration' | 'CustomDeliveryConfiguration' | 'TreatmentName' | 'Schedule'
>;
type Message =
  | { channel: 'email' | 'sms' | 'push'; templateName: string }
  | { channel: 'email' | 'sms' | 'push'; inline: PinpointTemplate }
  | { unsupported: string };

const DAYS = ['', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];

export function convertCampaign(campaign: CampaignResponse, context: JourneyContext): CampaignConversion {
  const journeyId = slug(`campaign-${campaign.Name ?? campaign.Id ?? 'pinpoint'}`);
  const source = (part?: string): string => `${journeyId}${part ? `/${part}` : ''}`;
  const note = (part: string | undefined, problem: string, suggestion: string): void =>
    context.report.add('journey', source(part), problem, suggestion);
  const empty: CampaignConversion = { journey: undefined, inlineTemplates: [], trackedProperties: {} };
  const schedule = campaign.Schedule;
  const frequency = schedule?.Frequency ?? 'ONCE';

  if (campaign.State?.CampaignStatus === 'COMPLETED' && frequency === 'ONCE') {
    note(
      undefined,
      'one-time campaign already COMPLETED in Pinpoint: not converted (it would send again)',
      'nothing to do; copy a similar campaign if it should run again',
    );
    return empty;
  }
  if (frequency === 'IN_APP_EVENT') {
    note(
      'Schedule',
      'IN_APP_EVENT campaign (in-app messages) has no sadakat channel: not converted',
      'show the message in your app on the event, or send it as push',
    );
    return empty;
  }

  // Treatments: the campaign's own (the remainder) first, then AdditionalTreatments, then the holdout.
  const additional = campaign.AdditionalTreatments ?? [];
  const holdout = campaign.HoldoutPercent ?? 0;
  const defaultWeight = 100 - holdout - additional.reduce((sum, treatment) => sum + (treatment.SizePercent ?? 0), 0);
  if (defaultWeight < 0)
    note(
      undefined,
      `HoldoutPercent and treatment SizePercent add up to ${100 - defaultWeight} %`,
      'fix the variant weights in the split',
    );
  const treatments: { treatment: Treatment; weight: number; fallbackName: string }[] = [
    { treatment: campaign, weight: Math.max(0, defaultWeight), fallbackName: 'default' },
    ...additional.map((treatment, index) => ({
      treatment,
      weight: treatment.SizePercent ?? 0,
      fallbackName: `treatment-${index + 2}`,
    })),
  ];

  const inlineTemplates: CampaignConversion['inlineTemplates'] = [];
  const variantIds: string[] = [];
  const sendSteps: StepObject[] = [];
  const variants: Record<string, unknown>[] = [];
  for (const { treatment, weight, fallbackName } of treatments) {
    let variantId = slug(treatment.TreatmentName || fallbackName);
    for (let n = 2; variantIds.includes(variantId) || variantId === 'holdout'; n++)
      variantId = `${slug(treatment.TreatmentName || fallbackName)}-${n}`;
    variantIds.push(variantId);
    const part = `treatment ${treatment.TreatmentName || fallbackName}`;
    if (treatment !== campaign && treatment.Schedule)
      note(
        part,
        'treatment-specific Schedule',
        'sadakat sends every variant on the campaign schedule; make a separate journey if the times must differ',
      );
    const message = messageOf(treatment, campaign, (problem, suggestion) => note(part, problem, suggestion));
    if ('unsupported' in message) {
      note(
        part,
        `${message.unsupported} message has no sadakat channel: this variant sends nothing`,
        message.unsupported === 'CUSTOM'
          ? 'send a custom event from your own service for this variant'
          : 'use email, SMS or push for this variant',
      );
      variants.push({ id: variantId, weight, next: 'end' });
      continue;
    }
    let template: string;
    if ('inline' in message) {
      template = slug(`${journeyId}-${variantId}`);
      inlineTemplates.push({ folder: template, template: message.inline });
    } else template = context.templateId(message.templateName);
    const stepId = slug(`send-${variantId}`);
    const send: Record<string, unknown> = { channel: message.channel, template };
    if (treatment.MessageConfiguration?.SMSMessage?.MessageType === 'TRANSACTIONAL') send.transactional = true;
    sendSteps.push({ id: stepId, send, next: 'end' });
    variants.push({ id: variantId, weight, next: stepId });
  }
  if (sendSteps.length === 0) {
    note(
      undefined,
      'no treatment of the campaign sends on email, SMS or push: not converted',
      'rebuild the campaign on a sadakat channel',
    );
    return empty;
  }
  if (holdout > 0)
    variants.push({ id: 'holdout', weight: holdout, holdout: true, next: (sendSteps[0] as StepObject).id });
  const steps: StepObject[] =
    variants.length > 1
      ? [{ id: 'treatments', split: { experiment: journeyId, variants } }, ...sendSteps, { id: 'end', end: true }]
      : [...sendSteps, { id: 'end', end: true }];

  const trackedProperties: Record<string, string[]> = {};
  const journey: JourneyObject = {
    id: journeyId,
    description: `Imported from Pinpoint campaign "${campaign.Name ?? campaign.Id}"`,
    trigger: {},
    entry: {},
    steps,
  };
  if (frequency === 'EVENT') {
    const converted = eventTrigger(schedule?.EventFilter?.Dimensions, (problem, suggestion) =>
      note('Schedule.EventFilter', problem, suggestion),
    );
    if (!converted) {
      note('Schedule.EventFilter', 'event campaign without an event type: not converted', 'write the trigger by hand');
      return empty;
    }
    if (converted.where) trackedProperties[converted.event] = Object.keys(converted.where);
    journey.trigger = { ...converted };
    journey.entry = {
      ...(campaign.SegmentId ? { segment: context.segmentId(campaign.SegmentId) } : {}),
      reentry: 'always',
    };
  } else {
    const at = startTime(campaign);
    if (!campaign.SegmentId) {
      note('Schedule', 'scheduled campaign without a SegmentId: not converted', 'write the trigger by hand');
      return empty;
    }
    journey.trigger = { schedule: cron(frequency, at), audience: context.segmentId(campaign.SegmentId) };
    // One run per customer for a one-time campaign; a recurring one sends at every slot.
    journey.entry = { reentry: frequency === 'ONCE' ? 'never' : 'always' };
    if (frequency === 'ONCE')
      note(
        'Schedule',
        `one-time campaign at ${at.toISO()}: the cron repeats every year, reentry never keeps it to one send per customer`,
        'delete the journey file once it has run',
      );
    if (schedule?.IsLocalTime === false)
      note(
        'Schedule',
        `Pinpoint sent at this time in ${schedule.Timezone ?? 'UTC'}`,
        "sadakat schedules run in each customer's timezone; adjust the cron if one moment for everybody is meant",
      );
  }
  if (schedule?.EndTime)
    note('Schedule', `EndTime ${schedule.EndTime}`, 'delete the journey file when the campaign should stop');
  if (schedule?.QuietTime?.Start && schedule.QuietTime.End)
    journey.quietHours = { start: schedule.QuietTime.Start, end: schedule.QuietTime.End };
  const limits: Record<string, number> = {};
  if (campaign.Limits?.Daily) limits.perDay = campaign.Limits.Daily;
  if (campaign.Limits?.MessagesPerSecond) limits.messagesPerSecond = campaign.Limits.MessagesPerSecond;
  if (Object.keys(limits).length > 0) journey.limits = limits;
  if (campaign.Limits?.Total)
    note(
      'Limits',
      `Total ${campaign.Limits.Total} messages per endpoint`,
      'reentry: never keeps one send per customer; otherwise limits.perWeek',
    );
  if (campaign.Limits?.Session || campaign.Limits?.MaximumDuration)
    note('Limits', 'Session / MaximumDuration limits', 'sadakat has no session or run-time limit; leave them out');
  if (campaign.Hook?.LambdaFunctionName)
    note(
      'Hook',
      `campaign hook ${campaign.Hook.Mode ?? ''} ${campaign.Hook.LambdaFunctionName}`.trim(),
      'a hook that filters or changes the audience becomes a segment rule; one that personalizes becomes profile traits',
    );
  if (campaign.IsPaused || campaign.State?.CampaignStatus === 'PAUSED')
    note(undefined, 'campaign is paused in Pinpoint', 'commit the journey file only when it should run');
  return { journey, inlineTemplates, trackedProperties };
}

/** The treatment's message: a stored template first, then inline content; the first channel wins. */
function messageOf(
  treatment: Treatment,
  campaign: CampaignResponse,
  note: (problem: string, suggestion: string) => void,
): Message {
  const templates: TemplateConfiguration = treatment.TemplateConfiguration ?? {};
  const inline: MessageConfiguration = treatment.MessageConfiguration ?? {};
  const found: Message[] = [];
  if (templates.EmailTemplate?.Name) found.push({ channel: 'email', templateName: templates.EmailTemplate.Name });
  if (templates.SMSTemplate?.Name) found.push({ channel: 'sms', templateName: templates.SMSTemplate.Name });
  if (templates.PushTemplate?.Name) found.push({ channel: 'push', templateName: templates.PushTemplate.Name });
  const dates = { CreationDate: campaign.CreationDate, LastModifiedDate: campaign.LastModifiedDate };
  const email = inline.EmailMessage;
  if (email?.HtmlBody || email?.Body) {
    const template: EmailTemplateResponse = {
      ...dates,
      TemplateName: undefined,
      TemplateType: 'EMAIL',
      Subject: email.Title,
      HtmlPart: email.HtmlBody,
      TextPart: email.Body,
    };
    found.push({ channel: 'email', inline: { kind: 'email', template } });
  }
  if (inline.SMSMessage?.Body) {
    const template: SMSTemplateResponse = {
      ...dates,
      TemplateName: undefined,
      TemplateType: 'SMS',
      Body: inline.SMSMessage.Body,
    };
    found.push({ channel: 'sms', inline: { kind: 'sms', template } });
  }
  const push =
    inline.DefaultMessage ?? inline.APNSMessage ?? inline.GCMMessage ?? inline.BaiduMessage ?? inline.ADMMessage;
  if (push?.Body || push?.Title) {
    const template: PushNotificationTemplateResponse = {
      ...dates,
      TemplateName: undefined,
      TemplateType: 'PUSH',
      Default: { Title: push.Title, Body: push.Body },
    };
    found.push({ channel: 'push', inline: { kind: 'push', template } });
  }
  if (found.length > 1)
    note(
      `messages on several channels (${found.map((message) => ('channel' in message ? message.channel : '')).join(', ')}); the first is sent`,
      'add a send step per further channel, or use send.fallback',
    );
  if (found[0]) return found[0];
  if (templates.VoiceTemplate?.Name) return { unsupported: 'VOICE' };
  if (templates.InAppTemplate?.Name || inline.InAppMessage) return { unsupported: 'IN_APP' };
  if (treatment.CustomDeliveryConfiguration || inline.CustomMessage) return { unsupported: 'CUSTOM' };
  return { unsupported: 'empty' };
}

/** StartTime as written (its own offset: Pinpoint uses the clock time), IMMEDIATE → creation time. */
function startTime(campaign: CampaignResponse): DateTime {
  const raw = campaign.Schedule?.StartTime;
  const parsed = raw && raw !== 'IMMEDIATE' ? DateTime.fromISO(raw, { setZone: true }) : undefined;
  if (parsed?.isValid) return parsed;
  const created = DateTime.fromISO(campaign.CreationDate ?? '', { setZone: true });
  return created.isValid ? created : DateTime.fromISO('2026-01-01T09:00:00Z', { setZone: true });
}

function cron(frequency: string, at: DateTime): string {
  switch (frequency) {
    case 'HOURLY':
      return `${at.minute} * * * *`;
    case 'DAILY':
      return `${at.minute} ${at.hour} * * *`;
    case 'WEEKLY':
      return `${at.minute} ${at.hour} * * ${DAYS[at.weekday]}`;
    case 'MONTHLY':
      return `${at.minute} ${at.hour} ${at.day} * *`;
    default:
      return `${at.minute} ${at.hour} ${at.day} ${at.month} *`;
  }
}
