/**
 * Decision 7: never too often. Caps are per channel and across channels (settings'
 * `frequencyCaps`), plus a journey's own per-customer `limits`; windows are rolling over UTC day
 * counters (`CAP#<scope>#<day>`): `perDay` counts today, `perWeek` today and the six days before.
 * Transactional messages are exempt (DESIGN "Send" 7) — they are neither refused nor counted.
 */
import type { Settings } from '../../config/settings.js';
import type { CapCounters, CapScope } from '../ports.js';
import type { Channel } from '../send-request.js';
import { PASS, type GuardResult } from './guard-result.js';

export interface CapLimit {
  perDay?: number;
  perWeek?: number;
}

export interface CapCheck {
  customerId: string;
  channel: Channel;
  journeyId: string;
  transactional: boolean;
  now: Date;
  /** The campaign's `frequencyCaps`, or a channel's own (a webhook endpoint's `limits`). */
  caps: Settings['frequencyCaps'] | Partial<Record<Channel, CapLimit>>;
  /** False: this channel's sends neither count toward nor are held by the cross-channel `all` cap (webhooks). */
  acrossChannels?: boolean;
  /** The journey's `limits` (per customer, this journey only), when it sets any. */
  journeyLimits?: CapLimit;
}

const DAY_MS = 86_400_000;
const WEEK_DAYS = 7;

export function utcDayNumber(at: Date): number {
  return Math.floor(at.getTime() / DAY_MS);
}

/** The counters a send adds to once it is marked sent (none for transactional ones). */
export function capScopes(
  check: Pick<CapCheck, 'channel' | 'journeyId' | 'transactional' | 'journeyLimits' | 'acrossChannels'>,
): CapScope[] {
  if (check.transactional) return [];
  const scopes: CapScope[] = check.acrossChannels === false ? [check.channel] : [check.channel, 'all'];
  if (check.journeyLimits) scopes.push(`journey:${check.journeyId}`);
  return scopes;
}

export async function checkFrequencyCaps(counters: CapCounters, check: CapCheck): Promise<GuardResult> {
  if (check.transactional) return PASS;
  const limits = new Map<CapScope, CapLimit>();
  const caps: Partial<Record<Channel | 'all', CapLimit>> = check.caps;
  const channelCap = caps[check.channel];
  if (channelCap) limits.set(check.channel, channelCap);
  if (caps.all && check.acrossChannels !== false) limits.set('all', caps.all);
  if (check.journeyLimits) limits.set(`journey:${check.journeyId}`, check.journeyLimits);
  const limited = [...limits].filter(([, limit]) => limit.perDay !== undefined || limit.perWeek !== undefined);
  if (limited.length === 0) return PASS;

  const today = utcDayNumber(check.now);
  const days = Array.from({ length: WEEK_DAYS }, (_, back) => today - back);
  const counts = await counters.counts(
    check.customerId,
    limited.map(([scope]) => scope),
    days,
  );
  for (const [scope, limit] of limited) {
    const todayCount = counts.get(`${scope}#${today}`) ?? 0;
    if (limit.perDay !== undefined && todayCount >= limit.perDay) {
      return { ok: false, reason: 'frequency_cap', detail: `${scope} perDay ${limit.perDay}` };
    }
    const weekCount = days.reduce((sum, day) => sum + (counts.get(`${scope}#${day}`) ?? 0), 0);
    if (limit.perWeek !== undefined && weekCount >= limit.perWeek) {
      return { ok: false, reason: 'frequency_cap', detail: `${scope} perWeek ${limit.perWeek}` };
    }
  }
  return PASS;
}
