/**
 * The A/B report (DESIGN "Measurement"), built from a snapshot of what the table holds: per
 * journey, each experiment's variants against their control, and the global holdout against all
 * of the journey's other entrants. Conversions come from attribution.ts (first assignment, goal
 * in the window), with revenue net of refunds; the funnel (sent, delivered, opened, clicked,
 * bounced, complained) counts customers, from the send ledger (customer-funnel.ts), so each of its
 * rates divides customers by customers; `messages` and `refused` count messages, from the
 * message-stats counters; unsubscribed counts customers whose standing revocation was attributed
 * to a message of this journey sent after their assignment (unsubscribe-attribution.ts).
 */
import type { Journey } from '../journeys/ast.js';
import { SEND_REASONS } from '../channels/send-outcome.js';
import { attribute, type ArmAttribution, type Assignment, type GoalEvent } from './attribution.js';
import { compare, type VariantComparison } from './compare.js';
import {
  customerFunnel,
  FUNNEL_ENGAGEMENTS,
  messagesByJourney,
  type CustomerFunnel,
  type ReportMessage,
} from './customer-funnel.js';
import { attributeUnsubscribes, countUnsubscribed } from './unsubscribe-attribution.js';
import type { SharedPrior } from './probability-to-beat.js';
import { relativeLift, type LiftInterval } from './relative-lift.js';
import {
  revenuePerCustomer,
  summarizeRevenue,
  varianceOfMean,
  type MeanInterval,
  type RevenueSummary,
} from './revenue-per-customer.js';
import { sampleRatioMismatch, type SampleRatioCheck } from './sample-ratio-mismatch.js';
import { countCategories, npsInterval, type NpsInterval } from './nps.js';
import type { DifferenceInterval } from './sequential.js';
import type { Verdict } from './verdict.js';
import { wilsonInterval, type RateInterval } from './wilson-interval.js';

export type { ReportMessage } from './customer-funnel.js';

/** What the report reads from storage (shared/aws/dynamo-report-source.ts reads it from the table). */
export interface ReportData {
  profiles: readonly ReportProfile[];
  runs: readonly ReportRun[];
  /** Completed orders (`O#` items): the revenue-carrying goal. */
  orders: readonly ReportOrder[];
  /** `Order Refunded` events with an order id (`R#` items), netted out of the orders they name. */
  refunds: readonly ReportRefund[];
  /** The send ledger (`M#` items): the per-customer funnel and unsubscribe attribution. */
  messages: readonly ReportMessage[];
  messageStats: readonly { journeyId: string; variant: string | undefined; metric: string; count: number }[];
  /** Survey answers (`SV#` items; scores only, never the comment): NPS per arm and overall. */
  surveyAnswers?: readonly ReportSurveyAnswer[];
}

export interface ReportSurveyAnswer {
  customerId: string;
  surveyId: string;
  score: number;
  at: string;
}

export interface ReportOrder {
  customerId: string;
  orderId?: string;
  at: string;
  amount: number;
}

export interface ReportRefund {
  orderId: string;
  at: string;
  /** Absent when the refund named no amount: the whole order. */
  amount?: number;
}

export interface ReportProfile {
  id: string;
  experiments: Record<string, { variant: string; assignedAt: string }>;
  consent: Partial<Record<'email' | 'sms' | 'push', { granted: boolean; at: string }>>;
}

export interface ReportRun {
  journeyId: string;
  customerId: string;
  holdout: boolean;
  enteredAt: string;
  /** The customer's loyalty tier when the run entered; absent: none (or a run from before tiers). */
  tier?: string | undefined;
  convertedAt?: string | undefined;
  /** The first goal after the split when `convertedAt` came before it (journeys/run.ts). */
  convertedAfterSplitAt?: string | undefined;
}

export type MessageCounts = Record<'sent' | (typeof FUNNEL_ENGAGEMENTS)[number], number>;

