/**
 * Phase 8: a survey answer as its own item (`SV#`): the whole comment lives there, not in the
 * profile (issue 22). An idempotent put, also on a duplicate: a crash after the profile write
 * must not lose the answer.
 */
import { surveyAnswerFromEvent } from '../survey-answers.js';
import type { Phase } from './message-state.js';

export const recordSurveyAnswer: Phase = async (deps, state) => {
  if (state.message.kind !== 'event' || !deps.surveyAnswers) return 'next';
  const answer = surveyAnswerFromEvent(state.message.event, state.customerId);
  if (answer) state.capacityUnits += (await deps.surveyAnswers.recordAnswer(answer)).capacityUnits;
  return 'next';
};
