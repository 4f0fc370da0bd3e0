/**
 * SES feedback (DESIGN "Send", architecture: SES events (SNS) → ses-feedback): what happened to
 * a message after SES took it. Permanent bounce → the address is suppressed (list and profile);
 * complaint → suppressed and email consent revoked at once, then a `consent` message; delivery,
 * open and click → message-stats counters and the first time of each on the message's ledger
 * entry (the report's per-customer funnel); every event of one of our messages also becomes an
 * `engagement` message for the journey (branches on opened/clicked). Transient bounces change
 * nothing: SES already retried them.
 */
import * as z from 'zod';
import type { CustomerMessage } from '../events/messages.js';
import type { EventQueue, ProfileStore } from '../ports.js';
import type { EngagementMarks } from './engagement-marks.js';
import { decodeMessageTags } from './message-tags.js';
import type { EngagementMetric, MessageStats, MessageTags, SuppressionList } from './ports.js';
import { applyRevocation } from './revoke.js';

const recipients = z.array(z.object({ emailAddress: z.string() })).default([]);

/** SES event publishing (`eventType`) and identity notifications (`notificationType`) share these fields. */
export const sesEventSchema = z
  .object({
    eventType: z.string().optional(),
    notificationType: z.string().optional(),
    mail: z.object({
      messageId: z.string().optional(),
      timestamp: z.string().optional(),
      destination: z.array(z.string()).default([]),
      tags: z.record(z.string(), z.array(z.string())).optional(),
    }),
    bounce: z
      .object({ bounceType: z.string(), bouncedRecipients: recipients, timestamp: z.string().optional() })
      .optional(),
    complaint: z.object({ complainedRecipients: recipients, timestamp: z.string().optional() }).optional(),
    delivery: z.object({ timestamp: z.string().optional() }).optional(),
    open: z.object({ timestamp: z.string().optional() }).optional(),
    click: z.object({ timestamp: z.string().optional() }).optional(),
  })
  .refine((event) => event.eventType !== undefined || event.notificationType !== undefined, {
    message: 'neither eventType nor notificationType',
  });
export type SesEvent = z.infer<typeof sesEventSchema>;

export interface FeedbackDeps {
  profiles: ProfileStore;
  suppression: SuppressionList;
  stats: MessageStats;
  events: EventQueue;
  /** Engagement times on the send ledger for the report. */
  marks: EngagementMarks;
}

export type FeedbackOutcome =
  | { kind: 'ignored'; eventType: string }
  | { kind: 'applied'; eventType: string; metric: EngagementMetric; ours: boolean };

export async function handleSesEvent(deps: FeedbackDeps, event: SesEvent, receivedAt: Date): Promise<FeedbackOutcome> {
  const eventType = event.eventType ?? event.notificationType ?? '';
  const tags = decodeMessageTags(event.mail.tags);
  const at = (time: string | undefined): string => normalizeTime(time ?? event.mail.timestamp, receivedAt);
  switch (eventType) {
    case 'Bounce': {
      if (event.bounce?.bounceType !== 'Permanent') return { kind: 'ignored', eventType };
      const when = at(event.bounce.timestamp);
      for (const recipient of event.bounce.bouncedRecipients)
        await deps.suppression.suppress(recipient.emailAddress, 'bounce', when);
      if (tags) await applyRevocation(deps.profiles, tags.customerId, { suppress: 'email', at: when });
      return engagement(deps, tags, 'bounced', when, eventType);
    }
    case 'Complaint': {
      const when = at(event.complaint?.timestamp);
      const complained = event.complaint?.complainedRecipients.map((recipient) => recipient.emailAddress) ?? [];
      for (const address of complained.length > 0 ? complained : event.mail.destination)
        await deps.suppression.suppress(address, 'complaint', when);
      if (tags) {
        await applyRevocation(deps.profiles, tags.customerId, { consent: 'email', suppress: 'email', at: when });
        const consent: CustomerMessage = {
          kind: 'consent',
          customerId: tags.customerId,
          channel: 'email',
          granted: false,
          source: 'complaint',
          at: when,
        };
        await deps.events.enqueue([consent]);
      }
      return engagement(deps, tags, 'complained', when, eventType);
    }
    case 'Delivery':
      return engagement(deps, tags, 'delivered', at(event.delivery?.timestamp), eventType);
    case 'Open':
      return engagement(deps, tags, 'opened', at(event.open?.timestamp), eventType);
    case 'Click':
      return engagement(deps, tags, 'clicked', at(event.click?.timestamp), eventType);
    default:
      return { kind: 'ignored', eventType };
  }
}

async function engagement(
  deps: FeedbackDeps,
  tags: MessageTags | undefined,
  metric: EngagementMetric,
  at: string,
  eventType: string,
): Promise<FeedbackOutcome> {
  if (!tags) return { kind: 'applied', eventType, metric, ours: false };
  // First: it is idempotent, so a retry after a later failure changes nothing.
  await deps.marks.mark(tags.customerId, tags.messageId, metric, at);
  await deps.stats.increment(
    {
      journeyId: tags.journeyId,
      stepId: tags.stepId,
      ...(tags.variant ? { variant: tags.variant } : {}),
      channel: 'email',
      metric,
    },
    tags.messageId,
  );
  const message: CustomerMessage = {
    kind: 'engagement',
    customerId: tags.customerId,
    type: metric,
    messageId: tags.messageId,
    journeyId: tags.journeyId,
    runId: tags.runId,
    stepId: tags.stepId,
    at,
  };
  await deps.events.enqueue([message]);
  return { kind: 'applied', eventType, metric, ours: true };
}

/** SES timestamps are ISO already; anything unreadable falls back to when the event arrived. */
function normalizeTime(time: string | undefined, fallback: Date): string {
  const parsed = time ? new Date(time) : undefined;
  return parsed && !Number.isNaN(parsed.getTime()) ? parsed.toISOString() : fallback.toISOString();
}
