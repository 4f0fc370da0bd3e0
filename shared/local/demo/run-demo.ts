/**
 * `sadakat demo`: the whole spine on the embedded runtime — a synthetic shop's history imported,
 * then a live week of storefront traffic through the real ingest handler, the in-process FIFO
 * queue and the real process-events handler, on a virtual clock.
 */
import type { Channel } from '../../channels/send-request.js';
import { tierOfSegment, tierSegmentId } from '../../tiers/tier-segment-id.js';
import { minimumDetectableOf } from '../../config/settings.js';
import { loadRuntimeCampaign, type RuntimeCampaign } from '../../wiring/runtime-campaign.js';
import { importOrders } from '../../profiles/import-orders.js';
import { apiGatewayEvent, structuredResult } from '../api-gateway-event.js';
import { drainQueue } from '../queue-driver.js';
import type { EngineChoice } from '../data-dir.js';
import { startLocalRuntime, type LocalRuntime } from '../runtime.js';
import { VirtualClock } from '../virtual-clock.js';
import { sizeFigure, type SizeFigure, type WriteCapacity } from './capacity-stats.js';
import { DemoStats, sendKey, type SendAccount } from './demo-stats.js';
import { snsFeedbackEvent } from './ses-feedback-event.js';
import { countProfiles, profileItemSizes, type ProfileCounts } from '../../aws/dynamo-profile-census.js';
import { SyntheticShop, type ShopOptions } from './synthetic-shop.js';
import { localLambdaContext } from '../lambda-context.js';
import { buildLocalHandlers } from '../local-handlers.js';
import { runLocalRefresh, type LocalRefreshSummary } from '../local-refresh.js';
import { buildScheduledHandlers, runExpiryPass, type ScheduledHandlers } from '../scheduled-handlers.js';
import { ORDER_RATE_AFTER_EMAIL } from './offer-response.js';
import { powerToDetect } from '../../measurement/power.js';
import { join, relative } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { scheduledAudiences } from '../../journeys/audiences.js';
import { dueSlot } from '../../journeys/schedule.js';
import { SCHEDULE_WINDOW_MS } from '../../journeys/schedule-pass.js';
import { countJourneyRuns, type JourneyCensus } from '../../aws/dynamo-journey-census.js';
import { readReportData } from '../../aws/dynamo-report-source.js';
import { loadTemplates } from '../../channels/load-templates.js';
import type { SendRequest } from '../../channels/send-request.js';
import type { Journey } from '../../journeys/ast.js';
import { buildReport, type Report } from '../../measurement/report.js';
import { reportHtml } from '../../measurement/report-html.js';
import { startLocalSending, type LocalSending } from '../local-sending.js';
import { deliveryId, emailFate, NPS_SURVEY_ID, type FeedbackKind } from './offer-response.js';
import { writeMailFolder } from './mail-folder.js';
import { PhaseTimer, type PhaseTimings } from './phase-timer.js';
import { roundTo } from '../../rounding.js';
import { CALL_COMPLETED, type CallOutcome } from '../../events/call-completed.js';
import { CALL_LIST_FILE } from '../local-call-list.js';
import { callFate } from './call-agents.js';
import type { WriteMeter } from '../../aws/write-meter.js';

/** The live traffic starts on a fixed Monday, so the same seed gives the same summary any day. */
export const DEMO_LIVE_START = new Date('2026-11-02T00:00:00Z');
const DEMO_WRITE_KEY = 'demo-write-key';
const HOUR_MS = 3_600_000;
/** Every four simulated hours (AWS runs it every few minutes; a coarser local cadence saves requests). */
const EXPIRY_PASS_EVERY_MS = 4 * HOUR_MS;

