/**
 * Call feedback from Amazon Connect (issue 22; DESIGN "One writer per customer"): a task's
 * contact event (EventBridge, `aws.connect` / "Amazon Connect Contact Event") plus the contact's
 * attributes — the ids sadakat put on the task (shared/aws/connect-call-sender.ts) and the
 * `outcome` the agent set — become one `engagement` message of type `called` in the customer's
 * events group; process-events moves the run (a branch on the call's outcome) and marks a wrong
 * number. A contact that is not a sadakat task, or ends without an outcome (expired, nobody
 * took it: the journey's timeout branch decides), is ignored; so is an outcome sadakat does not
 * know (logged by its name only, never the contact's attributes).
 */
import * as z from 'zod';
import { callOutcomeSchema } from '../events/call-completed.js';
import type { CustomerMessage } from '../events/messages.js';
import type { EventQueue } from '../ports.js';

/** The part of a Connect contact event call-feedback reads. */
export const connectContactEventSchema = z.object({
  'detail-type': z.literal('Amazon Connect Contact Event'),
  source: z.literal('aws.connect'),
  time: z.string(),
  detail: z.object({
    eventType: z.string(),
    contactId: z.string().min(1),
    initialContactId: z.string().optional(),
    channel: z.string(),
    instanceArn: z.string().regex(/:instance\/[^/]+$/, 'an Amazon Connect instance ARN'),
    disconnectTimestamp: z.string().optional(),
  }),
});
export type ConnectContactEvent = z.infer<typeof connectContactEventSchema>;

/** The contact's attributes (Connect GetContactAttributes). */
export interface ContactAttributeSource {
  attributesOf(instanceId: string, contactId: string): Promise<Record<string, string>>;
}

export interface CallFeedbackDeps {
  attributes: ContactAttributeSource;
  events: EventQueue;
}

/** Contact events after which the agent's attributes are final. */
const FINAL_EVENTS = new Set(['DISCONNECTED', 'COMPLETED']);

export type CallFeedbackOutcome =
  | { kind: 'ignored'; why: 'not a task' | 'not final' | 'not a sadakat task' | 'no outcome' | 'unknown outcome' }
  | { kind: 'enqueued'; outcome: z.infer<typeof callOutcomeSchema> };

export async function handleContactEvent(
  deps: CallFeedbackDeps,
  event: ConnectContactEvent,
): Promise<CallFeedbackOutcome> {
  const { detail } = event;
  if (detail.channel !== 'TASK') return { kind: 'ignored', why: 'not a task' };
  if (!FINAL_EVENTS.has(detail.eventType)) return { kind: 'ignored', why: 'not final' };
  const instanceId = detail.instanceArn.slice(detail.instanceArn.lastIndexOf('/') + 1);
  const attributes = await deps.attributes.attributesOf(instanceId, detail.initialContactId ?? detail.contactId);
  const ids = {
    customerId: attributes.sadakat_customer_id,
    messageId: attributes.sadakat_message_id,
    journeyId: attributes.sadakat_journey_id,
    runId: attributes.sadakat_run_id,
    stepId: attributes.sadakat_step_id,
  };
  if (!ids.customerId || !ids.messageId || !ids.journeyId || !ids.runId || !ids.stepId)
    return { kind: 'ignored', why: 'not a sadakat task' };
  const reported = attributes.sadakat_outcome ?? attributes.outcome;
  if (reported === undefined || reported === '') return { kind: 'ignored', why: 'no outcome' };
  const outcome = callOutcomeSchema.safeParse(reported.trim().toLowerCase());
  if (!outcome.success) return { kind: 'ignored', why: 'unknown outcome' };
  const message: CustomerMessage = {
    kind: 'engagement',
    customerId: ids.customerId,
    type: 'called',
    outcome: outcome.data,
    messageId: ids.messageId,
    journeyId: ids.journeyId,
    runId: ids.runId,
    stepId: ids.stepId,
    at: new Date(detail.disconnectTimestamp ?? event.time).toISOString(),
  };
  await deps.events.enqueue([message]);
  return { kind: 'enqueued', outcome: outcome.data };
}