export interface ArmReport {
  arm: string;
  /** Customers, like every funnel figure below up to `converted`. */
  assigned: number;
  /**
   * Assigned less than one goal window before the report's as-of time: their window is still
   * open, so they are in the funnel but not in `converted`, the rate or the revenue yet.
   */
  maturing: number;
  /** Customers sent at least one message of the journey after their assignment. */
  sent: number;
  /** Send outcomes that ended a message unsent, by reason (messages, not customers; `deferred` is not one). */
  refused: Record<string, number>;
  /** Customers with at least one message delivered (opened, clicked …); bounced and complained likewise. */
  delivered: number;
  opened: number;
  clicked: number;
  bounced: number;
  complained: number;
  /** Customers whose standing unsubscribe is attributed to this journey's message after their assignment. */
  unsubscribed: number;
  /** Customers of this arm sent a message of another arm of the experiment (should be 0). */
  crossedOver: number;
  /** Converted customers among those whose window has closed (assigned − maturing). */
  converted: number;
  /** Message counts from the counters (one customer may get many messages). */
  messages: MessageCounts;
  /** Wilson 95 % interval of converted / (assigned − maturing); null when no window has closed. */
  rate: RateInterval | null;
  /** Total net revenue of the arm (grossRevenue − refundedRevenue): grows with the arm's size; compare revenuePerCustomer. */
  revenue: number;
  grossRevenue: number;
  refundedRevenue: number;
  /**
   * Net revenue per customer whose window has closed (buyers and non-buyers alike), with its
   * 95 % interval (normal approximation, the sample variance); null below two such customers.
   */
  revenuePerCustomer: MeanInterval | null;
  /** Relative lift of the rate over the control's (0.25 = +25 %); null for the control or a zero baseline. */
  lift: number | null;
  /** The lift's 95 % interval (delta method on the log of the ratio). */
  liftInterval: { lower: number; upper: number } | null;
  /** Relative lift of revenue per customer over the control's, with its 95 % interval (delta method). */
  revenueLift: LiftInterval | null;
  /** Fixed-horizon (read once) two-sided p-value of the pooled z-test; the verdict reads `sequential`. */
  pValue: number | null;
  /** Holm-adjusted when the experiment has several variants. */
  pValueHolm: number | null;
  /** Always-valid 95 % interval (mSPRT) of the rate difference, variant − control: safe to read daily. */
  sequential: DifferenceInterval | null;
  /** P(rate > control's) from the shared `prior`; null while both arms have fewer than 5 conversions. */
  probabilityToBeatControl: number | null;
  /** The weak prior both arms start from, centred on their pooled rate. */
  prior: SharedPrior | null;
  verdict: Verdict | null;
  /** Power to detect the report's minimum detectable lift (or effect) at these sizes. */
  power: number | null;
  /** Smallest relative lift over the control's rate these sizes detect with 80 % power at α = 0.05. */
  detectableLift: number | null;
  dailyConversions: Record<string, number>;
  /**
   * NPS of the arm's customers who answered: each one's last answer (to the goal's survey, when the
   * goal is a `Survey Answered` naming `survey_id`) within the goal window after assignment, among
   * customers whose window has closed; null when nobody answered. Not intent-to-treat.
   */
  nps: NpsInterval | null;
  /**
   * Customers who answered ÷ customers whose window has closed: NOT intent-to-treat — who answers
   * differs by arm (a holdout gets no survey email), so arms' NPS compare different people.
   */
  responseRate: number | null;
}

export interface ComparisonReport {
  /** The experiment key, or `holdout` for the global holdout against all entrants. */
  name: string;
  kind: 'experiment' | 'holdout';
  /** Who is in the arms, from when: said with every table, since the two kinds count differently. */
  armDefinition: string;
  control: string;
  arms: ArmReport[];
  /**
   * Arm sizes against the configured split weights, or — for the holdout comparison — against
   * settings' holdoutPercent; null when there is nothing to compare with.
   */
  sampleRatio: SampleRatioCheck | null;
}

export interface JourneyReport {
  journeyId: string;
  /** E.g. `Order Completed within 7d`; null when the journey has no goal (nothing converts). */
  goal: string | null;
  entered: number;
  comparisons: ComparisonReport[];
  /** Conversion of the entrants outside the global holdout by their tier at entry; empty when no run has a tier. */
  byTier: TierConversion[];
}

