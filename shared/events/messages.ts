/**
 * The events-queue envelope (DESIGN "One writer per customer"). process-events is the only
 * writer of a customer's profile, segment memberships and journey runs; every other handler
 * that wants to change that state enqueues one of these into the customer's FIFO group.
 */
import * as z from 'zod';
import { callOutcomeSchema } from './call-completed.js';
import { normalizedEventSchema } from './event.js';
import { clvSchema, rfmSchema } from '../profiles/schema.js';

const base = { customerId: z.string().min(1) };

/**
 * Who sent an event (DESIGN "Trust"): the write key's id and scope, and whether the call is
 * verified (a server key, or a browser key with a valid identity token). Never the key itself.
 */
export const eventSourceSchema = z.object({
  keyId: z.string().min(1),
  scope: z.enum(['server', 'browser']),
  verified: z.boolean(),
});
export type EventSource = z.infer<typeof eventSourceSchema>;

/**
 * Event messages queued before sources existed carry none. They were accepted when every key was
 * trusted alike, so they keep that meaning (docs/decisions.md): a verified server call, under an
 * id that says where it came from.
 */
export const LEGACY_SOURCE: EventSource = Object.freeze({ keyId: 'legacy', scope: 'server', verified: true });

/** Events the pipeline itself writes (simulation, imports, tests): trusted as a server call. */
export const INTERNAL_SOURCE: EventSource = Object.freeze({ keyId: 'internal', scope: 'server', verified: true });

export const customerMessageSchema = z.discriminatedUnion('kind', [
  /** A storefront event; customerId is the id resolved at ingest (user, or anonymous). */
  z.object({
    kind: z.literal('event'),
    ...base,
    event: normalizedEventSchema,
    source: eventSourceSchema.default(LEGACY_SOURCE),
  }),
  /** journey-tick: a wait or a deferred send of this run is due. */
  z.object({
    kind: z.literal('wake'),
    ...base,
    journeyId: z.string(),
    runId: z.string(),
    dueAt: z.string(),
  }),
  /** journey-schedule: a scheduled journey's slot (the cron instant in the customer's timezone) came for this audience member. */
  z.object({ kind: z.literal('schedule'), ...base, journeyId: z.string(), slot: z.string() }),
  /** Expiry pass or nightly refresh: re-evaluate time-window segments. */
  z.object({ kind: z.literal('recheck'), ...base, reason: z.enum(['expiry', 'scores']), at: z.string() }),
  /**
   * ses-feedback: what happened to a message sent by a journey step; call-feedback: `called`,
   * an agent's outcome of a call task (Amazon Connect contact events).
   */
  z.object({
    kind: z.literal('engagement'),
    ...base,
    type: z.enum(['delivered', 'opened', 'clicked', 'bounced', 'complained', 'called']),
    /** `called` only. */
    outcome: callOutcomeSchema.optional(),
    messageId: z.string(),
    journeyId: z.string(),
    runId: z.string(),
    stepId: z.string(),
    at: z.string(),
  }),
  /** unsubscribe, complaint, SMS opt-out, a confirmed double opt-in (the atomic consent update already happened). */
  z.object({
    kind: z.literal('consent'),
    ...base,
    channel: z.enum(['email', 'sms', 'push', 'call', 'whatsapp']),
    granted: z.boolean(),
    /** `confirm`: a double opt-in link was confirmed (the grant and address were written already). */
    source: z.enum(['unsubscribe', 'complaint', 'sms_opt_out', 'bounce', 'admin', 'confirm']),
    at: z.string(),
  }),
  /**
   * whatsapp-events: the customer wrote to the shop's WhatsApp number (issue 23). It opens the
   * 24-hour service window (`profile.whatsapp.lastInboundAt`); `stop`: the text was a stop word,
   * a final revocation of `consent.whatsapp`. Never the text itself.
   */
  z.object({
    kind: z.literal('whatsapp_inbound'),
    ...base,
    providerMessageId: z.string().min(1),
    at: z.string(),
    stop: z.boolean(),
  }),
  /** A push endpoint SNS reported disabled. */
  z.object({ kind: z.literal('device'), ...base, endpoint: z.string(), enabled: z.boolean(), at: z.string() }),
  /** Nightly refresh results for this customer. */
  z.object({
    kind: z.literal('scores'),
    ...base,
    rfm: rfmSchema.optional(),
    clv: clvSchema.optional(),
    recommendations: z.array(z.string()).optional(),
    at: z.string(),
  }),
]);
export type CustomerMessage = z.infer<typeof customerMessageSchema>;
export type CustomerMessageKind = CustomerMessage['kind'];

/** The id used for FIFO deduplication of a message (the event's messageId for events). */
export function deduplicationKey(message: CustomerMessage): string {
  switch (message.kind) {
    case 'event':
      return `event:${message.event.messageId}`;
    case 'wake':
      return `wake:${message.journeyId}:${message.runId}:${message.dueAt}`;
    case 'schedule':
      return `schedule:${message.journeyId}:${message.customerId}:${message.slot}`;
    case 'recheck':
      return `recheck:${message.customerId}:${message.at}`;
    case 'engagement':
      return `engagement:${message.messageId}:${message.type}`;
    case 'consent':
      return `consent:${message.customerId}:${message.channel}:${message.source}:${message.at}`;
    case 'whatsapp_inbound':
      return `whatsapp_inbound:${message.providerMessageId}`;
    case 'device':
      return `device:${message.endpoint}:${message.at}`;
    case 'scores':
      return `scores:${message.customerId}:${message.at}`;
    default: {
      const unreachable: never = message;
      throw new Error(`unknown message kind ${JSON.stringify(unreachable)}`);
    }
  }
}
