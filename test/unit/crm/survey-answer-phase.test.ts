/** process-events keeps a survey answer's whole comment as its own item, an excerpt on the profile, and logs neither. */
import { describe, expect, it } from 'vitest';
import { INTERNAL_SOURCE, type CustomerMessage } from '../../../shared/events/messages.js';
import { processCustomerMessage, type ProcessDeps } from '../../../shared/profiles/process-customer-message.js';
import type { SurveyAnswerLedger, SurveyAnswerRecord } from '../../../shared/profiles/survey-answers.js';
import {
  InMemoryIdentityMap,
  InMemoryOrderLedger,
  InMemoryProfileStore,
  InMemoryRefunds,
  NO_ERASED_ORDERS,
} from '../../fakes/in-memory-ports.js';

class RecordingAnswers implements SurveyAnswerLedger {
  readonly items = new Map<string, SurveyAnswerRecord>();
  async recordAnswer(answer: SurveyAnswerRecord) {
    this.items.set(`${answer.customerId}|${answer.messageId}`, answer);
    return { capacityUnits: 1 };
  }
}

const COMMENT = `${'Çok geç geldi, '.repeat(20)}son.`;
const answer: CustomerMessage = {
  kind: 'event',
  customerId: 'u1',
  source: INTERNAL_SOURCE,
  event: {
    type: 'track',
    messageId: 'm1',
    userId: 'u1',
    event: 'Survey Answered',
    properties: { survey_id: 'nps-order', score: 2, order_id: 'o1', comment: COMMENT },
    traits: {},
    context: {},
    timestamp: '2026-11-02T10:00:00.000Z',
    receivedAt: '2026-11-02T10:00:00.000Z',
  },
};

function deps(answers: RecordingAnswers): { deps: ProcessDeps; profiles: InMemoryProfileStore } {
  const profiles = new InMemoryProfileStore();
  return {
    profiles,
    deps: {
      profiles,
      orders: new InMemoryOrderLedger(),
      identity: new InMemoryIdentityMap(),
      clock: { now: () => new Date('2026-11-02T12:00:00Z') },
      settings: { trackedProperties: {}, timezone: 'UTC' },
      tombstones: NO_ERASED_ORDERS,
      refunds: new InMemoryRefunds(),
      surveyAnswers: answers,
      journeys: null,
    },
  };
}

describe('a Survey Answered message', () => {
  it('stores the answer with its whole comment as its own item and only an excerpt on the profile', async () => {
    // Prepare
    const answers = new RecordingAnswers();
    const { deps: processDeps, profiles } = deps(answers);

    // Act
    await processCustomerMessage(processDeps, answer);

    // Assess
    expect([...answers.items.values()]).toEqual([
      {
        customerId: 'u1',
        messageId: 'm1',
        surveyId: 'nps-order',
        score: 2,
        orderId: 'o1',
        at: '2026-11-02T10:00:00.000Z',
        comment: COMMENT.trim(),
      },
    ]);
    const profile = await profiles.getProfile('u1');
    expect(profile?.nps).toMatchObject({ last: 2, category: 'detractor' });
    expect(JSON.stringify(profile)).not.toContain('son.');
  });

  it('stores the item again on redelivery (the same key), so a crash after the profile write loses nothing', async () => {
    // Prepare
    const answers = new RecordingAnswers();
    const { deps: processDeps } = deps(answers);
    await processCustomerMessage(processDeps, answer);

    // Act
    const again = await processCustomerMessage(processDeps, answer);

    // Assess
    expect(again.status).toBe('duplicate');
    expect(answers.items.size).toBe(1);
  });
});
