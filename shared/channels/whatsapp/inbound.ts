/**
 * What the WhatsApp Business Account's event destination (an SNS topic) says, read: AWS End User
 * Messaging Social wraps each Meta webhook entry (`whatsAppWebhookEntry`, a JSON string) in a
 * header naming the account and phone number. An entry carries inbound customer messages (which
 * open the 24-hour service window, and may say STOP) and statuses of our messages (sent,
 * delivered, read, failed — matched by the provider message id the send stored on the ledger).
 *
 * Anything unreadable is dropped, never thrown: the topic is written by AWS, but an entry's
 * contents are what a stranger typed into WhatsApp.
 */
import * as z from 'zod';
import { tryNormalizeIso } from '../../profiles/timestamps.js';

/** An inbound message from a customer: when, from which number, and whether it asks us to stop. */
export interface InboundWhatsApp {
  /** E.164, as the profile keeps phone numbers. */
  phone: string;
  /** Meta's id of the inbound message (FIFO deduplication). */
  providerMessageId: string;
  at: string;
  stop: boolean;
}

export type WhatsAppStatusType = 'sent' | 'delivered' | 'read' | 'failed';

/** A status of one of our messages. */
export interface WhatsAppStatus {
  /** The id SendWhatsAppMessage returned (the header's `messageId`), else Meta's message id. */
  providerMessageId: string;
  phone: string;
  status: WhatsAppStatusType;
  at: string;
  /** Meta's error code on `failed` (131049: the per-user marketing limit, 132015: template paused). */
  errorCode?: string;
  /** What the send put in `biz_opaque_callback_data`: the ledger's message id (decision 201). */
  callbackData?: string;
}

export interface WhatsAppEvents {
  inbound: InboundWhatsApp[];
  statuses: WhatsAppStatus[];
}

/**
 * Words that withdraw consent when they are the whole message (trimmed, any case): the usual
 * English keywords, Turkish İYS's RET and İPTAL, and the quick-reply text of Meta's marketing
 * templates ("Stop promotions").
 */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'RET',
  'İPTAL',
  'IPTAL',
  'DUR',
  'STOP PROMOTIONS',
]);

const headerSchema = z.object({ whatsAppWebhookEntry: z.string(), messageId: z.string().optional() });

const text = z.object({ body: z.string() }).optional();
const entrySchema = z.object({
  changes: z
    .array(
      z.object({
        value: z.object({
          messages: z
            .array(
              z.object({
                from: z.string(),
                id: z.string(),
                timestamp: z.string(),
                type: z.string(),
                text,
                button: z.object({ text: z.string() }).optional(),
                interactive: z.object({ button_reply: z.object({ title: z.string() }).optional() }).optional(),
              }),
            )
            .optional(),
          statuses: z
            .array(
              z.object({
                id: z.string(),
                status: z.string(),
                timestamp: z.string(),
                recipient_id: z.string(),
                errors: z.array(z.object({ code: z.union([z.number(), z.string()]) })).optional(),
                biz_opaque_callback_data: z.string().max(512).optional(),
              }),
            )
            .optional(),
        }),
      }),
    )
    .default([]),
});

const STATUSES: ReadonlySet<string> = new Set<WhatsAppStatusType>(['sent', 'delivered', 'read', 'failed']);

/** Whether a message's text is a request to stop (the whole text one of STOP_WORDS). */
export function isStopRequest(body: string | undefined): boolean {
  if (body === undefined) return false;
  const words = body.trim().replace(/\s+/g, ' ');
  return STOP_WORDS.has(words.toUpperCase()) || STOP_WORDS.has(words.toLocaleUpperCase('tr'));
}

/** One SNS message of the event destination, read; an unreadable one reads as nothing. */
export function readWhatsAppEvent(snsMessage: string): WhatsAppEvents {
  const events: WhatsAppEvents = { inbound: [], statuses: [] };
  const header = headerSchema.safeParse(parseJson(snsMessage));
  if (!header.success) return events;
  const entry = entrySchema.safeParse(parseJson(header.data.whatsAppWebhookEntry));
  if (!entry.success) return events;
  for (const { value } of entry.data.changes) {
    for (const message of value.messages ?? []) {
      const phone = e164(message.from);
      const at = unixTime(message.timestamp);
      if (!phone || !at) continue;
      const said = message.text?.body ?? message.button?.text ?? message.interactive?.button_reply?.title;
      events.inbound.push({ phone, providerMessageId: message.id, at, stop: isStopRequest(said) });
    }
    for (const status of value.statuses ?? []) {
      const phone = e164(status.recipient_id);
      const at = unixTime(status.timestamp);
      if (!phone || !at || !STATUSES.has(status.status)) continue;
      const code = status.errors?.[0]?.code;
      events.statuses.push({
        providerMessageId: header.data.messageId ?? status.id,
        phone,
        status: status.status as WhatsAppStatusType,
        at,
        ...(code === undefined ? {} : { errorCode: String(code) }),
        ...(status.biz_opaque_callback_data === undefined ? {} : { callbackData: status.biz_opaque_callback_data }),
      });
    }
  }
  return events;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Meta's `wa_id` is the number's digits without `+`. */
function e164(waId: string): string | undefined {
  const digits = waId.replace(/^\+/, '');
  return /^[1-9][0-9]{6,14}$/.test(digits) ? `+${digits}` : undefined;
}

function unixTime(seconds: string): string | undefined {
  if (!/^[0-9]{1,12}$/.test(seconds)) return undefined;
  return tryNormalizeIso(new Date(Number(seconds) * 1000).toISOString());
}