/** The shop's size, length and seed, and where the demo keeps its data. */
export interface DemoOptions extends Pick<ShopOptions, 'customers' | 'days' | 'seed'> {
  dataDir: string;
  engine: EngineChoice;
  campaignDir: string;
  onProgress?: (phase: 'history' | 'refresh' | 'traffic', done: number, total: number) => void;
  /** Wall time per phase, reported once the demo ends (kept out of the summary, which must be deterministic). */
  onTimings?: (timings: PhaseTimings, cpu: PhaseTimings) => void;
  /** false: process-events without per-customer coalescing (the bench's baseline; same summary but the capacity figures). */
  coalesce?: boolean;
  /** `any`: journeys see every move of their segments, either way (decision 237's switch, the cost bench's baseline). */
  segmentMoves?: 'any';
  /** Every write of process-events and of the send path, by item kind, once the demo ends (the bench's breakdown). */
  onWrites?: (writes: { events: WriteMeter; sends: WriteMeter }) => void;
}

export interface DemoSummary {
  seed: number;
  engine: string;
  /** Profiles at the end; `signedUp`: known customers who signed up during the live week (the rest are `--customers`). */
  customers: Omit<ProfileCounts, 'segments' | 'complaints'> & { signedUp: number };
  /** Members per segment at the end, and how many entered / exited during the live traffic. */
  segments: Record<string, { members: number; entered: number; exited: number }>;
  /** Customers per loyalty tier at the end (settings.yaml tiers, lowest first): their tier:<id> segments' members. */
  tiers: Record<string, number>;
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
  /** Write capacity units per processed message, by event name; `perAcceptedEvent`: all of process-events' writes ÷ accepted events. */
  writeCapacity: WriteCapacity;
  /** The send path's writes (send handler and release-deferred: ledger, caps, deferrals) per send decision. */
  sendWrites: SendWrites;
  /** Profile items' billed sizes in bytes (p99 ≤ 1,024: one write unit per profile write). */
  profileItemBytes: SizeFigure;
  queue: { deliveries: number; retried: number; deadLettered: number };
  /** Expiry passes run on the virtual clock and the rechecks they enqueued. */
  expiry: { passes: number; rechecks: number };
  /**
   * Journey runs at the end, with the sends each journey queued and the send decisions other than
   * `sent` for them (its own quiet hours and limits show here as `deferred` and `frequency_cap`,
   * its messagesPerSecond as `rate_limited` deferrals to a later slot).
   */
  journeys: Record<
    string,
    JourneyCensus & { queuedSends: number; refusals: Record<string, number>; sendAccount: SendAccount }
  >;
  /** Messages that went out, by channel. */
  sends: Record<Channel, number>;
  /** Send decisions other than `sent`, by reason. */
  refusals: Record<string, number>;
  /** SES feedback played through the real ses-feedback handler, by SES event type. */
  feedback: Record<string, number>;
  /** Orders the synthetic customers placed because of an email or a call (the built-in true effect). */
  responseOrders: number;
  /** The shop's NPS at the end (the report's: every customer's last answer), from the survey emails' answers. */
  nps: { score: number; responses: number; promoters: number; passives: number; detractors: number };
  /** Complaints the call center logged (server-key events), summed over the profiles at the end. */
  complaints: { opened: number; resolved: number; open: number };
  /**
   * Call tasks journeys created (the local call list), and the outcomes the demo's agents
   * reported through ingest as `Call Completed`; tasks nobody took are queued but not completed.
   */
  calls: { queued: number; completed: number; outcomes: Record<string, number> };
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
  files: { mail: string; emails: number; snsOutbox: string; callList: string; reportHtml: string };
}

export interface SendWrites {
  decisions: number;
  /** Items written. */
  writes: number;
  capacityUnits: number;
  /** writes ÷ decisions. */
  perDecision: number;
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
  const stats = new DemoStats(clock);
  const campaign = await loadRuntimeCampaign(options.campaignDir);
  const runtime = await timer.time('startup', () =>
    startLocalRuntime({ dataDir: options.dataDir, engine: options.engine, clock, fresh: true, writeBehind: true }),
  );
  let sending: LocalSending | undefined;
  try {
    sending = await timer.time('startup', async () =>
      startLocalSending(runtime, {
        campaign,
        templates: await loadTemplates(join(options.campaignDir, 'templates')),
        // A send deferred to a rate slot or after throttling is tallied by that cause, quiet hours as `deferred`.
        onResult: (request, result) => stats.decided(request, result),
        writes: stats.sendWrites,
      }),
    );
    const demo = await prepareDemo({ options, campaign, runtime, sending, clock, timer, stats });
    const history = await importHistory(demo);
    const refresh = await refreshScores(demo);
    await playTail(demo, await playLiveTraffic(demo));
    return await summarize(demo, history, refresh);
  } finally {
    await timer.time('report', async () => {
      await sending?.stop();
      await runtime.stop();
    });
    options.onTimings?.(timer.timings(), timer.cpuTimings());
    options.onWrites?.({ events: stats.eventWrites, sends: stats.sendWrites });
  }
}