/** One tier's entrants of a journey (outside the global holdout), from journey entry, like the holdout comparison. */
export interface TierConversion {
  /** The tier at entry; `none` for customers below the lowest tier. */
  tier: string;
  /** Customers (their first entry). */
  entered: number;
  /** Entered less than one goal window before the as-of time: not in `converted` or the rate yet. */
  maturing: number;
  converted: number;
  /** Wilson 95 % interval of converted / (entered − maturing); null when no window has closed. */
  rate: RateInterval | null;
}

export const NO_TIER = 'none';

export interface Report {
  /** The report's clock: customers assigned less than one goal window before it are `maturing`. */
  asOf: string;
  /** What `power` is for: a relative lift (0.2 = +20 %), or the older absolute effect. */
  minimumDetectableLift: number | null;
  minimumDetectableEffect: number | null;
  /** How each figure is computed, in words (the README's "Measurement" says why). */
  methods: typeof METHODS;
  /** The shop's NPS: every customer's last answer to any survey, with its 95 % interval; null without answers. */
  nps: NpsInterval | null;
  journeys: JourneyReport[];
}

export interface ReportOptions {
  /** Settings' minimumDetectableLift (relative) or, for older settings, minimumDetectableEffect (absolute). */
  minimumDetectable: { lift: number } | { effect: number };
  /** ISO instant the report is as of (the clock's now; the demo's virtual end). */
  asOf: string;
  /** Settings' holdoutPercent: the expected share of the holdout arm, for its sample-ratio check. */
  holdoutPercent?: number;
  /** Only this journey. */
  journeyId?: string;
  /** settings.yaml tier ids, lowest first: the order of `byTier` (tiers no longer configured follow). */
  tiers?: readonly string[];
}

export const METHODS = {
  rate: 'converted / customers whose goal window has closed, Wilson 95% interval',
  revenuePerCustomer:
    'net revenue per customer whose window has closed (non-buyers count 0), 95% interval by the normal approximation with the sample variance',
  lift: 'variant ÷ control − 1, 95% interval by the delta method on the log ratio',
  verdict:
    'always-valid 95% interval of the rate difference (mixture SPRT, normal mixture as GrowthBook, tuning 5,000), Bonferroni across variants; safe to read every day',
  probabilityToBeatControl:
    'normal approximation to the Beta posteriors from one weak prior shared by both arms (worth 10 customers, centred on their pooled rate); not shown while both arms have fewer than 5 conversions',
  detectableLift: 'smallest lift over the control rate detectable with 80% power at α = 0.05 at these arm sizes',
  nps: "promoters % − detractors % of each answering customer's last answer in the goal window after assignment; 95% interval from the variance of the ±1/0 score (normal approximation)",
  byTier:
    "entrants outside the global holdout by their loyalty tier at entry (not today's: a purchase the journey caused may lift it), from entry; converted / customers whose window has closed, Wilson 95% interval",
  responseRate:
    'customers who answered ÷ customers whose window has closed; not intent-to-treat: who answers differs by arm, so NPS compares different people across arms',
} as const;

/** Reasons a message ended unsent. A deferral is not one: the message is decided again at its wake time and counted then. */
const REFUSALS = SEND_REASONS.filter((reason) => reason !== 'sent' && reason !== 'deferred');
export const HOLDOUT_ARM = 'holdout';
export const ENTRANTS_ARM = 'journey';

export function buildReport(journeys: readonly Journey[], data: ReportData, options: ReportOptions): Report {
  const selected =
    options.journeyId === undefined ? journeys : journeys.filter((journey) => journey.id === options.journeyId);
  const profiles = new Map(data.profiles.map((profile) => [profile.id, profile]));
  const context: ReportContext = {
    data,
    profiles,
    messages: messagesByJourney(data.messages),
    unsubscribes: attributeUnsubscribes(data.profiles, data.messages),
    refunded: refundedByOrder(data.refunds),
    options,
    asOfMs: Date.parse(options.asOf),
  };
  if (!Number.isFinite(context.asOfMs))
    throw new RangeError(`report: asOf must be an ISO instant, got ${options.asOf}`);
  return {
    asOf: new Date(context.asOfMs).toISOString(),
    minimumDetectableLift: 'lift' in options.minimumDetectable ? options.minimumDetectable.lift : null,
    minimumDetectableEffect: 'effect' in options.minimumDetectable ? options.minimumDetectable.effect : null,
    methods: METHODS,
    nps: overallNps(data.surveyAnswers ?? []),
    journeys: selected.map((journey) => journeyReport(journey, context)),
  };
}

