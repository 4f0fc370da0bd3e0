/**
 * The send contract (DESIGN "Send"): what process-events enqueues into `sends.fifo`, grouped by
 * customer, and the send handler consumes. `messageId = sha256(journeyId, runId, stepId, visit)`:
 * the same visit of the same step always has the same id, which is what makes the ledger
 * (`M#<messageId>`) turn a redelivery into `duplicate` instead of a second message.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { MessageTags } from './ports.js';

export const channelSchema = z.enum(['email', 'sms', 'push', 'webhook', 'call', 'whatsapp']);
export type Channel = z.infer<typeof channelSchema>;

/** How urgent a call task is: its place in the agents' queue and its due time (shared/channels/call-task.ts). */
export const callPrioritySchema = z.enum(['high', 'normal', 'low']);
export type CallPriority = z.infer<typeof callPrioritySchema>;

/** A `call` step's routing: the agents' queue (a Connect queue, or a column of the local call list) and the priority. */
export const callRoutingSchema = z.object({
  queue: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/, 'letters, digits, space, _, . and - (at most 64)')
    .describe("The agents' queue the call task goes to"),
  priority: callPrioritySchema.default('normal'),
});
export type CallRouting = z.infer<typeof callRoutingSchema>;

/**
 * `journey`: a journey step's send. `confirm` (DESIGN "Trust"): a double opt-in confirmation to
 * the profile's pending email address, from process-events; its ledger id is HMAC(pepper,
 * customer|address hash|day); it skips holdout, quiet hours and frequency caps, and has limits
 * of its own (shared/channels/confirm/).
 */
export const sendKindSchema = z.enum(['journey', 'confirm']);
export type SendKind = z.infer<typeof sendKindSchema>;

/** What a `confirm` request confirms: the pending address (as its kept hash) and the key whose call asked. */
export const confirmTargetSchema = z.object({
  addressHash: z.string().regex(/^[0-9a-f]{64}$/, 'hex HMAC-SHA256'),
  keyId: z.string().min(1),
});
export type ConfirmTarget = z.infer<typeof confirmTargetSchema>;

export const sendRequestSchema = z.object({
  /** Absent: a journey send (every request queued before kinds existed is one). */
  kind: sendKindSchema.optional(),
  /** Set on `confirm` requests only. */
  confirm: confirmTargetSchema.optional(),
  messageId: z.string().regex(/^[0-9a-f]{64}$/, 'sha256 hex'),
  customerId: z.string().min(1),
  journeyId: z.string().min(1),
  runId: z.string().min(1),
  stepId: z.string().min(1),
  /** How many times this run has reached this step (loops revisit steps). */
  visit: z.number().int().nonnegative(),
  /** The experiment variant of the run, or `holdout` for the global holdout; absent outside experiments. */
  variant: z.string().optional(),
  /** Holdout runs walk the journey; their sends are recorded as `holdout` and skipped. */
  holdout: z.boolean().default(false),
  channel: channelSchema,
  /** Channels tried in order when `channel` has no consent or no address. */
  fallback: z.array(channelSchema).default([]),
  template: z.string().min(1),
  /** `webhook` sends: the endpoint's name in settings.yaml `webhooks` (shared/channels/webhook/). */
  endpoint: z.string().min(1).optional(),
  /** `call` requests: the queue and priority of the task (absent: the `default` queue, normal priority). */
  call: callRoutingSchema.optional(),
  vars: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  /** Transactional messages are exempt from frequency caps (never from consent or suppression). */
  transactional: z.boolean().default(false),
  /** When the step asked for the send (ISO); deferrals keep it. */
  requestedAt: z.string(),
  /**
   * Set when a quiet-hours deferral releases the request (its wakeAt, ISO): part of the FIFO
   * deduplication id, so a release within minutes of the first enqueue is not dropped as a copy.
   */
  deferredUntil: z.string().optional(),
  /**
   * The rate slot this request holds (ISO), set when it was deferred to that slot (DESIGN "Send"
   * 8): decided again at or after it, it goes without taking another slot. Dropped by a
   * quiet-hours deferral (the slot is gone by morning).
   */
  pacedAt: z.string().optional(),
  /**
   * The journey rate slot this request holds (ISO) when it was paced at enqueue to a slot ahead
   * (shared/channels/paced-send-queue.ts): the account's slot is taken when it is released, so a
   * slow journey's backlog never holds the account's other sends back. `pacedAt` holds both.
   */
  journeySlot: z.string().optional(),
});
export type SendRequest = z.infer<typeof sendRequestSchema>;

export function sendMessageId(journeyId: string, runId: string, stepId: string, visit: number): string {
  return createHash('sha256')
    .update(JSON.stringify([journeyId, runId, stepId, visit]))
    .digest('hex');
}

/** Where journeys put send requests: the sends FIFO queue in AWS, a recorded outbox locally. */
export interface SendQueue {
  enqueue(requests: readonly SendRequest[]): Promise<void>;
}

/** The ids a message of this request carries as provider tags (message-tags.ts), for feedback to find it again. */
export function messageTagsOf(request: SendRequest): MessageTags {
  return {
    customerId: request.customerId,
    messageId: request.messageId,
    journeyId: request.journeyId,
    runId: request.runId,
    stepId: request.stepId,
    ...(request.variant ? { variant: request.variant } : {}),
  };
}
