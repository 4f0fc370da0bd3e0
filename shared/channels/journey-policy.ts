/**
 * A journey's send overrides (DESIGN "Campaign folder": `limits` — per-customer caps for this
 * journey, and `messagesPerSecond` across it — and `quietHours`), taken from the checked journeys
 * the runtime loaded, so the send handler reads the same definitions process-events runs.
 */
import type { Journey } from '../journeys/ast.js';
import type { JourneySendPolicy } from './decide-send.js';

export function journeySendPolicy(journey: Pick<Journey, 'limits' | 'quietHours'>): JourneySendPolicy {
  const { limits, quietHours } = journey;
  const policy: JourneySendPolicy = {};
  if (limits && (limits.perDay !== undefined || limits.perWeek !== undefined)) {
    policy.limits = {
      ...(limits.perDay !== undefined ? { perDay: limits.perDay } : {}),
      ...(limits.perWeek !== undefined ? { perWeek: limits.perWeek } : {}),
    };
  }
  if (limits?.messagesPerSecond !== undefined) policy.messagesPerSecond = limits.messagesPerSecond;
  if (quietHours) policy.quietHours = quietHours;
  return policy;
}

/** Each journey's policy by id; a journey no longer in the campaign has none (the settings apply). */
export function journeySendPolicies(
  journeys: readonly Journey[],
): (journeyId: string) => JourneySendPolicy | undefined {
  const policies = new Map(journeys.map((journey) => [journey.id, journeySendPolicy(journey)]));
  return (journeyId) => policies.get(journeyId);
}
