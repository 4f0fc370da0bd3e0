/**
 * `sadakat demo`: the whole spine on the embedded runtime — a synthetic shop's history imported,
 * then a live week of storefront traffic through the real ingest handler, the in-process FIFO
 * queue and the real process-events handler, on a virtual clock.
 */
import { minimumDetectableOf } from '../../config/settings.js';
import { loadRuntimeCampaign, type RuntimeCampaign } from '../../wiring/runtime-campaign.js';
import { importOrders } from '../../profiles/import-orders.js';
import { apiGatewayEvent, structuredResult } from '../api-gateway-event.js';
import { drainQueue } from '../queue-driver.js';
import type { EngineChoice } from '../data-dir.js';
import { startLocalRuntime, type LocalRuntime } from '../runtime.js';
import { VirtualClock } from '../virtual-clock.js';
import { CapacityStats, type CapacityFigure } from './capacity-stats.js';
import { countProfiles, type ProfileCounts } from '../../aws/dynamo-profile-census.js';
import { SyntheticShop } from './synthetic-shop.js';
import { localLambdaContext } from '../lambda-context.js';
import { buildLocalHandlers } from '../local-handlers.js';
import { runLocalRefresh, type LocalRefreshSummary } from '../local-refresh.js';
import { buildScheduledHandlers, runExpiryPass } from '../scheduled-handlers.js';
import { ORDER_RATE_AFTER_EMAIL } from './offer-response.js';
import { powerToDetect } from '../../measurement/power.js';
import { join, relative } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { dueSlot } from '../../journeys/schedule.js';
import { SCHEDULE_WINDOW_MS } from '../../journeys/schedule-pass.js';
import { countJourneyRuns, type JourneyCensus } from '../../aws/dynamo-journey-census.js';
import { readReportData } from '../../aws/dynamo-report-source.js';
import { encodeMessageTags } from '../../channels/message-tags.js';
import { loadTemplates } from '../../channels/render.js';
import type { SendRequest, SendQueue } from '../../channels/send-request.js';
import { buildReport, type Report } from '../../measurement/report.js';
import { reportHtml } from '../../measurement/report-html.js';
import { startLocalSending, type LocalSending } from '../local-sending.js';
import { emailFate, type FeedbackKind } from './offer-response.js';
import { writeMailFolder } from './mail-folder.js';
import { PhaseTimer, type PhaseTimings } from './phase-timer.js';

/** The live traffic starts on a fixed Monday, so the same seed gives the same summary any day. */
export const DEMO_LIVE_START = new Date('2026-11-02T00:00:00Z');
const DEMO_WRITE_KEY = 'demo-write-key';
const HOUR_MS = 3_600_000;
/** Every four simulated hours (AWS runs it every few minutes; a coarser local cadence saves requests). */
const EXPIRY_PASS_EVERY_MS = 4 * HOUR_MS;

export interface DemoOptions {
  customers: number;
  days: number;
  seed: number;
  dataDir: string;
  engine: EngineChoice;
  campaignDir: string;
  onProgress?: (phase: 'history' | 'refresh' | 'traffic', done: number, total: number) => void;
  /** Wall time per phase, reported once the demo ends (kept out of the summary, which must be deterministic). */
  onTimings?: (timings: PhaseTimings) => void;
}