/** What the demo's steps share: the runtime and its handlers, the virtual clock and the one stats object. */
interface Demo {
  options: DemoOptions;
  campaign: RuntimeCampaign;
  runtime: LocalRuntime;
  sending: LocalSending;
  clock: VirtualClock;
  timer: PhaseTimer;
  stats: DemoStats;
  shop: SyntheticShop;
  journeys: readonly Journey[];
  handlers: ReturnType<typeof buildLocalHandlers>;
  /** journey-tick (every minute in AWS). */
  journeyTick: ScheduledHandlers['journeyTick'];
  /** journey-schedule (hourly in AWS), for the hours where some scheduled journey has a slot. */
  journeySchedule: () => Promise<void>;
  /** SES feedback and response orders of sent emails, due later on the clock. */
  pending: PendingResponse[];
}

type PendingResponse =
  | { kind: 'feedback'; at: number; key: string; event: FeedbackKind; request: SendRequest }
  | { kind: 'order'; at: number; key: string; amount: number; request: SendRequest }
  | { kind: 'survey'; at: number; key: string; score: number; comment?: string; request: SendRequest }
  /** The shop's back end (complaints, the relationship survey), posted with its server key when due. */
  | { kind: 'service'; at: number; key: string; body: Record<string, unknown> }
  | { kind: 'call'; at: number; key: string; outcome: CallOutcome; request: SendRequest };

async function prepareDemo(
  parts: Pick<Demo, 'options' | 'campaign' | 'runtime' | 'sending' | 'clock' | 'timer' | 'stats'>,
): Promise<Demo> {
  const { options, campaign, runtime, sending, clock, stats } = parts;
  const shop = new SyntheticShop({
    customers: options.customers,
    days: options.days,
    seed: options.seed,
    liveStart: DEMO_LIVE_START,
  });
  const { journeys } = campaign;
  const handlers = buildLocalHandlers(runtime, {
    campaign,
    journeys: {
      definitions: journeys,
      ...(options.segmentMoves ? { segmentMoves: options.segmentMoves } : {}),
      sends: {
        enqueue: async (requests) => {
          stats.queued(requests);
          await sending.journeySends.enqueue(requests);
        },
      },
    },
    writeKeys: [DEMO_WRITE_KEY],
    ...(options.coalesce === false ? { coalesce: false } : {}),
    onOutcome: (outcome) => stats.processed(outcome),
    segmentChanges: { publish: (changes) => stats.segmentsMoved(changes) },
  });
  const scheduled = buildScheduledHandlers(runtime, campaign, 'SILENT');
  // journey-schedule scans every profile, so locally it runs only in the hours where some
  // scheduled journey's cron slot falls in one of the shop's timezones.
  const timezones = [
    ...new Set([campaign.settings.defaultTimezone, ...shop.customers.map((customer) => customer.timezone)]),
  ];
  const crons = journeys.flatMap((journey) => (journey.trigger.kind === 'schedule' ? [journey.trigger.cron] : []));
  const journeySchedule = async (): Promise<void> => {
    const due = crons.some((cron) =>
      timezones.some((zone) => dueSlot(cron, zone, clock.now(), SCHEDULE_WINDOW_MS) !== undefined),
    );
    if (due) await scheduled.journeySchedule();
  };
  return { ...parts, shop, journeys, handlers, journeyTick: scheduled.journeyTick, journeySchedule, pending: [] };
}

/** Step 1: the shop's history is imported, not lived: no journey starts for an order of last year. */
async function importHistory(demo: Demo): Promise<DemoSummary['history']> {
  const historyCore = { ...demo.handlers.core, journeys: null };
  const imported = await demo.timer.time('history', () =>
    importOrders(historyCore, demo.shop.history(), {
      concurrency: DRAIN_CONCURRENCY,
      onProgress: (done, total) => demo.options.onProgress?.('history', done, total),
    }),
  );
  return {
    orders: imported.ordersImported,
    customers: imported.customers,
    capacityUnits: roundTo(imported.capacityUnits, 3),
  };
}