/** What every journey's report reads, indexed once. */
interface ReportContext {
  data: ReportData;
  profiles: Map<string, ReportProfile>;
  /** Ledger entries by journey, then customer. */
  messages: Map<string, Map<string, ReportMessage[]>>;
  /** Attributed unsubscribes by journey: customer → time of the message they are attributed to. */
  unsubscribes: Map<string, Map<string, string>>;
  /** Refunded amount per order id. */
  refunded: Map<string, number>;
  options: ReportOptions;
  asOfMs: number;
}

/** Per arm: the funnel in customers, unsubscribes and message counters. */
interface ArmMeasures {
  funnel(arm: ArmAttribution): CustomerFunnel;
  unsubscribed(arm: ArmAttribution): number;
  stats(arm: string): ReadonlyMap<string, number>;
  /** The scores that count for the arm's closed-window customers (one per answering customer). */
  surveyScores(arm: ArmAttribution): number[];
}

function journeyReport(journey: Journey, context: ReportContext): JourneyReport {
  const { data, profiles, options, asOfMs } = context;
  const runs = data.runs.filter((run) => run.journeyId === journey.id);
  const goals = goalEvents(journey, data, runs, context.refunded);
  const windowMs = journey.goal?.withinMs ?? 0;
  const stats = statsByVariant(data, journey.id);
  const messages = context.messages.get(journey.id) ?? new Map<string, ReportMessage[]>();
  const unsubscribes = context.unsubscribes.get(journey.id);
  const unsubscribed = (arm: ArmAttribution) => countUnsubscribed(arm.customers, unsubscribes);
  const surveyScores = armSurveyScores(journey, data.surveyAnswers ?? [], asOfMs);
  const comparisons: ComparisonReport[] = [];

  for (const step of journey.steps) {
    if (step.kind !== 'split') continue;
    const assignments: Assignment[] = [];
    for (const profile of profiles.values()) {
      const assigned = profile.experiments[step.experiment];
      if (assigned) assignments.push({ customerId: profile.id, arm: assigned.variant, at: assigned.assignedAt });
    }
    const control = step.variants.find((variant) => variant.holdout) ?? step.variants[0];
    if (!control) continue;
    const order = [control, ...step.variants.filter((variant) => variant !== control)];
    const arms = attribute(
      assignments,
      goals,
      windowMs,
      order.map((variant) => variant.id),
      asOfMs,
    ).filter((arm) => order.some((variant) => variant.id === arm.arm));
    const measures: ArmMeasures = {
      funnel: (arm) =>
        customerFunnel(
          arm.customers,
          messages,
          new Set(order.flatMap((variant) => (variant.id === arm.arm ? [] : [variant.id]))),
        ),
      unsubscribed,
      stats: (arm) => stats.get(arm) ?? new Map(),
      surveyScores,
    };
    comparisons.push(
      compareArms(
        step.experiment,
        'experiment',
        `customers assigned a variant at the split (${order.map((variant) => variant.id).join(', ')}), from their assignment; customers outside the split's coverage are in no arm`,
        arms,
        measures,
        options,
        order.map((variant) => variant.weight),
      ),
    );
  }

  const entryAssignments: Assignment[] = runs.map((run) => ({
    customerId: run.customerId,
    arm: run.holdout ? HOLDOUT_ARM : ENTRANTS_ARM,
    at: run.enteredAt,
  }));
  const entryArms = attribute(entryAssignments, goals, windowMs, [HOLDOUT_ARM, ENTRANTS_ARM], asOfMs);
  const entrantStats = new Map<string, number>();
  for (const [variant, counts] of stats) {
    if (variant === HOLDOUT_ARM) continue;
    for (const [metric, count] of counts) entrantStats.set(metric, (entrantStats.get(metric) ?? 0) + count);
  }
  const entryMeasures: ArmMeasures = {
    funnel: (arm) => customerFunnel(arm.customers, messages),
    unsubscribed,
    stats: (arm) => (arm === HOLDOUT_ARM ? (stats.get(HOLDOUT_ARM) ?? new Map()) : entrantStats),
    surveyScores,
  };
  const holdoutShare = options.holdoutPercent;
  comparisons.push(
    compareArms(
      HOLDOUT_ARM,
      'holdout',
      `${ENTRANTS_ARM} = all entrants outside the global holdout, whatever their variant (control variants included), against the global holdout, from journey entry`,
      entryArms,
      entryMeasures,
      options,
      holdoutShare !== undefined && holdoutShare > 0 && holdoutShare < 100
        ? [holdoutShare, 100 - holdoutShare]
        : undefined,
    ),
  );

  return {
    journeyId: journey.id,
    goal: journey.goal ? `${journey.goal.event} within ${formatDuration(journey.goal.withinMs)}` : null,
    entered: new Set(runs.map((run) => run.customerId)).size,
    comparisons,
    byTier: conversionByTier(runs, goals, windowMs, asOfMs, options.tiers ?? []),
  };
}