export interface DemoSummary {
  seed: number;
  engine: string;
  customers: Omit<ProfileCounts, 'segments'>;
  /** Members per segment at the end, and how many entered / exited during the live traffic. */
  segments: Record<string, { members: number; entered: number; exited: number }>;
  history: { orders: number; customers: number; capacityUnits: number };
  /** The nightly refresh run on the night before the live week. */
  refresh: Pick<LocalRefreshSummary, 'asOf' | 'customers' | 'scored' | 'rfmSegments' | 'clv' | 'recommendations'>;
  events: {
    posted: number;
    accepted: number;
    rejected: number;
    rejectedByReason: Record<string, number>;
    /** Redelivered or re-posted events that changed nothing. */
    duplicates: number;
  };
  profilesWritten: number;
  identityMerges: number;
  /** Write capacity units per processed message, by event name. */
  writeCapacity: Record<string, CapacityFigure>;
  queue: { deliveries: number; retried: number; deadLettered: number };
  /** Expiry passes run on the virtual clock and the rechecks they enqueued. */
  expiry: { passes: number; rechecks: number };
  /**
   * Journey runs at the end, with the sends each journey queued and the send decisions other than
   * `sent` for them (its own quiet hours and limits show here as `deferred` and `frequency_cap`,
   * its messagesPerSecond as `rate_limited` retries).
   */
  journeys: Record<string, JourneyCensus & { queuedSends: number; refusals: Record<string, number> }>;
  /** Messages that went out, by channel. */
  sends: { email: number; sms: number; push: number };
  /** Send decisions other than `sent`, by reason. */
  refusals: Record<string, number>;
  /** SES feedback played through the real ses-feedback handler, by SES event type. */
  feedback: Record<string, number>;
  /** Orders the synthetic customers placed because of an email (the built-in true effect). */
  responseOrders: number;
  /**
   * The main experiment's power at the size it reached: for the effect the demo builds in (the
   * difference in order rates after the two emails, diluted by the share of assigned customers the
   * control actually emailed) and for settings' minimumDetectableEffect. Null before any data.
   */
  power: {
    journeyId: string;
    experiment: string;
    variant: string;
    builtInEffect: number;
    powerForBuiltInEffect: number;
    power: number | null;
    /** Settings' minimumDetectableLift (relative) or, for older settings, the absolute effect. */
    minimumDetectableLift: number | null;
    minimumDetectableEffect: number | null;
    /** Smallest relative lift the experiment's sizes detect with 80 % power. */
    detectableLift: number | null;
  } | null;
  report: Report;
  /** Where the sent mail, the SNS outbox and the HTML report were written, relative to the data folder. */
  files: { mail: string; emails: number; snsOutbox: string; reportHtml: string };
}

/** The experiment whose power the demo prints. */
const MAIN_EXPERIMENT = { journeyId: 'viewed-not-bought', experiment: 'vnb-offer' } as const;
/**
 * process-events invocations (and history profile writes) in flight; Lambda scales to one per
 * message group. At 16 the engine's thread and the handlers' thread both sat idle a third of
 * the time, each waiting on the other.
 */
const DRAIN_CONCURRENCY = 64;
/**
 * After the live traffic the clock runs on this long, so responses to the last sends land and the
 * main experiment's 7-day goal window (from a split 2 h after entry) closes for every customer
 * who entered in the live week: the report counts only customers whose window has closed, the
 * rest as `maturing` (docs/decisions.md, 71).
 */
const TAIL_MS = 8 * 24 * HOUR_MS;
const TAIL_STEP_MS = 12 * HOUR_MS;

export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const clock = new VirtualClock(DEMO_LIVE_START);
  const timer = new PhaseTimer();
  const campaign = await loadRuntimeCampaign(options.campaignDir);
  const runtime = await timer.time('startup', () =>
    startLocalRuntime({ dataDir: options.dataDir, engine: options.engine, clock, fresh: true, writeBehind: true }),
  );
  let sending: LocalSending | undefined;
  try {
    const sendTally = new SendTally();
    sending = await timer.time('startup', async () =>
      startLocalSending(runtime, {
        campaign,
        templates: await loadTemplates(join(options.campaignDir, 'templates')),
        onResult: (request, result) =>
          sendTally.record(request, result.kind === 'done' ? result.reason : result.cause, result.channel),
      }),
    );
    return await playDemo(runtime, sending, sendTally, clock, options, campaign, timer);
  } finally {
    await timer.time('report', async () => {
      await sending?.stop();
      await runtime.stop();
    });
    options.onTimings?.(timer.timings());
  }
}

/** What the send handler decided, and the emails that went out (their SES feedback is still to come). */
class SendTally {
  readonly sends = { email: 0, sms: 0, push: 0 };
  readonly refusals: Record<string, number> = {};
  /** The same refusals (and rate-limit retries) per journey. */
  readonly journeyRefusals: Record<string, Record<string, number>> = {};
  readonly sentEmails: { request: SendRequest; at: number }[] = [];
  /** Set once the demo's clock exists (the tally is built before it). */
  clock?: { now(): Date };

