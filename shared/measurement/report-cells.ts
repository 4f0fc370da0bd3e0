/** How the report writes an arm's figures, shared by the terminal table and the HTML report. */
import type { ArmReport } from './report.js';

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

export function liftText(arm: ArmReport): string {
  return arm.lift === null ? '—' : `${arm.lift >= 0 ? '+' : ''}${(arm.lift * 100).toFixed(0)}%`;
}

/** The Holm-adjusted p where there is one (several variants), else the raw p. */
export function pValueText(arm: ArmReport): string {
  const p = arm.pValueHolm ?? arm.pValue;
  return p === null ? '—' : p < 0.001 ? '<0.001' : p.toFixed(3);
}