/** The journey's conversion by tier at entry (entrants outside the global holdout); empty when no run has a tier. */
function conversionByTier(
  runs: readonly ReportRun[],
  goals: Parameters<typeof attribute>[1],
  windowMs: number,
  asOfMs: number,
  tiers: readonly string[],
): TierConversion[] {
  if (!runs.some((run) => run.tier !== undefined)) return [];
  const entrants = runs.filter((run) => !run.holdout);
  const seen = [...new Set(entrants.map((run) => run.tier ?? NO_TIER))];
  const order = [NO_TIER, ...tiers, ...seen.filter((tier) => tier !== NO_TIER && !tiers.includes(tier)).sort()];
  const arms = attribute(
    entrants.map((run) => ({ customerId: run.customerId, arm: run.tier ?? NO_TIER, at: run.enteredAt })),
    goals,
    windowMs,
    order,
    asOfMs,
  );
  return arms
    .filter((arm) => arm.assigned > 0)
    .map((arm) => ({
      tier: arm.arm,
      entered: arm.assigned,
      maturing: arm.maturing,
      converted: arm.conversions,
      rate:
        arm.assigned - arm.maturing > 0
          ? wilsonInterval({ assigned: arm.assigned - arm.maturing, conversions: arm.conversions })
          : null,
    }));
}

/**
 * Which answer counts for a journey's arm (issue 22): the customer's last answer within the goal
 * window after their assignment — to the goal's survey when the goal is `Survey Answered` with a
 * `survey_id`, else to any survey — for customers whose window has closed by `asOfMs`. A journey
 * without a goal has no window, so no NPS.
 */
function armSurveyScores(
  journey: Journey,
  answers: readonly ReportSurveyAnswer[],
  asOfMs: number,
): (arm: ArmAttribution) => number[] {
  const goal = journey.goal;
  if (!goal || answers.length === 0) return () => [];
  const survey = goal.event === SURVEY_ANSWERED ? goal.where.survey_id : undefined;
  const wanted = (surveyId: string) =>
    survey === undefined ||
    (Array.isArray(survey) ? survey.map(String).includes(surveyId) : String(survey) === surveyId);
  const byCustomer = new Map<string, ReportSurveyAnswer[]>();
  for (const answer of answers) {
    if (!wanted(answer.surveyId)) continue;
    const list = byCustomer.get(answer.customerId) ?? [];
    list.push(answer);
    byCustomer.set(answer.customerId, list);
  }
  return (arm) => {
    const scores: number[] = [];
    for (const [customerId, assignedAt] of arm.customers) {
      const from = Date.parse(assignedAt);
      const until = from + goal.withinMs;
      if (until > asOfMs) continue;
      let last: ReportSurveyAnswer | undefined;
      for (const answer of byCustomer.get(customerId) ?? []) {
        const at = Date.parse(answer.at);
        if (at < from || at > until) continue;
        if (!last || at > Date.parse(last.at) || (at === Date.parse(last.at) && answer.score < last.score))
          last = answer;
      }
      if (last) scores.push(last.score);
    }
    return scores;
  };
}