/**
 * Step 2, the night before the live week: RFM, CLV and recommendations for everyone with history,
 * so segments such as `best` and `churn_risk` have members when traffic starts.
 */
async function refreshScores(demo: Demo): Promise<DemoSummary['refresh']> {
  const refreshed = await demo.timer.time('refresh', () =>
    runLocalRefresh(demo.runtime, {
      clock: demo.clock,
      campaign: demo.campaign,
      audiences: scheduledAudiences(demo.journeys),
      asOf: new Date(DEMO_LIVE_START.getTime() - 86_400_000).toISOString().slice(0, 10),
      onProgress: (phase, done, total) => {
        if (phase !== 'summarize') demo.options.onProgress?.('refresh', done, total);
      },
    }),
  );
  const { asOf, customers, scored, rfmSegments, clv, recommendations } = refreshed;
  return { asOf, customers, scored, rfmSegments, clv, recommendations };
}

/**
 * Step 3: the live week's storefront traffic through the real ingest handler. The schedulers'
 * ticks fall on whole simulated hours between the posts; the expiry pass every few hours.
 * Returns the first whole hour after the last post, where the tail's ticks go on.
 */
async function playLiveTraffic(demo: Demo): Promise<number> {
  const { clock } = demo;
  const posts = [...demo.shop.traffic()];
  // Played with the responses, hourly in the live week and the tail; later ones are never posted.
  for (const post of demo.shop.serviceTraffic())
    demo.pending.push({ kind: 'service', at: post.at.getTime(), key: String(post.body.messageId), body: post.body });
  demo.pending.sort((a, b) => a.at - b.at || a.key.localeCompare(b.key));
  let nextHour = DEMO_LIVE_START.getTime() + HOUR_MS;
  let lastExpiryPass = DEMO_LIVE_START.getTime();
  for (const [index, post] of posts.entries()) {
    while (post.at.getTime() >= nextHour) {
      clock.set(new Date(nextHour));
      await drain(demo);
      await hourlyTick(demo);
      nextHour += HOUR_MS;
    }
    if (post.at.getTime() - lastExpiryPass >= EXPIRY_PASS_EVERY_MS) {
      clock.set(post.at);
      await expiryPass(demo);
      lastExpiryPass = post.at.getTime();
    }
    if (post.at.getTime() > clock.now().getTime()) clock.set(post.at);
    const result = await postToIngest(demo, post.path, post.body);
    demo.stats.posted(Array.isArray(post.body.batch) ? post.body.batch.length : 1, result);
    demo.options.onProgress?.('traffic', index + 1, posts.length);
  }
  return nextHour;
}

/** Step 4: the clock runs on after the traffic (from `firstHour`), so responses to the last sends land. */
async function playTail(demo: Demo, firstHour: number): Promise<void> {
  const { clock } = demo;
  clock.advance(HOUR_MS);
  await drain(demo);
  await expiryPass(demo);
  // Hourly for the first day (waits, sends and the responses to them), then in TAIL_STEP_MS
  // strides: after that the tail only lets goal windows close.
  const tailStart = clock.now().getTime();
  const tailEnd = tailStart + TAIL_MS;
  for (let nextHour = firstHour; nextHour <= tailEnd; ) {
    if (nextHour > clock.now().getTime()) clock.set(new Date(nextHour));
    await hourlyTick(demo);
    nextHour += nextHour < tailStart + 24 * HOUR_MS ? HOUR_MS : TAIL_STEP_MS;
  }
}

