/**
 * `Survey Answered` on the profile (issue 22): the last answer per survey and the `nps` summary
 * of the latest answer of any survey. Order-independent like the rest of the reducer: a late,
 * older answer never replaces a newer one (a same-instant tie keeps the lower score). The comment
 * stays out of the profile but for a short excerpt; the whole comment is its own item
 * (SurveyCommentStore in shared/ports.ts), erased with the customer.
 */
import type { NormalizedEvent } from '../events/event.js';
import { CRM_EVENTS } from '../events/crm-events.js';
import type { WriteReceipt } from '../ports.js';
import { readId, readNumber, readText } from './event-properties.js';
import { PROFILE_LIMITS } from './limits.js';
import type { NpsCategory, Profile, SurveyAnswer } from './schema.js';
import { compareIso } from './timestamps.js';

/** promoter 9–10, passive 7–8, detractor 0–6 (Reichheld's Net Promoter Score). */
export function npsCategory(score: number): NpsCategory {
  if (score >= 9) return 'promoter';
  if (score >= 7) return 'passive';
  return 'detractor';
}

/** The −1 / 0 / +1 an answer adds to NPS (the mean of these × 100 is the score). */
export function npsValue(category: NpsCategory): -1 | 0 | 1 {
  return category === 'promoter' ? 1 : category === 'detractor' ? -1 : 0;
}

export interface SurveyResponse {
  surveyId: string;
  score: number;
  orderId?: string;
  comment?: string;
}

/** A Survey Answered's properties (ingest checked them; an event queued before the check may not be). */
export function readSurveyResponse(properties: Record<string, unknown>): SurveyResponse | undefined {
  const surveyId = readId(properties.survey_id);
  const score = readNumber(properties.score);
  if (surveyId === undefined || score === undefined || !Number.isInteger(score) || score < 0 || score > 10)
    return undefined;
  const orderId = readId(properties.order_id);
  const comment = readText(properties.comment);
  return {
    surveyId,
    score,
    ...(orderId !== undefined ? { orderId } : {}),
    ...(comment !== undefined ? { comment } : {}),
  };
}

/**
 * One answer as its own item (`PK=C#<customerId>, SK=SV#<surveyId>#<at>#<messageId>`): the whole
 * comment lives here, never in the profile or a log, and goes with the customer's partition when
 * `forget` erases it. The report reads the scores (never the comment) for NPS per journey arm.
 */
export interface SurveyAnswerRecord {
  customerId: string;
  surveyId: string;
  /** The event's messageId: a redelivery rewrites the same item. */
  messageId: string;
  score: number;
  at: string;
  orderId?: string;
  comment?: string;
}

export interface SurveyAnswerLedger {
  recordAnswer(answer: SurveyAnswerRecord): Promise<WriteReceipt>;
}

/** The record a Survey Answered event leaves, or undefined for any other event (or an unreadable answer). */
export function surveyAnswerFromEvent(event: NormalizedEvent, customerId: string): SurveyAnswerRecord | undefined {
  if (event.type !== 'track' || event.event !== CRM_EVENTS.surveyAnswered) return undefined;
  const response = readSurveyResponse(event.properties);
  if (!response) return undefined;
  return { customerId, messageId: event.messageId, at: event.timestamp, ...response };
}

/** Mutates `profile`: the survey's last answer, then `nps` from the latest answer of all. */
export function applySurveyAnswer(profile: Profile, response: SurveyResponse, at: string): void {
  if (response.surveyId === '__proto__') return;
  const surveys = { ...(profile.surveys ?? {}) };
  const stored = Object.hasOwn(surveys, response.surveyId) ? surveys[response.surveyId] : undefined;
  const answer: SurveyAnswer = {
    score: response.score,
    at,
    ...(response.orderId !== undefined ? { orderId: response.orderId } : {}),
  };
  if (stored !== undefined && !isNewer(answer, stored)) return;
  surveys[response.surveyId] = answer;
  const kept = Object.entries(surveys)
    .sort(([, a], [, b]) => compareIso(b.at, a.at))
    .slice(0, PROFILE_LIMITS.surveys);
  profile.surveys = Object.fromEntries(kept);
  const latest = kept[0];
  if (latest === undefined || latest[0] !== response.surveyId) return;
  if (profile.nps !== undefined && compareIso(profile.nps.at, at) > 0) return;
  const excerpt = response.comment === undefined ? undefined : excerptOf(response.comment);
  profile.nps = {
    last: response.score,
    at,
    category: npsCategory(response.score),
    surveyId: response.surveyId,
    ...(excerpt !== undefined ? { excerpt } : {}),
  };
}

function isNewer(candidate: SurveyAnswer, stored: SurveyAnswer): boolean {
  const order = compareIso(candidate.at, stored.at);
  return order > 0 || (order === 0 && candidate.score < stored.score);
}

function excerptOf(comment: string): string {
  const points = [...comment];
  return points.length <= PROFILE_LIMITS.commentExcerpt
    ? comment
    : `${points.slice(0, PROFILE_LIMITS.commentExcerpt - 1).join('')}…`;
}
