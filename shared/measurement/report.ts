/**
 * The A/B report (DESIGN "Measurement"), built from a snapshot of what the table holds: per
 * journey, each experiment's variants against their control, and the global holdout against all
 * of the journey's other entrants. Conversions come from attribution.ts (first assignment, goal
 * in the window); message counts (sent, refused by reason, delivered, opened, …) are messages,
 * from the message-stats counters; unsubscribed counts assigned customers whose consent for some
 * channel was revoked after their assignment (one-click unsubscribes and complaints alike).
 */
import type { Journey } from '../journeys/ast.js';
import { SEND_REASONS } from '../channels/send-outcome.js';
import { attribute, type ArmAttribution, type Assignment, type GoalEvent } from './attribution.js';
import { compare, type VariantComparison } from './compare.js';
import { summarizeRevenue } from './revenue-per-customer.js';
import type { SampleRatioCheck } from './sample-ratio-mismatch.js';
import type { Verdict } from './verdict.js';
import { wilsonInterval, type RateInterval } from './wilson-interval.js';

/** What the report reads from storage (shared/aws/dynamo-report-source.ts reads it from the table). */
export interface ReportData {
  profiles: readonly ReportProfile[];
  runs: readonly ReportRun[];
  /** Completed orders (`O#` items): the revenue-carrying goal. */
  orders: readonly { customerId: string; at: string; amount: number }[];
  messageStats: readonly { journeyId: string; variant: string | undefined; metric: string; count: number }[];
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

export interface ArmReport {
  arm: string;
  assigned: number;
  sent: number;
  /** Send outcomes other than `sent`, by reason (messages). */
  refused: Record<string, number>;
  delivered: number;
  opened: number;
  clicked: number;
  bounced: number;
  complained: number;
  unsubscribed: number;
  converted: number;
  /** Wilson 95 % interval of the conversion rate; null for an empty arm. */
  rate: RateInterval | null;
  revenue: number;
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

const ENGAGEMENT = ['delivered', 'opened', 'clicked', 'bounced', 'complained'] as const;
const REFUSALS = SEND_REASONS.filter((reason) => reason !== 'sent');
export const HOLDOUT_ARM = 'holdout';
export const ENTRANTS_ARM = 'journey';

export function buildReport(journeys: readonly Journey[], data: ReportData, options: ReportOptions): Report {
  const selected = options.journeyId === undefined ? journeys : journeys.filter((journey) => journey.id === options.journeyId);
  const profiles = new Map(data.profiles.map((profile) => [profile.id, profile]));
  return {
    minimumDetectableEffect: options.minimumDetectableEffect,
    journeys: selected.map((journey) => journeyReport(journey, data, profiles, options.minimumDetectableEffect)),
  };
}

function journeyReport(journey: Journey, data: ReportData, profiles: Map<string, ReportProfile>, mde: number): JourneyReport {
  const runs = data.runs.filter((run) => run.journeyId === journey.id);
  const goals = goalEvents(journey, data, runs);
  const windowMs = journey.goal?.withinMs ?? 0;
  const stats = statsByVariant(data, journey.id);
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
    const arms = attribute(assignments, goals, windowMs, order.map((variant) => variant.id)).filter((arm) => order.some((variant) => variant.id === arm.arm));
    comparisons.push(
      compareArms(step.experiment, 'experiment', arms, (arm) => stats.get(arm) ?? new Map(), profiles, mde, order.map((variant) => variant.weight)),
    );
  }

  const entryAssignments: Assignment[] = runs.map((run) => ({ customerId: run.customerId, arm: run.holdout ? HOLDOUT_ARM : ENTRANTS_ARM, at: run.enteredAt }));
  const entryArms = attribute(entryAssignments, goals, windowMs, [HOLDOUT_ARM, ENTRANTS_ARM]);
  const entrantStats = new Map<string, number>();
  for (const [variant, counts] of stats) {
    if (variant === HOLDOUT_ARM) continue;
    for (const [metric, count] of counts) entrantStats.set(metric, (entrantStats.get(metric) ?? 0) + count);
  }
  comparisons.push(
    compareArms(HOLDOUT_ARM, 'holdout', entryArms, (arm) => (arm === HOLDOUT_ARM ? (stats.get(HOLDOUT_ARM) ?? new Map()) : entrantStats), profiles, mde, undefined),
  );

  return {
    journeyId: journey.id,
    goal: journey.goal ? `${journey.goal.event} within ${formatDuration(journey.goal.withinMs)}` : null,
    entered: new Set(runs.map((run) => run.customerId)).size,
    comparisons,
  };
}

/** `Order Completed` (without property filters) is read from the order ledger with revenue; any other goal from the runs. */
function goalEvents(journey: Journey, data: ReportData, runs: readonly ReportRun[]): GoalEvent[] {
  if (!journey.goal) return [];
  if (journey.goal.event === 'Order Completed' && Object.keys(journey.goal.where).length === 0) {
    return data.orders.map((order) => ({ customerId: order.customerId, at: order.at, revenue: order.amount }));
  }
  return runs.flatMap((run) => (run.convertedAt ? [{ customerId: run.customerId, at: run.convertedAt, revenue: 0 }] : []));
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
  statsOf: (arm: string) => ReadonlyMap<string, number>,
  profiles: Map<string, ReportProfile>,
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
  const comparison = variants.length > 0 ? compare(armOf(control), variants.map(armOf), { minimumDetectableEffect: mde, ...(weights ? { expectedWeights: weights } : {}) }) : undefined;
  const row = (arm: ArmAttribution, tested: VariantComparison | undefined): ArmReport => {
    const counts = statsOf(arm.arm);
    const controlRate = control.assigned > 0 ? control.conversions / control.assigned : 0;
    const rate = arm.assigned > 0 ? wilsonInterval(arm) : null;
    return {
      arm: arm.arm,
      assigned: arm.assigned,
      sent: counts.get('sent') ?? 0,
      refused: Object.fromEntries(REFUSALS.flatMap((reason) => (counts.get(reason) ? [[reason, counts.get(reason) ?? 0]] : []))),
      ...(Object.fromEntries(ENGAGEMENT.map((metric) => [metric, counts.get(metric) ?? 0])) as Record<(typeof ENGAGEMENT)[number], number>),
      unsubscribed: unsubscribed(arm, profiles),
      converted: arm.conversions,
      rate,
      revenue: arm.revenue,
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

function unsubscribed(arm: ArmAttribution, profiles: Map<string, ReportProfile>): number {
  let count = 0;
  for (const [customerId, assignedAt] of arm.customers) {
    const consent = profiles.get(customerId)?.consent ?? {};
    const start = Date.parse(assignedAt);
    if (Object.values(consent).some((state) => state && !state.granted && Date.parse(state.at) > start)) count++;
  }
  return count;
}

function formatDuration(ms: number): string {
  const units: [number, string][] = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'm']];
  for (const [size, unit] of units) if (ms % size === 0 && ms >= size) return `${ms / size}${unit}`;
  return `${ms / 1000}s`;
}