/** Step 5: the A/B report, the journey and profile census, the mail folder, and the summary. */
async function summarize(
  demo: Demo,
  history: DemoSummary['history'],
  refresh: DemoSummary['refresh'],
): Promise<DemoSummary> {
  const { options, runtime, campaign, journeys, stats, clock } = demo;
  const reportHtmlPath = join(options.dataDir, 'report.html');
  const { census, report, mail, profileCounts, profileSizes } = await demo.timer.time('report', async () => {
    const report = buildReport(journeys, await readReportData(runtime.doc, runtime.tableName, clock.now()), {
      minimumDetectable: minimumDetectableOf(campaign.settings),
      asOf: clock.now().toISOString(),
      holdoutPercent: campaign.settings.holdoutPercent,
      tiers: campaign.settings.tiers.map((tier) => tier.id),
    });
    await writeFile(reportHtmlPath, await reportHtml(report));
    return {
      census: await countJourneyRuns(runtime.doc, runtime.tableName, clock.now()),
      report,
      mail: await writeMailFolder(options.dataDir, await demo.sending.ses.emails()),
      profileCounts: await countProfiles(runtime.doc, runtime.tableName, clock.now()),
      profileSizes: await profileItemSizes(runtime.doc, runtime.tableName, clock.now()),
    };
  });
  const accounts = stats.accounts(
    journeys.map((journey) => journey.id),
    await waitingSends(demo),
    clock.now().toISOString(),
  );
  const journeySummary = Object.fromEntries(
    journeys.map((journey) => [
      journey.id,
      {
        ...(census[journey.id] ?? { entered: 0, customers: 0, exited: 0, completed: 0, variants: {}, holdout: 0 }),
        queuedSends: stats.queuedSends[journey.id] ?? 0,
        refusals: sortedRecord(stats.journeyRefusals[journey.id] ?? {}),
        sendAccount: accounts[journey.id] ?? { queued: 0, sent: 0, refused: {}, pending: [], unaccounted: 0 },
      },
    ]),
  );
  const { segments: members, complaints, ...customers } = profileCounts;
  const segments = Object.fromEntries(
    campaign.segments.segments
      .filter((segment) => tierOfSegment(segment.id) === undefined)
      .map((segment) => [
        segment.id,
        { members: members[segment.id] ?? 0, ...(stats.segmentFlows[segment.id] ?? { entered: 0, exited: 0 }) },
      ]),
  );
  return {
    seed: options.seed,
    engine: runtime.engine.engine,
    customers: { ...customers, signedUp: demo.shop.customers.length - options.customers },
    segments,
    tiers: Object.fromEntries(campaign.settings.tiers.map((tier) => [tier.id, members[tierSegmentId(tier.id)] ?? 0])),
    history,
    refresh,
    events: stats.events,
    profilesWritten: stats.profilesWritten,
    identityMerges: stats.identityMerges,
    writeCapacity: {
      ...stats.capacity.summary(),
      perAcceptedEvent: perUnit(stats.eventWrites.total.capacityUnits, stats.events.accepted),
    },
    profileItemBytes: sizeFigure(profileSizes),
    sendWrites: {
      decisions: stats.decisions,
      writes: stats.sendWrites.total.items,
      capacityUnits: roundTo(stats.sendWrites.total.capacityUnits, 3),
      perDecision: perUnit(stats.sendWrites.total.items, stats.decisions),
    },
    queue: stats.queue,
    expiry: stats.expiry,
    journeys: journeySummary,
    sends: { ...stats.sends },
    refusals: sortedRecord(stats.refusals),
    feedback: sortedRecord(stats.feedback),
    responseOrders: stats.responseOrders,
    nps: {
      score: report.nps?.score ?? 0,
      responses: report.nps?.responses ?? 0,
      promoters: report.nps?.promoters ?? 0,
      passives: report.nps?.passives ?? 0,
      detractors: report.nps?.detractors ?? 0,
    },
    complaints,
    calls: {
      queued: stats.sends.call,
      completed: Object.values(stats.callOutcomes).reduce((sum, count) => sum + count, 0),
      outcomes: sortedRecord(stats.callOutcomes),
    },
    power: mainExperimentPower(report),
    report,
    files: {
      mail: relative(options.dataDir, mail.folder),
      emails: mail.files,
      snsOutbox: 'sns-outbox.jsonl',
      callList: CALL_LIST_FILE,
      reportHtml: relative(options.dataDir, reportHtmlPath),
    },
  };
}

/** `total / count` to three decimals; 0 when there is nothing to divide by. */
function perUnit(total: number, count: number): number {
  return count > 0 ? roundTo(total / count, 3) : 0;
}

