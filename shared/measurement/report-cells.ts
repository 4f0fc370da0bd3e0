/** How the report writes an arm's figures, shared by the terminal table and the HTML report. */
import type { NpsInterval } from './nps.js';
import type { ArmReport, ComparisonReport, JourneyReport, Report, TierConversion } from './report.js';

/** The customer funnel, in the order both reports show it: assigned, then customers with ≥ 1 such message, unsubscribed, converted. */
export function funnelCells(arm: ArmReport): number[] {
  return [arm.assigned, arm.sent, arm.delivered, arm.opened, arm.clicked, arm.bounced, arm.unsubscribed, arm.converted];
}

export function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

/** A probability or power, or — where there is none (the control). */
export function percentOrDash(value: number | null): string {
  return value === null ? '—' : percent(value);
}

export function rateText(arm: ArmReport): string {
  return arm.rate ? `${percent(arm.rate.rate)} [${percent(arm.rate.lower)}, ${percent(arm.rate.upper)}]` : '—';
}

function signedPercent(value: number): string {
  return `${value >= 0 ? '+' : ''}${(value * 100).toFixed(0)}%`;
}

/** Net revenue per customer whose window has closed, with its 95 % interval. */
export function revenuePerCustomerText(arm: ArmReport): string {
  const r = arm.revenuePerCustomer;
  return r ? `${r.mean.toFixed(2)} [${r.lower.toFixed(2)}, ${r.upper.toFixed(2)}]` : '—';
}

/** The rate's lift over the control with its 95 % interval. */
export function liftIntervalText(arm: ArmReport): string {
  if (arm.lift === null) return '—';
  return arm.liftInterval
    ? `${signedPercent(arm.lift)} [${signedPercent(arm.liftInterval.lower)}, ${signedPercent(arm.liftInterval.upper)}]`
    : signedPercent(arm.lift);
}

/** Smallest lift detectable at 80 % power at these sizes; `—` for the control, `none yet` when nothing is. */
export function detectableLiftText(arm: ArmReport): string {
  if (arm.verdict === null) return '—';
  return arm.detectableLift === null ? 'none yet' : `+${(arm.detectableLift * 100).toFixed(0)}%`;
}

/** An arm's statistics as both reports show them: rate, revenue per customer, lift, P(beats control), detectable lift. */
export function statisticCells(arm: ArmReport): string[] {
  return [
    rateText(arm),
    revenuePerCustomerText(arm),
    liftIntervalText(arm),
    percentOrDash(arm.probabilityToBeatControl),
    detectableLiftText(arm),
  ];
}

/** What the columns mean and how they are computed: under the table and in the HTML. */
export function reportFootnotes(report: Report): string[] {
  const goal =
    report.minimumDetectableLift !== null
      ? `settings ask for +${(report.minimumDetectableLift * 100).toFixed(0)}% (minimumDetectableLift)`
      : `settings ask for ${percent(report.minimumDetectableEffect ?? 0)} absolute (minimumDetectableEffect)`;
  return [
    `as of ${report.asOf}: "maturing" customers were assigned less than one goal window ago and are not in conv, rate or revenue yet`,
    'customers: assigned to conv; messages: counts of messages; revenue net of refunds of the credited orders',
    `rate: ${report.methods.rate}; rev/customer: ${report.methods.revenuePerCustomer}; total net revenue grows with the arm's size — compare per customer`,
    `lift: ${report.methods.lift}; verdict: ${report.methods.verdict}`,
    `P(beat): ${report.methods.probabilityToBeatControl}`,
    `detectable lift: ${report.methods.detectableLift}; ${goal}`,
    `NPS: ${report.methods.nps}; response rate: ${report.methods.responseRate}`,
  ];
}

/** Said above every NPS table: the arms' answers are not comparable the way their conversions are. */
export const NPS_CAVEAT =
  'NPS among customers who answered: not intent-to-treat — who answers differs by arm (a holdout gets no survey), so arms compare different people';

export const NPS_HEADER = ['arm', 'answers', 'response rate', 'NPS [95% CI]', 'promoters', 'passives', 'detractors'];

/** `+33.3 [−12.0, 78.7]` (one answer: no interval), `—` without answers. */
export function npsText(nps: NpsInterval | null): string {
  if (nps === null) return '—';
  const score = signed(nps.score);
  return nps.lower === null || nps.upper === null ? score : `${score} [${signed(nps.lower)}, ${signed(nps.upper)}]`;
}

function signed(value: number): string {
  return `${value > 0 ? '+' : ''}${value.toFixed(1)}`;
}

/** The comparison's NPS rows (NPS_HEADER), or none when no arm's customer answered a survey in the window. */
export function npsRows(comparison: ComparisonReport): (string | number)[][] {
  if (comparison.arms.every((arm) => arm.nps === null)) return [];
  return comparison.arms.map((arm) => [
    arm.arm,
    arm.nps?.responses ?? 0,
    percentOrDash(arm.responseRate),
    npsText(arm.nps),
    arm.nps?.promoters ?? 0,
    arm.nps?.passives ?? 0,
    arm.nps?.detractors ?? 0,
  ]);
}

/** The shop's NPS over every customer's last answer to any survey, as one line. */
export function shopNpsLine(report: Report): string | null {
  const nps = report.nps;
  if (nps === null) return null;
  return `shop NPS ${npsText(nps)} from ${nps.responses} customers' last answers to any survey (${nps.promoters} promoters · ${nps.passives} passives · ${nps.detractors} detractors)`;
}

/** Said above every tier breakdown: tiers are not randomised, so it is a description, not an experiment. */
export const TIER_CAVEAT =
  'conversion by tier at entry (entrants outside the holdout): a breakdown, not an experiment — tiers are not randomised, so it shows no lift or verdict';

export const TIER_HEADER = ['tier at entry', 'entered', 'converted', 'window closed', 'rate [95% CI]', 'maturing'];

/** `43.8% [23.1%, 66.8%]`, or — while every entrant's window is still open. */
export function tierRateText(tier: TierConversion): string {
  return tier.rate ? `${percent(tier.rate.rate)} [${percent(tier.rate.lower)}, ${percent(tier.rate.upper)}]` : '—';
}

/** The journey's conversion by tier at entry (TIER_HEADER), none when no run carries a tier. */
export function tierRows(journey: JourneyReport): (string | number)[][] {
  return journey.byTier.map((tier) => [
    tier.tier,
    tier.entered,
    tier.converted,
    tier.entered - tier.maturing,
    tierRateText(tier),
    tier.maturing,
  ]);
}
