/** How the report writes an arm's figures, shared by the terminal table and the HTML report. */
import type { ArmReport, Report } from './report.js';

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
  ];
}