  record(request: SendRequest, reason: string, channel: 'email' | 'sms' | 'push'): void {
    if (reason === 'sent') {
      this.sends[channel]++;
      if (channel === 'email') this.sentEmails.push({ request, at: this.clock?.now().getTime() ?? 0 });
    } else {
      this.refusals[reason] = (this.refusals[reason] ?? 0) + 1;
      const journey = (this.journeyRefusals[request.journeyId] ??= {});
      journey[reason] = (journey[reason] ?? 0) + 1;
    }
  }
}

/** Counts the SendRequests each journey queued, passing them on to the sends queue. */
class CountingSendQueue implements SendQueue {
  readonly queued: Record<string, number> = {};
  constructor(private readonly inner: SendQueue) {}
  async enqueue(requests: readonly SendRequest[]): Promise<void> {
    for (const request of requests) this.queued[request.journeyId] = (this.queued[request.journeyId] ?? 0) + 1;
    await this.inner.enqueue(requests);
  }
}

async function playDemo(
  runtime: LocalRuntime,
  sending: LocalSending,
  sendTally: SendTally,
  clock: VirtualClock,
  options: DemoOptions,
  campaign: RuntimeCampaign,
  timer: PhaseTimer,
): Promise<DemoSummary> {
  const shop = new SyntheticShop({
    customers: options.customers,
    days: options.days,
    seed: options.seed,
    liveStart: DEMO_LIVE_START,
  });

  const capacity = new CapacityStats();
  let profilesWritten = 0;
  let duplicates = 0;
  let identityMerges = 0;
  const segmentFlows: Record<string, { entered: number; exited: number }> = {};
  const flow = (id: string) => (segmentFlows[id] ??= { entered: 0, exited: 0 });
  sendTally.clock = clock;
  const { journeys } = campaign;
  const queuedSends = new CountingSendQueue(sending.sends);
  const { core, ingest, processEvents } = buildLocalHandlers(runtime, {
    campaign,
    journeys: { definitions: journeys, sends: queuedSends },
    writeKeys: [DEMO_WRITE_KEY],
    onOutcome: (outcome) => {
      capacity.record(outcome.eventName ?? outcome.kind, outcome.capacityUnits);
      if (outcome.status === 'applied') profilesWritten++;
      if (outcome.status === 'duplicate') duplicates++;
      if (outcome.merge === 'merged') identityMerges++;
    },
    segmentChanges: {
      publish: (changes) => {
        for (const id of changes.entered) flow(id).entered++;
        for (const id of changes.exited) flow(id).exited++;
      },
    },
  });

  // History is imported, not lived: no journey starts for an order of last year.
  const historyCore = { ...core, journeys: null };
  const imported = await timer.time('history', () =>
    importOrders(historyCore, shop.history(), {
      concurrency: DRAIN_CONCURRENCY,
      onProgress: (done, total) => options.onProgress?.('history', done, total),
    }),
  );

  // The night before the live week: RFM, CLV and recommendations for everyone with history, so
  // segments such as `best` and `churn_risk` have members when traffic starts.
  const refreshed = await timer.time('refresh', () =>
    runLocalRefresh(runtime, {
      clock,
      campaign,
      asOf: new Date(DEMO_LIVE_START.getTime() - 86_400_000).toISOString().slice(0, 10),
      onProgress: (phase, done, total) => {
        if (phase !== 'summarize') options.onProgress?.('refresh', done, total);
      },
    }),
  );
  const { asOf, customers: refreshCustomers, scored, rfmSegments, clv, recommendations } = refreshed;

  const events = { posted: 0, accepted: 0, rejected: 0, rejectedByReason: {} as Record<string, number>, duplicates: 0 };
  const queueStats = { deliveries: 0, retried: 0, deadLettered: 0 };
  const drain = async (): Promise<void> => {
    const stats = await timer.time('process-events', () =>
      drainQueue(runtime.eventsQueue, processEvents, { concurrency: DRAIN_CONCURRENCY, clock }),
    );
    queueStats.deliveries += stats.delivered;
    queueStats.retried += stats.failed;
    queueStats.deadLettered += stats.movedToDlq;
  };

  const post = async (
    path: string,
    body: Record<string, unknown>,
    at: Date,
  ): Promise<{ accepted?: number; rejected?: { field: string; reason: string }[] }> => {
    const response = structuredResult(
      await timer.time('ingest', () =>
        ingest(
          apiGatewayEvent({
            method: 'POST',
            path,
            headers: {
              'content-type': 'application/json',
              authorization: `Basic ${Buffer.from(`${DEMO_WRITE_KEY}:`).toString('base64')}`,
            },
            body: JSON.stringify(body),
            at,
          }),
          localLambdaContext('ingest'),
        ),
      ),
    );
    return JSON.parse(String(response.body ?? '{}')) as {
      accepted?: number;
      rejected?: { field: string; reason: string }[];
    };
  };

  // Journeys, sends and what comes back, on the virtual clock: what journey-tick (every minute in
  // AWS), the send function and SES feedback do, here once per simulated hour.
  // journey-schedule (hourly in AWS) scans every profile, so locally it runs only in the hours
  // where some scheduled journey's cron slot falls in one of the shop's timezones.
  const scheduledHandlers = buildScheduledHandlers(runtime, campaign, 'SILENT');
  const timezones = [
    ...new Set([campaign.settings.defaultTimezone, ...shop.customers.map((customer) => customer.timezone)]),
  ];
  const crons = journeys.flatMap((journey) => (journey.trigger.kind === 'schedule' ? [journey.trigger.cron] : []));
  // Called on whole simulated hours, so each pass's one-hour window meets the previous one.
  const schedulePass = async (): Promise<void> => {
    if (
      !crons.some((cron) =>
        timezones.some((zone) => dueSlot(cron, zone, clock.now(), SCHEDULE_WINDOW_MS) !== undefined),
      )
    )
      return;
    await scheduledHandlers.journeySchedule();
  };
  const pending: PendingResponse[] = [];
  const feedback: Record<string, number> = {};
  let responseOrders = 0;
  const pumpJourneys = async (): Promise<void> => {
    await timer.time('sends', () => sending.releaseDeferred());
    await timer.time('journeys', async () => {
      await schedulePass();
      await scheduledHandlers.journeyTick();
    });
    await drain();
    await timer.time('sends', () => sending.drain());
    for (const { request, at } of sendTally.sentEmails.splice(0)) {
      const fate = emailFate(options.seed, request.messageId, request.template, at);
      for (const event of fate.feedback)
        pending.push({
          at: event.at,
          key: `${request.messageId}:${event.kind}`,
          kind: 'feedback',
          event: event.kind,
          request,
        });
      if (fate.order)
        pending.push({
          at: fate.order.at,
          key: `${request.messageId}:order`,
          kind: 'order',
          amount: fate.order.amount,
          request,
        });
    }
    pending.sort((a, b) => a.at - b.at || a.key.localeCompare(b.key));
    const now = clock.now().getTime();
    const due = pending.splice(
      0,
      pending.findIndex((item) => item.at > now) === -1 ? pending.length : pending.findIndex((item) => item.at > now),
    );
    for (const item of due) {
      if (item.kind === 'feedback') {
        feedback[item.event] = (feedback[item.event] ?? 0) + 1;
        const address =
          shop.customers.find((customer) => customer.userId === item.request.customerId)?.email ??
          `${item.request.customerId}@example.com`;
        await timer.time('feedback', () =>
          sending.sesFeedback(
            snsFeedbackEvent(item.event, item.request, item.at, address),
            localLambdaContext('ses-feedback'),
          ),
        );
      } else {
        responseOrders++;
        const at = new Date(item.at);
        await post(
          '/v1/track',
          {
            type: 'track',
            messageId: `response-${item.request.messageId.slice(0, 24)}`,
            userId: item.request.customerId,
            event: 'Order Completed',
            timestamp: at.toISOString(),
            properties: {
              order_id: `resp-${item.request.messageId.slice(0, 16)}`,
              revenue: item.amount,
              currency: campaign.settings.currency,
            },
          },
          clock.now(),
        );
      }
    }
    await drain();
  };

  // What EventBridge Scheduler does every few minutes in AWS: find lapsed time windows.
  const expiry = { passes: 0, rechecks: 0 };
  const expiryPass = async (): Promise<void> => {
    const result = await timer.time('expiry', () => runExpiryPass(runtime));
    expiry.passes++;
    expiry.rechecks += result.enqueued;
    await drain();
  };

  const post_ = post;
  const posts = [...shop.traffic()];
  // The schedulers' ticks fall on whole simulated hours between the posts.
  let nextHour = DEMO_LIVE_START.getTime() + HOUR_MS;
  let lastExpiryPass = DEMO_LIVE_START.getTime();
  for (const [index, post] of posts.entries()) {
    while (post.at.getTime() >= nextHour) {
      clock.set(new Date(nextHour));
      await drain();
      await pumpJourneys();
      nextHour += HOUR_MS;
    }
    if (post.at.getTime() - lastExpiryPass >= EXPIRY_PASS_EVERY_MS) {
      clock.set(post.at);
      await expiryPass();
      lastExpiryPass = post.at.getTime();
    }
    if (post.at.getTime() > clock.now().getTime()) clock.set(post.at);
    const result = await post_(post.path, post.body, clock.now());
    events.posted += Array.isArray(post.body.batch) ? post.body.batch.length : 1;
    events.accepted += result.accepted ?? 0;
    for (const rejection of result.rejected ?? []) {
      events.rejected++;
      const key = `${rejection.field}: ${rejection.reason}`;
      events.rejectedByReason[key] = (events.rejectedByReason[key] ?? 0) + 1;
    }
    options.onProgress?.('traffic', index + 1, posts.length);
  }
  clock.advance(HOUR_MS);
  await drain();
  await expiryPass();
  // Hourly for the first day (waits, sends and the responses to them), then in TAIL_STEP_MS
  // strides: after that the tail only lets goal windows close.
  const tailStart = clock.now().getTime();
  const tailEnd = tailStart + TAIL_MS;
  while (nextHour <= tailEnd) {
    if (nextHour > clock.now().getTime()) clock.set(new Date(nextHour));
    await pumpJourneys();
    nextHour += nextHour < tailStart + 24 * HOUR_MS ? HOUR_MS : TAIL_STEP_MS;
  }
  events.duplicates = duplicates;

  const reportHtmlPath = join(options.dataDir, 'report.html');
  const { census, report, mail, profileCounts } = await timer.time('report', async () => {
    const report = buildReport(journeys, await readReportData(runtime.doc, runtime.tableName), {
      minimumDetectable: minimumDetectableOf(campaign.settings),
      asOf: clock.now().toISOString(),
      holdoutPercent: campaign.settings.holdoutPercent,
    });
    await writeFile(reportHtmlPath, await reportHtml(report));
    return {
      census: await countJourneyRuns(runtime.doc, runtime.tableName),
      report,
      mail: await writeMailFolder(options.dataDir, await sending.ses.emails()),
      profileCounts: await countProfiles(runtime.doc, runtime.tableName),
    };
  });
  const journeySummary = Object.fromEntries(
    journeys.map((journey) => [
      journey.id,
      {
        ...(census[journey.id] ?? { entered: 0, exited: 0, completed: 0, variants: {}, holdout: 0 }),
        queuedSends: queuedSends.queued[journey.id] ?? 0,
        refusals: sortedRecord(sendTally.journeyRefusals[journey.id] ?? {}),
      },
    ]),
  );
  const { segments: members, ...customers } = profileCounts;
  const segments = Object.fromEntries(
    campaign.segments.segments.map((segment) => [
      segment.id,
      { members: members[segment.id] ?? 0, ...(segmentFlows[segment.id] ?? { entered: 0, exited: 0 }) },
    ]),
  );
  return {
    seed: options.seed,
    engine: runtime.engine.engine,
    customers,
    segments,
    history: {
      orders: imported.ordersImported,
      customers: imported.customers,
      capacityUnits: round3(imported.capacityUnits),
    },
    refresh: { asOf, customers: refreshCustomers, scored, rfmSegments, clv, recommendations },
    events,
    profilesWritten,
    identityMerges,
    writeCapacity: capacity.summary(),
    queue: queueStats,
    expiry,
    journeys: journeySummary,
    sends: { ...sendTally.sends },
    refusals: sortedRecord(sendTally.refusals),
    feedback: sortedRecord(feedback),
    responseOrders,
    power: mainExperimentPower(report),
    report,
    files: {
      mail: relative(options.dataDir, mail.folder),
      emails: mail.files,
      snsOutbox: 'sns-outbox.jsonl',
      reportHtml: relative(options.dataDir, reportHtmlPath),
    },
  };
}

