/**
 * Which journey an unsubscribe belongs to. A revoked consent (one-click link, unsubscribe page,
 * complaint, SMS STOP, a preference change) says nothing about the message that caused it — the
 * unsubscribe token names only the customer and the channel — so it is attributed to the last
 * message that went out to the customer on that channel before it (last touch), and to no other
 * journey. A revocation with no message before it (the customer opted out on their own) belongs
 * to no journey.
 *
 * The profile keeps only the current consent per channel, so a customer who unsubscribed and
 * opted in again is not counted: the report counts standing unsubscribes.
 */
import type { Channel } from '../channels/send-request.js';
import { wentOut, type ReportMessage } from './customer-funnel.js';

export interface ConsentProfile {
  id: string;
  consent: Partial<Record<Channel, { granted: boolean; at: string }>>;
}

/**
 * For each journey, the customers with a standing revocation attributed to one of its messages,
 * with the time of the latest such message (to compare with the customer's assignment).
 */
export function attributeUnsubscribes(
  profiles: Iterable<ConsentProfile>,
  messages: Iterable<ReportMessage>,
): Map<string, Map<string, string>> {
  const byCustomer = new Map<string, ReportMessage[]>();
  for (const message of messages) {
    if (!wentOut(message)) continue;
    const list = byCustomer.get(message.customerId) ?? [];
    list.push(message);
    byCustomer.set(message.customerId, list);
  }

  const byJourney = new Map<string, Map<string, string>>();
  for (const profile of profiles) {
    for (const [channel, state] of Object.entries(profile.consent)) {
      if (!state || state.granted) continue;
      const revokedAt = Date.parse(state.at);
      const lastTouch = lastBefore(byCustomer.get(profile.id) ?? [], channel, revokedAt);
      if (!lastTouch) continue;
      const customers = byJourney.get(lastTouch.journeyId) ?? new Map<string, string>();
      const previous = customers.get(profile.id);
      if (previous === undefined || Date.parse(previous) < Date.parse(lastTouch.claimedAt))
        customers.set(profile.id, lastTouch.claimedAt);
      byJourney.set(lastTouch.journeyId, customers);
    }
  }
  return byJourney;
}

/** Customers of an arm (customer → first assignment) whose unsubscribe was attributed to a message at or after it. */
export function countUnsubscribed(
  customers: ReadonlyMap<string, string>,
  attributed: ReadonlyMap<string, string> | undefined,
): number {
  if (!attributed) return 0;
  let count = 0;
  for (const [customerId, assignedAt] of customers) {
    const messageAt = attributed.get(customerId);
    if (messageAt !== undefined && Date.parse(messageAt) >= Date.parse(assignedAt)) count++;
  }
  return count;
}

function lastBefore(messages: readonly ReportMessage[], channel: string, at: number): ReportMessage | undefined {
  let last: ReportMessage | undefined;
  for (const message of messages) {
    if (message.channel !== channel || Date.parse(message.claimedAt) > at) continue;
    // Ties (two journeys' messages claimed at the same instant) go to the journey id sorting first, so the result is stable.
    if (
      !last ||
      Date.parse(message.claimedAt) > Date.parse(last.claimedAt) ||
      (message.claimedAt === last.claimedAt && message.journeyId < last.journeyId)
    )
      last = message;
  }
  return last;
}