const SURVEY_ANSWERED = 'Survey Answered';

function armNps(scores: readonly number[], closedCustomers: number): Pick<ArmReport, 'nps' | 'responseRate'> {
  return {
    nps: npsInterval(countCategories(scores)),
    responseRate:
      closedCustomers > 0 && scores.length > 0 ? scores.length / closedCustomers : closedCustomers > 0 ? 0 : null,
  };
}

/** Every customer's last answer to any survey (a same-instant tie keeps the lower score). */
function overallNps(answers: readonly ReportSurveyAnswer[]): NpsInterval | null {
  const last = new Map<string, ReportSurveyAnswer>();
  for (const answer of answers) {
    const stored = last.get(answer.customerId);
    const order = stored === undefined ? 1 : answer.at.localeCompare(stored.at);
    if (order > 0 || (order === 0 && stored !== undefined && answer.score < stored.score))
      last.set(answer.customerId, answer);
  }
  return npsInterval(countCategories([...last.values()].map((answer) => answer.score)));
}

/**
 * `Order Completed` (without property filters) is read from the order ledger with revenue, and
 * what has been refunded of each order so far; any other goal from the runs.
 */
function goalEvents(
  journey: Journey,
  data: ReportData,
  runs: readonly ReportRun[],
  refunded: ReadonlyMap<string, number>,
): GoalEvent[] {
  if (!journey.goal) return [];
  if (journey.goal.event === 'Order Completed' && Object.keys(journey.goal.where).length === 0) {
    return data.orders.map((order) => ({
      customerId: order.customerId,
      at: order.at,
      revenue: order.amount,
      ...(order.orderId !== undefined && refunded.has(order.orderId) ? { refunded: refunded.get(order.orderId) } : {}),
    }));
  }
  // Both of a run's goal times: attribution takes, per comparison, the first after that
  // comparison's assignment (entry for the holdout, the split for variants).
  return runs.flatMap((run) =>
    [run.convertedAt, run.convertedAfterSplitAt].flatMap((at) =>
      at !== undefined ? [{ customerId: run.customerId, at, revenue: 0 }] : [],
    ),
  );
}

/**
 * Refunds summed per order id, whenever they came (decision 25): an order credited to an arm is
 * credited net of every refund known when the report is built. Matched on the order id alone, so
 * a refund recorded under an anonymous profile still meets its order after a merge.
 */
function refundedByOrder(refunds: readonly ReportRefund[]): Map<string, number> {
  const cents = new Map<string, number>();
  // A whole-order refund is infinite here; attribution caps every refund at its order's amount.
  for (const refund of refunds)
    cents.set(
      refund.orderId,
      (cents.get(refund.orderId) ?? 0) +
        (refund.amount === undefined ? Infinity : Math.round(Math.abs(refund.amount) * 100)),
    );
  return new Map([...cents].map(([orderId, total]) => [orderId, total / 100]));
}

function statsByVariant(data: ReportData, journeyId: string): Map<string, Map<string, number>> {
  const byVariant = new Map<string, Map<string, number>>();
  for (const stat of data.messageStats) {
    if (stat.journeyId !== journeyId) continue;
    const variant = stat.variant ?? '-';
    const counts = byVariant.get(variant) ?? new Map<string, number>();
    counts.set(stat.metric, (counts.get(stat.metric) ?? 0) + stat.count);
    byVariant.set(variant, counts);
  }
  return byVariant;
}