/** The message ids still in the sends queue, deferred (with their wake time) or dead-lettered when the demo stops. */
async function waitingSends(demo: Demo) {
  const keys = (bodies: string[]) => bodies.map((body) => sendKey(JSON.parse(body) as SendRequest));
  const deferred = new Map<string, string>();
  for await (const item of demo.sending.deps.due.due('9999-12-31T23:59:59.999Z'))
    deferred.set(sendKey(item.request), item.wakeAt);
  return {
    queued: keys(demo.sending.sendsQueue.bodies()),
    deferred,
    deadLettered: keys(demo.sending.sendsDlq.bodies()),
  };
}

/** The events queue drained through the real process-events handler. */
async function drain(demo: Demo): Promise<void> {
  const drained = await demo.timer.time('process-events', () =>
    drainQueue(
      demo.runtime.eventsQueue,
      (event, context) => demo.stats.eventWrites.run(() => demo.handlers.processEvents(event, context)),
      {
        concurrency: DRAIN_CONCURRENCY,
        clock: demo.clock,
      },
    ),
  );
  demo.stats.drained(drained);
}

/**
 * Once per simulated hour, what journey-tick (every minute in AWS), the send function and SES
 * feedback do: deferred sends released, runs woken, sends decided, and the customers' answers
 * to earlier emails played back.
 */
async function hourlyTick(demo: Demo): Promise<void> {
  const { timer, sending } = demo;
  await timer.time('sends', () => sending.releaseDeferred());
  await timer.time('journeys', async () => {
    await demo.journeySchedule();
    await demo.journeyTick();
  });
  await drain(demo);
  await timer.time('sends', () => sending.drain());
  scheduleResponses(demo);
  await playDueResponses(demo);
  await drain(demo);
}

/** What the synthetic customers will do about the emails sent since the last tick. */
function scheduleResponses(demo: Demo): void {
  for (const { request, at } of demo.stats.sentEmails.splice(0)) {
    const experience = demo.shop.deliveryExperience(request.customerId, at);
    const delivery = deliveryId(request);
    const fate = emailFate(demo.options.seed, delivery, request.template, at, experience);
    for (const event of fate.feedback)
      demo.pending.push({
        at: event.at,
        key: `${delivery}:${event.kind}`,
        kind: 'feedback',
        event: event.kind,
        request,
      });
    if (fate.order)
      demo.pending.push({
        at: fate.order.at,
        key: `${delivery}:order`,
        kind: 'order',
        amount: fate.order.amount,
        request,
      });
    if (fate.surveyAnswer)
      demo.pending.push({
        at: fate.surveyAnswer.at,
        key: `${delivery}:survey`,
        kind: 'survey',
        score: fate.surveyAnswer.score,
        ...(fate.surveyAnswer.comment !== undefined ? { comment: fate.surveyAnswer.comment } : {}),
        request,
      });
  }
  for (const { request, at } of demo.stats.sentCalls.splice(0)) {
    const delivery = deliveryId(request);
    const fate = callFate(demo.options.seed, delivery, at);
    if (!fate) continue;
    demo.pending.push({ at: fate.at, key: `${delivery}:call`, kind: 'call', outcome: fate.outcome, request });
    if (fate.order)
      demo.pending.push({
        at: fate.at + 60_000,
        key: `${delivery}:order`,
        kind: 'order',
        amount: fate.order.amount,
        request,
      });
  }
  demo.pending.sort((a, b) => a.at - b.at || a.key.localeCompare(b.key));
}

