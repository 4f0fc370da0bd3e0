/**
 * campaign/settings.yaml (DESIGN "Campaign folder", a contract): campaign behaviour only —
 * deployment values (account, region, ARNs) come from CDK context, never from here.
 */
import * as z from 'zod';
import { normalizeTimezone } from '../profiles/locale.js';
import { SERVER_KEY_ONLY_EVENTS } from '../events/crm-events.js';
import { webhooksSchema } from './webhook-settings.js';
import { tiersSchema } from '../tiers/tier-settings.js';

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24-hour)');

function channelRate(channel: string, what: string) {
  return z
    .strictObject({
      messagesPerSecond: z
        .number()
        .positive()
        .max(100_000)
        .describe(`${channel} sends per second across the whole account: ${what}`),
    })
    .describe(`the account-wide ${channel} send rate`);
}

function isSupportedLocale(tag: string): boolean {
  try {
    return Intl.NumberFormat.supportedLocalesOf(tag).length > 0;
  } catch {
    return false;
  }
}

export const settingsSchema = z.strictObject({
  /** Share of customers kept out of all marketing sends, in percent. */
  holdoutPercent: z.number().min(0).max(50).default(5),
  defaultTimezone: z
    .string()
    .refine((zone) => normalizeTimezone(zone) !== undefined, 'expected an IANA time zone such as Europe/Istanbul')
    .default('UTC'),
  currency: z.string().length(3).default('USD'),
  /**
   * How people read numbers and dates in `sadakat console` (a BCP 47 tag such as en, en-GB or
   * tr): 12,345.6 and 7 Dec 2026 in English, 12.345,6 and 7 Ara 2026 in Turkish.
   */
  locale: z
    .string()
    .refine(isSupportedLocale, 'expected a BCP 47 language tag this Node knows, such as en, en-GB or tr')
    .default('en'),
  quietHours: z.strictObject({ start: clockTime, end: clockTime }).optional(),
  frequencyCaps: z
    .strictObject({
      email: z
        .strictObject({
          perDay: z.number().int().positive().optional(),
          perWeek: z.number().int().positive().optional(),
        })
        .optional(),
      sms: z
        .strictObject({
          perDay: z.number().int().positive().optional(),
          perWeek: z.number().int().positive().optional(),
        })
        .optional(),
      push: z
        .strictObject({
          perDay: z.number().int().positive().optional(),
          perWeek: z.number().int().positive().optional(),
        })
        .optional(),
      /** Call-center calls: the most intrusive message there is. */
      call: z
        .strictObject({
          perDay: z.number().int().positive().optional(),
          perWeek: z.number().int().positive().optional(),
        })
        .optional(),
      all: z
        .strictObject({
          perDay: z.number().int().positive().optional(),
          perWeek: z.number().int().positive().optional(),
        })
        .optional(),
    })
    .default({}),
  /**
   * Account-wide send rates per channel, shared by every journey (DESIGN "Send" 8): set
   * `email.messagesPerSecond` to the SES account's maximum send rate (1 in the sandbox). A send
   * over it is deferred to its slot, never retried through the queue; a journey's own
   * `limits.messagesPerSecond` applies as well.
   */
  sending: z
    .strictObject({
      email: channelRate('email', "the SES account's maximum send rate").optional(),
      sms: channelRate('sms', "the account's SMS rate (End User Messaging)").optional(),
      push: channelRate('push', "the account's SNS publish rate for push").optional(),
      call: channelRate('call', 'call tasks created per second (Amazon Connect StartTaskContact)').optional(),
    })
    .describe('account-wide send rates per channel, shared by every journey')
    .default({}),
  /**
   * Wake-ups that would otherwise all fall on the same minute — the end of quiet hours (09:00),
   * a `wait: { until: "10:00" }`, daily segment windows lapsing at 00:00 UTC — are spread over
   * this many minutes, each customer at its own fixed offset (shared/spread.ts, decision 177);
   * 0 keeps them on the minute.
   */
  spreadMinutes: z
    .number()
    .int()
    .min(0)
    .max(180)
    .default(30)
    .describe(
      'minutes over which the 09:00 quiet-hours release, time-of-day waits and 00:00 segment lapses are spread',
    ),
  sender: z
    .strictObject({
      fromAddress: z.string().optional(),
      fromName: z.string().optional(),
      smsSenderId: z.string().max(11).optional(),
    })
    .default({}),
  /** Webhook endpoints (shared/config/webhook-settings.ts): URL, secret reference, timeout, optional quiet hours and limits. */
  webhooks: webhooksSchema.default({}),
  /** Event properties segment rules may filter on, per event name (e.g. Product Viewed: [category]). */
  trackedProperties: z.record(z.string(), z.array(z.string())).default({}),
  /**
   * DESIGN "Trust": which server-only events an unverified browser call may send.
   * `browserOrders: accept` lets Order Completed and Order Refunded through; `browserEvents`
   * names any other server-only event to accept (Survey Answered, Complaint Opened…).
   * `confirmationsPerKeyPerHour` / `confirmationsPerHour`: the hourly budgets of double opt-in
   * emails per write key and in all (shared/channels/confirm/limits.ts); a spent budget raises
   * the operator alarm.
   */
  trust: z
    .strictObject({
      browserOrders: z.enum(['accept', 'reject']).default('reject'),
      browserEvents: z
        .array(
          z
            .string()
            .min(1)
            .refine(
              (name) => !SERVER_KEY_ONLY_EVENTS.includes(name),
              `is accepted from a server key only and cannot be allowed from browsers (${SERVER_KEY_ONLY_EVENTS.join(', ')})`,
            ),
        )
        .default([]),
      confirmationsPerKeyPerHour: z.number().int().nonnegative().default(200),
      confirmationsPerHour: z.number().int().nonnegative().default(1000),
    })
    .default({
      browserOrders: 'reject',
      browserEvents: [],
      confirmationsPerKeyPerHour: 200,
      confirmationsPerHour: 1000,
    }),
  /**
   * Complaints (issue 22): while a customer has an open complaint, `pausePromotions` refuses every
   * promotional send to them with `open_complaint` (DESIGN "Send", docs/decisions.md 140);
   * transactional sends still go.
   */
  complaints: z.strictObject({ pausePromotions: z.boolean().default(true) }).default({ pausePromotions: true }),
  /**
   * Retention (shared/privacy/retention.ts, README "Retention"): unmerged anonymous profiles that
   * never ordered expire this many days after their last write; send-ledger entries and ended
   * journey runs after `historyDays`, raised to the longest window that reads them; the records of
   * sends that sent nothing (`D#`, the console's "why was this not sent") after `decisionDays`.
   */
  retention: z
    .strictObject({
      anonymousProfileDays: z.number().int().min(1).default(90),
      historyDays: z.number().int().min(1).default(400),
      decisionDays: z.number().int().min(1).max(400).default(30),
    })
    .default({ anonymousProfileDays: 90, historyDays: 400, decisionDays: 30 }),
  /**
   * The smallest lift worth detecting, relative to the control's conversion rate (0.2 = +20 %):
   * what the A/B report's power figure is for. Relative because the same 2 points are +200 % at
   * a 1 % baseline and +4 % at 50 %. Default 0.2 when neither this nor the absolute form is set.
   */
  minimumDetectableLift: z.number().positive().max(10).optional(),
  /** The older absolute form (0.02 = 2 percentage points), used only when no minimumDetectableLift is set. */
  minimumDetectableEffect: z.number().positive().max(1).optional(),
  /** Loyalty tiers, lowest first (shared/tiers/tier-settings.ts, README "Loyalty tiers"). */
  tiers: tiersSchema,
});
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_MINIMUM_DETECTABLE_LIFT = 0.2;

/** What the report's power is for: the relative lift, else the absolute effect settings name. */
export function minimumDetectableOf(
  settings: Pick<Settings, 'minimumDetectableLift' | 'minimumDetectableEffect'>,
): { lift: number } | { effect: number } {
  if (settings.minimumDetectableLift !== undefined) return { lift: settings.minimumDetectableLift };
  if (settings.minimumDetectableEffect !== undefined) return { effect: settings.minimumDetectableEffect };
  return { lift: DEFAULT_MINIMUM_DETECTABLE_LIFT };
}

export const defaultSettings: Settings = settingsSchema.parse({});