function compareArms(
  name: string,
  kind: ComparisonReport['kind'],
  armsAre: string,
  arms: readonly ArmAttribution[],
  measures: ArmMeasures,
  options: ReportOptions,
  weights: number[] | undefined,
): ComparisonReport {
  const [control, ...variants] = arms;
  if (!control) throw new RangeError(`report: ${name} has no arms`);
  // Rates and revenue count the customers whose window has closed; the split's ratio counts everyone assigned.
  const closed = (arm: ArmAttribution) => arm.assigned - arm.maturing;
  const revenueOf = (arm: ArmAttribution): RevenueSummary => summarizeRevenue(arm.buyerRevenue, closed(arm));
  const armOf = (arm: ArmAttribution) => ({
    label: arm.arm,
    assigned: closed(arm),
    conversions: arm.conversions,
    revenue: revenueOf(arm),
  });
  const comparison =
    variants.length > 0
      ? compare(armOf(control), variants.map(armOf), {
          ...('lift' in options.minimumDetectable
            ? { minimumDetectableLift: options.minimumDetectable.lift }
            : { minimumDetectableEffect: options.minimumDetectable.effect }),
          prior: 'pooled',
          sequential: true,
        })
      : undefined;
  const sampleRatio =
    weights === undefined || variants.length === 0
      ? null
      : sampleRatioMismatch(
          arms.map((arm) => arm.assigned),
          weights,
        );
  const controlRevenue = revenueOf(control);
  const row = (arm: ArmAttribution, tested: VariantComparison | undefined): ArmReport => {
    const counts = measures.stats(arm.arm);
    const funnel = measures.funnel(arm);
    const customers = closed(arm);
    const rate = customers > 0 ? wilsonInterval({ assigned: customers, conversions: arm.conversions }) : null;
    const revenue = revenueOf(arm);
    const verdict =
      tested === undefined ? null : sampleRatio?.mismatch === true ? 'sample_ratio_mismatch' : tested.verdict;
    return {
      arm: arm.arm,
      assigned: arm.assigned,
      maturing: arm.maturing,
      sent: funnel.sent,
      refused: Object.fromEntries(
        REFUSALS.flatMap((reason) => (counts.get(reason) ? [[reason, counts.get(reason) ?? 0]] : [])),
      ),
      delivered: funnel.delivered,
      opened: funnel.opened,
      clicked: funnel.clicked,
      bounced: funnel.bounced,
      complained: funnel.complained,
      unsubscribed: measures.unsubscribed(arm),
      crossedOver: funnel.crossedOver,
      converted: arm.conversions,
      messages: {
        sent: counts.get('sent') ?? 0,
        ...(Object.fromEntries(FUNNEL_ENGAGEMENTS.map((metric) => [metric, counts.get(metric) ?? 0])) as Record<
          (typeof FUNNEL_ENGAGEMENTS)[number],
          number
        >),
      },
      rate,
      revenue: arm.revenue,
      grossRevenue: arm.grossRevenue,
      refundedRevenue: arm.refundedRevenue,
      revenuePerCustomer: revenue.customers >= 2 ? revenuePerCustomer(revenue) : null,
      lift: tested?.liftInterval?.lift ?? null,
      liftInterval: tested?.liftInterval
        ? { lower: tested.liftInterval.lower, upper: tested.liftInterval.upper }
        : null,
      revenueLift:
        tested && revenue.customers >= 2 && controlRevenue.customers >= 2
          ? relativeLift(
              { mean: controlRevenue.mean, varianceOfMean: varianceOfMean(controlRevenue, 'control') },
              { mean: revenue.mean, varianceOfMean: varianceOfMean(revenue, arm.arm) },
            )
          : null,
      pValue: tested?.pValue ?? null,
      pValueHolm: tested?.pValueHolm ?? null,
      sequential: tested?.sequential ?? null,
      probabilityToBeatControl: tested?.probabilityToBeatControl ?? null,
      prior: tested?.prior ?? null,
      verdict,
      power: tested?.power ?? null,
      detectableLift: tested?.detectableLift ?? null,
      dailyConversions: arm.dailyConversions,
      ...armNps(measures.surveyScores(arm), customers),
    };
  };
  return {
    name,
    kind,
    armDefinition: armsAre,
    control: control.arm,
    arms: [row(control, undefined), ...variants.map((variant, index) => row(variant, comparison?.variants[index]))],
    sampleRatio: kind === 'experiment' ? (comparison?.sampleRatio ?? sampleRatio) : sampleRatio,
  };
}

function formatDuration(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
  ];
  for (const [size, unit] of units) if (ms % size === 0 && ms >= size) return `${ms / size}${unit}`;
  return `${ms / 1000}s`;
}
