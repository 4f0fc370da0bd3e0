/** Hand-written events for example tests: only what each test is about, the rest defaulted. */
import type { NormalizedEvent } from '../../../shared/events/event.js';

let sequence = 0;

export function track(
  event: string,
  properties: Record<string, unknown>,
  timestamp: string,
  extra: Partial<NormalizedEvent> = {},
): NormalizedEvent {
  return {
    type: 'track',
    messageId: `msg-${++sequence}`,
    userId: 'u1',
    event,
    properties,
    traits: {},
    context: {},
    timestamp,
    receivedAt: timestamp,
    ...extra,
  };
}

export function identify(
  traits: Record<string, unknown>,
  timestamp: string,
  extra: Partial<NormalizedEvent> = {},
): NormalizedEvent {
  return {
    type: 'identify',
    messageId: `msg-${++sequence}`,
    userId: 'u1',
    properties: {},
    traits,
    context: {},
    timestamp,
    receivedAt: timestamp,
    ...extra,
  };
}

export function order(orderId: string, revenue: number, timestamp: string): NormalizedEvent {
  return track('Order Completed', { order_id: orderId, revenue }, timestamp);
}
