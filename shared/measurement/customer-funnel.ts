/**
 * The report's funnel in customers (DESIGN "Measurement": the unit is the customer): of an arm's
 * assigned customers, how many were sent at least one message of the journey after their
 * assignment, and how many of them had one delivered, opened, clicked, bounced or complained
 * about. Conversion is per customer too, so every rate of the funnel (opened / sent, converted /
 * assigned …) divides customers by customers. Message counts are kept apart (report.ts
 * `messages`), since one customer may get many messages.
 *
 * The per-message facts come from the send ledger (`M#<messageId>` under the customer): its
 * status and the first time SES reported each engagement for it.
 */
import type { LedgerStatus } from '../channels/ports.js';
import type { Channel } from '../channels/send-request.js';

export const FUNNEL_ENGAGEMENTS = ['delivered', 'opened', 'clicked', 'bounced', 'complained'] as const;
export type FunnelEngagement = (typeof FUNNEL_ENGAGEMENTS)[number];

/** One send-ledger entry as the report reads it. */
export interface ReportMessage {
  customerId: string;
  journeyId: string;
  variant?: string;
  channel: Channel;
  status: LedgerStatus;
  /** When the send was claimed, just before the provider call: the customer's exposure time. */
  claimedAt: string;
  /** First time of each engagement SES reported for the message (ISO). */
  engaged: Partial<Record<FunnelEngagement, string>>;
}

export type CustomerFunnel = { sent: number; crossedOver: number } & Record<FunnelEngagement, number>;

/**
 * A message reached the customer when the provider took it (`sent`), or when SES reported any
 * engagement for it (an `unknown` send that SES then delivered did go out).
 */
export function wentOut(message: ReportMessage): boolean {
  return message.status === 'sent' || Object.keys(message.engaged).length > 0;
}

/**
 * `customers` maps each customer of the arm to their first assignment (ISO); `messages` holds the
 * journey's ledger entries by customer. Only messages claimed at or after the assignment count.
 * `otherArms` are the experiment's other variants: a customer of this arm sent a message tagged
 * with one of them is counted in `crossedOver` (exposed to both sides of the test).
 */
export function customerFunnel(
  customers: ReadonlyMap<string, string>,
  messages: ReadonlyMap<string, readonly ReportMessage[]>,
  otherArms: ReadonlySet<string> = new Set(),
): CustomerFunnel {
  const funnel: CustomerFunnel = {
    sent: 0,
    crossedOver: 0,
    delivered: 0,
    opened: 0,
    clicked: 0,
    bounced: 0,
    complained: 0,
  };
  for (const [customerId, assignedAt] of customers) {
    const start = Date.parse(assignedAt);
    const exposed = (messages.get(customerId) ?? []).filter(
      (message) => Date.parse(message.claimedAt) >= start && wentOut(message),
    );
    if (exposed.length === 0) continue;
    funnel.sent++;
    if (exposed.some((message) => message.variant !== undefined && otherArms.has(message.variant)))
      funnel.crossedOver++;
    for (const engagement of FUNNEL_ENGAGEMENTS) {
      // A click is an open whose pixel was blocked (as journey runs record it).
      const engaged = (message: ReportMessage) =>
        message.engaged[engagement] !== undefined || (engagement === 'opened' && message.engaged.clicked !== undefined);
      if (exposed.some(engaged)) funnel[engagement]++;
    }
  }
  return funnel;
}

/** Ledger entries grouped by journey, then by customer. */
export function messagesByJourney(messages: Iterable<ReportMessage>): Map<string, Map<string, ReportMessage[]>> {
  const byJourney = new Map<string, Map<string, ReportMessage[]>>();
  for (const message of messages) {
    const byCustomer = byJourney.get(message.journeyId) ?? new Map<string, ReportMessage[]>();
    const list = byCustomer.get(message.customerId) ?? [];
    list.push(message);
    byCustomer.set(message.customerId, list);
    byJourney.set(message.journeyId, byCustomer);
  }
  return byJourney;
}
