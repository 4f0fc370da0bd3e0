/**
 * How the demo's synthetic customers respond to an email that went out: what SES would report
 * (delivery, a few bounces and complaints, opens and clicks at typical marketing rates) and
 * whether the email makes them order — the demo's built-in true effect, so the report has
 * something real to find: the 10 % discount converts more than the reminder, and any treated
 * customer more than the global holdout (who gets no email, hence no extra orders).
 *
 * Every draw is a hash of the seed and the delivery (one customer's copy of a message), not a
 * sequential generator: sends are decided concurrently, and the same delivery must get the same fate
 * whatever order they land in. Not the message id alone: every customer of a scheduled slot gets
 * the same message id, and would then open, click and order alike.
 */
import { createHash } from 'node:crypto';
import { callClientToken } from '../../channels/call-task.js';
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

/** The template of the example campaign's NPS survey email (journeys/post-purchase-nps.yaml). */
export const NPS_SURVEY_TEMPLATE = 'nps-survey';
export const NPS_SURVEY_ID = 'post-purchase';
/** Share of opened survey emails answered. */
const ANSWER_RATE_OF_OPEN = 0.7;
/**
 * How a customer scores the shop, by how their last delivery went: a late or refused delivery
 * makes a detractor (0–6) far more likely, so the demo's NPS moves for a reason.
 */
const CATEGORY_ODDS = {
  good: { detractor: 0.12, passive: 0.3 },
  bad: { detractor: 0.65, passive: 0.2 },
} as const;
const SCORES = { detractor: [0, 6], passive: [7, 8], promoter: [9, 10] } as const;
/** A few answers come with a comment (kept as its own item; never logged: test/reliability/log-privacy.test.ts). */
export const DEMO_COMMENTS = {
  detractor: ['Kargo çok geç geldi.', 'Paket kapıda iade edildi, kimse aramadı.', 'The parcel arrived days late.'],
  passive: ['Fena değil.', 'Delivery was fine, prices are high.'],
  promoter: ['Harika hizmet, teşekkürler!', 'Fast delivery, great quality.'],
} as const;

/** How the customer's last delivery before the survey went (synthetic-shop.ts). */
export type DeliveryExperience = 'on_time' | 'late' | 'refused';

export interface EmailFate {
  feedback: { kind: FeedbackKind; at: number }[];
  /** An order the email caused, at this instant, for about this amount. */
  order?: { at: number; amount: number };
  /** The survey email's answer: a Survey Answered from the shop's back end. */
  surveyAnswer?: { at: number; score: number; comment?: string };
}

/**
 * One customer's copy of a message: the token a call task carries (call-task.ts), used for every
 * channel's responses — their draws, pending keys, and the ids of the events they cause.
 */
export function deliveryId(request: { customerId: string; messageId: string }): string {
  return callClientToken(request.customerId, request.messageId);
}

export function emailFate(
  seed: number,
  delivery: string,
  template: string,
  sentAt: number,
  experience: DeliveryExperience = 'on_time',
): EmailFate {
  const draw = (purpose: string): number => uniform(`${seed}:${delivery}:${purpose}`);
  if (draw('bounce') < FEEDBACK_RATES.bounce) return { feedback: [{ kind: 'Bounce', at: sentAt + MINUTE }] };
  const feedback: EmailFate['feedback'] = [{ kind: 'Delivery', at: sentAt + MINUTE }];
  if (draw('complaint') < FEEDBACK_RATES.complaint)
    return { feedback: [...feedback, { kind: 'Complaint', at: sentAt + 2 * HOUR }] };
  const openedAt = sentAt + Math.round((5 + draw('open-delay') * 600) * MINUTE);
  const opened = draw('open') < FEEDBACK_RATES.open;
  if (opened) feedback.push({ kind: 'Open', at: openedAt });
  if (opened && draw('click') < FEEDBACK_RATES.clickOfOpen) feedback.push({ kind: 'Click', at: openedAt + 2 * MINUTE });
  if (template === NPS_SURVEY_TEMPLATE)
    return opened && draw('answer') < ANSWER_RATE_OF_OPEN
      ? { feedback, surveyAnswer: surveyAnswer(draw, openedAt + 3 * MINUTE, experience) }
      : { feedback };
  const rate = ORDER_RATE_AFTER_EMAIL[template] ?? DEFAULT_ORDER_RATE;
  if (draw('order') >= rate) return { feedback };
  // Within three days of the email: well inside the shortest goal window (3d).
  const at = sentAt + Math.round((30 + draw('order-delay') * 70 * 60) * MINUTE);
  return { feedback, order: { at, amount: roundMoney(60 + draw('order-amount') * 240, 2) } };
}

function surveyAnswer(
  draw: (purpose: string) => number,
  at: number,
  experience: DeliveryExperience,
): NonNullable<EmailFate['surveyAnswer']> {
  const odds = CATEGORY_ODDS[experience === 'on_time' ? 'good' : 'bad'];
  const u = draw('category');
  const category = u < odds.detractor ? 'detractor' : u < odds.detractor + odds.passive ? 'passive' : 'promoter';
  const [low, high] = SCORES[category];
  const score = low + Math.floor(draw('score') * (high - low + 1));
  const comments = DEMO_COMMENTS[category];
  const comment = draw('comment') < 0.3 ? comments[Math.floor(draw('comment-text') * comments.length)] : undefined;
  return { at, score, ...(comment !== undefined ? { comment } : {}) };
}

/** A uniform number in [0, 1) from the first 48 bits of sha256(text). */
export function uniform(text: string): number {
  return createHash('sha256').update(text).digest().readUIntBE(0, 6) / 2 ** 48;
}