type PendingResponse =
  | { kind: 'feedback'; at: number; key: string; event: FeedbackKind; request: SendRequest }
  | { kind: 'order'; at: number; key: string; amount: number; request: SendRequest };

/** The SNS notification SES event publishing would deliver to ses-feedback for this email. */
function snsFeedbackEvent(kind: FeedbackKind, request: SendRequest, at: number, address: string) {
  const timestamp = new Date(at).toISOString();
  const tags = Object.fromEntries(
    encodeMessageTags({
      customerId: request.customerId,
      messageId: request.messageId,
      journeyId: request.journeyId,
      runId: request.runId,
      stepId: request.stepId,
      ...(request.variant ? { variant: request.variant } : {}),
    }).map((tag) => [tag.Name, [tag.Value]]),
  );
  const detail =
    kind === 'Bounce'
      ? { bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: address }], timestamp } }
      : kind === 'Complaint'
        ? { complaint: { complainedRecipients: [{ emailAddress: address }], timestamp } }
        : { [kind.toLowerCase()]: { timestamp } };
  const message = {
    eventType: kind,
    mail: { messageId: request.messageId, timestamp, destination: [address], tags },
    ...detail,
  };
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:local:000000000000:ses-events:local',
        Sns: {
          Type: 'Notification',
          MessageId: `${request.messageId}-${kind}`,
          TopicArn: 'arn:aws:sns:local:000000000000:ses-events',
          Subject: '',
          Message: JSON.stringify(message),
          Timestamp: timestamp,
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: {},
        },
      },
    ],
  };
}

