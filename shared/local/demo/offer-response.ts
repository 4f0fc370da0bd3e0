/**
 * How the demo's synthetic customers respond to an email that went out: what SES would report
 * (delivery, a few bounces and complaints, opens and clicks at typical marketing rates) and
 * whether the email makes them order — the demo's built-in true effect, so the report has
 * something real to find: the 10 % discount converts more than the reminder, and any treated
 * customer more than the global holdout (who gets no email, hence no extra orders).
 *
 * Every draw is a hash of the seed and the message id, not a sequential generator: sends are
 * decided concurrently, and the same message must get the same fate whatever order they land in.
 */
import { createHash } from 'node:crypto';
import { roundMoney } from '../../profiles/money.js';

/** Extra chance to order within a few days of receiving the email, by template. */
export const ORDER_RATE_AFTER_EMAIL: Readonly<Record<string, number>> = {
  'vnb-discount': 0.12,
  'vnb-reminder': 0.01,
};
const DEFAULT_ORDER_RATE = 0.02;
export const FEEDBACK_RATES = { bounce: 0.015, complaint: 0.003, open: 0.4, clickOfOpen: 0.3 } as const;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export type FeedbackKind = 'Delivery' | 'Bounce' | 'Complaint' | 'Open' | 'Click';

export interface EmailFate {
  feedback: { kind: FeedbackKind; at: number }[];
  /** An order the email caused, at this instant, for about this amount. */
  order?: { at: number; amount: number };
}

export function emailFate(seed: number, messageId: string, template: string, sentAt: number): EmailFate {
  const draw = (purpose: string): number => uniform(`${seed}:${messageId}:${purpose}`);
  if (draw('bounce') < FEEDBACK_RATES.bounce) return { feedback: [{ kind: 'Bounce', at: sentAt + MINUTE }] };
  const feedback: EmailFate['feedback'] = [{ kind: 'Delivery', at: sentAt + MINUTE }];
  if (draw('complaint') < FEEDBACK_RATES.complaint)
    return { feedback: [...feedback, { kind: 'Complaint', at: sentAt + 2 * HOUR }] };
  const openedAt = sentAt + Math.round((5 + draw('open-delay') * 600) * MINUTE);
  const opened = draw('open') < FEEDBACK_RATES.open;
  if (opened) feedback.push({ kind: 'Open', at: openedAt });
  if (opened && draw('click') < FEEDBACK_RATES.clickOfOpen) feedback.push({ kind: 'Click', at: openedAt + 2 * MINUTE });
  const rate = ORDER_RATE_AFTER_EMAIL[template] ?? DEFAULT_ORDER_RATE;
  if (draw('order') >= rate) return { feedback };
  // Within three days of the email: well inside the shortest goal window (3d).
  const at = sentAt + Math.round((30 + draw('order-delay') * 70 * 60) * MINUTE);
  return { feedback, order: { at, amount: roundMoney(60 + draw('order-amount') * 240, 2) } };
}

/** A uniform number in [0, 1) from the first 48 bits of sha256(text). */
function uniform(text: string): number {
  return createHash('sha256').update(text).digest().readUIntBE(0, 6) / 2 ** 48;
}
