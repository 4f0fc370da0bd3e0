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
import { summarizeRevenue } from './revenue-per-customer.js';
import type { SampleRatioCheck } from './sample-ratio-mismatch.js';
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
  convertedAt?: string | undefined;
}

export type MessageCounts = Record<'sent' | (typeof FUNNEL_ENGAGEMENTS)[number], number>;

export interface ArmReport {
  arm: string;
  /** Customers, like every funnel figure below up to `converted`. */
  assigned: number;
  /** Customers sent at least one message of the journey after their assignment. */
  sent: number;
  /** Send outcomes other than `sent`, by reason (messages, not customers). */
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
  converted: number;
  /** Message counts from the counters (one customer may get many messages). */
  messages: MessageCounts;
  /** Wilson 95 % interval of the conversion rate; null for an empty arm. */
  rate: RateInterval | null;
  /** Net of refunds: grossRevenue − refundedRevenue. */
  revenue: number;
  grossRevenue: number;
  refundedRevenue: number;
  /** Net revenue per assigned customer. */
  revenuePerCustomer: number | null;
  /** Relative lift of the rate over the control's (0.25 = +25 %); null for the control or a zero baseline. */
  lift: number | null;
  pValue: number | null;
  /** Holm-adjusted when the experiment has several variants. */
  pValueHolm: number | null;
  probabilityToBeatControl: number | null;
  verdict: Verdict | null;
  /** Power to detect settings' minimumDetectableEffect at these sizes. */
  power: number | null;
  dailyConversions: Record<string, number>;
}

export interface ComparisonReport {
  /** The experiment key, or `holdout` for the global holdout against all entrants. */
  name: string;
  kind: 'experiment' | 'holdout';
  control: string;
  arms: ArmReport[];
  /** Null for the holdout comparison (its size is a setting, not a split of this journey). */
  sampleRatio: SampleRatioCheck | null;
}

export interface JourneyReport {
  journeyId: string;
  /** E.g. `Order Completed within 7d`; null when the journey has no goal (nothing converts). */
  goal: string | null;
  entered: number;
  comparisons: ComparisonReport[];
}

export interface Report {
  minimumDetectableEffect: number;
  journeys: JourneyReport[];
}

export interface ReportOptions {
  minimumDetectableEffect: number;
  /** Only this journey. */
  journeyId?: string;
}

const REFUSALS = SEND_REASONS.filter((reason) => reason !== 'sent');
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
    mde: options.minimumDetectableEffect,
  };
  return {
    minimumDetectableEffect: options.minimumDetectableEffect,
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
  mde: number;
}

/** Per arm: the funnel in customers, unsubscribes and message counters. */
interface ArmMeasures {
  funnel(arm: ArmAttribution): CustomerFunnel;
  unsubscribed(arm: ArmAttribution): number;
  stats(arm: string): ReadonlyMap<string, number>;
}

function journeyReport(journey: Journey, context: ReportContext): JourneyReport {
  const { data, profiles, mde } = context;
  const runs = data.runs.filter((run) => run.journeyId === journey.id);
  const goals = goalEvents(journey, data, runs, context.refunded);
  const windowMs = journey.goal?.withinMs ?? 0;
  const stats = statsByVariant(data, journey.id);
  const messages = context.messages.get(journey.id) ?? new Map<string, ReportMessage[]>();
  const unsubscribes = context.unsubscribes.get(journey.id);
  const unsubscribed = (arm: ArmAttribution) => countUnsubscribed(arm.customers, unsubscribes);
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
    };
    comparisons.push(
      compareArms(
        step.experiment,
        'experiment',
        arms,
        measures,
        mde,
        order.map((variant) => variant.weight),
      ),
    );
  }

  const entryAssignments: Assignment[] = runs.map((run) => ({
    customerId: run.customerId,
    arm: run.holdout ? HOLDOUT_ARM : ENTRANTS_ARM,
    at: run.enteredAt,
  }));
  const entryArms = attribute(entryAssignments, goals, windowMs, [HOLDOUT_ARM, ENTRANTS_ARM]);
  const entrantStats = new Map<string, number>();
  for (const [variant, counts] of stats) {
    if (variant === HOLDOUT_ARM) continue;
    for (const [metric, count] of counts) entrantStats.set(metric, (entrantStats.get(metric) ?? 0) + count);
  }
  const entryMeasures: ArmMeasures = {
    funnel: (arm) => customerFunnel(arm.customers, messages),
    unsubscribed,
    stats: (arm) => (arm === HOLDOUT_ARM ? (stats.get(HOLDOUT_ARM) ?? new Map()) : entrantStats),
  };
  comparisons.push(compareArms(HOLDOUT_ARM, 'holdout', entryArms, entryMeasures, mde, undefined));

  return {
    journeyId: journey.id,
    goal: journey.goal ? `${journey.goal.event} within ${formatDuration(journey.goal.withinMs)}` : null,
    entered: new Set(runs.map((run) => run.customerId)).size,
    comparisons,
  };
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
  return runs.flatMap((run) =>
    run.convertedAt ? [{ customerId: run.customerId, at: run.convertedAt, revenue: 0 }] : [],
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
  arms: readonly ArmAttribution[],
  measures: ArmMeasures,
  mde: number,
  weights: number[] | undefined,
): ComparisonReport {
  const [control, ...variants] = arms;
  if (!control) throw new RangeError(`report: ${name} has no arms`);
  const armOf = (arm: ArmAttribution) => ({
    label: arm.arm,
    assigned: arm.assigned,
    conversions: arm.conversions,
    revenue: summarizeRevenue(arm.buyerRevenue, arm.assigned),
  });
  const comparison =
    variants.length > 0
      ? compare(armOf(control), variants.map(armOf), {
          minimumDetectableEffect: mde,
          ...(weights ? { expectedWeights: weights } : {}),
        })
      : undefined;
  const row = (arm: ArmAttribution, tested: VariantComparison | undefined): ArmReport => {
    const counts = measures.stats(arm.arm);
    const funnel = measures.funnel(arm);
    const controlRate = control.assigned > 0 ? control.conversions / control.assigned : 0;
    const rate = arm.assigned > 0 ? wilsonInterval(arm) : null;
    return {
      arm: arm.arm,
      assigned: arm.assigned,
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
      revenuePerCustomer: arm.assigned > 0 ? Math.round((arm.revenue / arm.assigned) * 100) / 100 : null,
      lift: tested && rate && controlRate > 0 ? rate.rate / controlRate - 1 : null,
      pValue: tested?.pValue ?? null,
      pValueHolm: tested?.pValueHolm ?? null,
      probabilityToBeatControl: tested?.probabilityToBeatControl ?? null,
      verdict: tested?.verdict ?? null,
      power: tested?.power ?? null,
      dailyConversions: arm.dailyConversions,
    };
  };
  return {
    name,
    kind,
    control: control.arm,
    arms: [row(control, undefined), ...variants.map((variant, index) => row(variant, comparison?.variants[index]))],
    sampleRatio: comparison?.sampleRatio ?? null,
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