function mainExperimentPower(report: Report): DemoSummary['power'] {
  const journey = report.journeys.find((entry) => entry.journeyId === MAIN_EXPERIMENT.journeyId);
  const comparison = journey?.comparisons.find((entry) => entry.name === MAIN_EXPERIMENT.experiment);
  const [control, variant] = comparison?.arms ?? [];
  if (!control || !variant || control.assigned === 0 || variant.assigned === 0) return null;
  const emailedShare = Math.min(1, control.sent / control.assigned);
  const closed = (arm: typeof control) => arm.assigned - arm.maturing;
  if (closed(control) === 0 || closed(variant) === 0) return null;
  const builtInEffect = round3(
    ((ORDER_RATE_AFTER_EMAIL['vnb-discount'] ?? 0) - (ORDER_RATE_AFTER_EMAIL['vnb-reminder'] ?? 0)) * emailedShare,
  );
  const powerForBuiltInEffect = powerToDetect({
    baseline: control.converted / closed(control),
    minimumDetectableEffect: builtInEffect,
    controlAssigned: closed(control),
    variantAssigned: closed(variant),
  });
  return {
    ...MAIN_EXPERIMENT,
    variant: variant.arm,
    builtInEffect,
    powerForBuiltInEffect: round3(powerForBuiltInEffect),
    power: variant.power,
    minimumDetectableLift: report.minimumDetectableLift,
    minimumDetectableEffect: report.minimumDetectableEffect,
    detectableLift: variant.detectableLift,
  };
}

function sortedRecord(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