/** The SES feedback and response orders now due, through ses-feedback and ingest. */
async function playDueResponses(demo: Demo): Promise<void> {
  const { pending, clock, stats } = demo;
  const now = clock.now().getTime();
  const firstLater = pending.findIndex((item) => item.at > now);
  const due = pending.splice(0, firstLater === -1 ? pending.length : firstLater);
  for (const item of due) {
    if (item.kind === 'feedback') {
      stats.feedback[item.event] = (stats.feedback[item.event] ?? 0) + 1;
      const address =
        demo.shop.customers.find((customer) => customer.userId === item.request.customerId)?.email ??
        `${item.request.customerId}@example.com`;
      await demo.timer.time('feedback', () =>
        demo.sending.sesFeedback(
          snsFeedbackEvent(item.event, item.request, item.at, address),
          localLambdaContext('ses-feedback'),
        ),
      );
    } else if (item.kind === 'service') {
      await postToIngest(demo, '/v1/track', item.body);
    } else if (item.kind === 'survey') {
      // The shop's back end relays the answer with its server key (DESIGN "Trust").
      await postToIngest(demo, '/v1/track', {
        type: 'track',
        messageId: `survey-${deliveryId(item.request).slice(0, 24)}`,
        userId: item.request.customerId,
        event: 'Survey Answered',
        timestamp: new Date(item.at).toISOString(),
        properties: {
          survey_id: NPS_SURVEY_ID,
          score: item.score,
          ...(item.comment !== undefined ? { comment: item.comment } : {}),
        },
      });
    } else if (item.kind === 'call') {
      await reportCallOutcome(demo, item);
    } else {
      stats.responseOrders++;
      await postToIngest(demo, '/v1/track', {
        type: 'track',
        messageId: `response-${deliveryId(item.request).slice(0, 24)}`,
        userId: item.request.customerId,
        event: 'Order Completed',
        timestamp: new Date(item.at).toISOString(),
        properties: {
          order_id: `resp-${deliveryId(item.request).slice(0, 16)}`,
          revenue: item.amount,
          currency: demo.campaign.settings.currency,
        },
      });
    }
  }
}

/** An agent's outcome: marked on the call list, and reported as a dialler does, a `Call Completed` server event. */
async function reportCallOutcome(demo: Demo, item: Extract<PendingResponse, { kind: 'call' }>): Promise<void> {
  const at = new Date(item.at).toISOString();
  await demo.sending.calls.complete(item.request.customerId, item.request.messageId, item.outcome, at);
  demo.stats.callOutcomes[item.outcome] = (demo.stats.callOutcomes[item.outcome] ?? 0) + 1;
  await postToIngest(demo, '/v1/track', {
    type: 'track',
    messageId: `call-${deliveryId(item.request).slice(0, 24)}`,
    userId: item.request.customerId,
    event: CALL_COMPLETED,
    timestamp: at,
    properties: { call_id: item.request.messageId, outcome: item.outcome },
  });
}

/** What EventBridge Scheduler does every few minutes in AWS: find lapsed time windows. */
async function expiryPass(demo: Demo): Promise<void> {
  const result = await demo.timer.time('expiry', () => runExpiryPass(demo.runtime));
  demo.stats.expiry.passes++;
  demo.stats.expiry.rechecks += result.enqueued;
  await drain(demo);
}

/** A storefront POST through the real ingest handler, at the clock's time. */
async function postToIngest(
  demo: Demo,
  path: string,
  body: Record<string, unknown>,
): Promise<{ accepted?: number; rejected?: { field: string; reason: string }[] }> {
  const response = structuredResult(
    await demo.timer.time('ingest', () =>
      demo.handlers.ingest(
        apiGatewayEvent({
          method: 'POST',
          path,
          headers: {
            'content-type': 'application/json',
            authorization: `Basic ${Buffer.from(`${DEMO_WRITE_KEY}:`).toString('base64')}`,
          },
          body: JSON.stringify(body),
          at: demo.clock.now(),
        }),
        localLambdaContext('ingest'),
      ),
    ),
  );
  return JSON.parse(String(response.body ?? '{}')) as {
    accepted?: number;
    rejected?: { field: string; reason: string }[];
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
  const builtInEffect = roundTo(
    ((ORDER_RATE_AFTER_EMAIL['vnb-discount'] ?? 0) - (ORDER_RATE_AFTER_EMAIL['vnb-reminder'] ?? 0)) * emailedShare,
    3,
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
    powerForBuiltInEffect: roundTo(powerForBuiltInEffect, 3),
    power: variant.power,
    minimumDetectableLift: report.minimumDetectableLift,
    minimumDetectableEffect: report.minimumDetectableEffect,
    detectableLift: variant.detectableLift,
  };
}

function sortedRecord(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
