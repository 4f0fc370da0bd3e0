/** ses-feedback marks each engagement on the message's ledger entry, so the report can count customers. */
import { describe, expect, it } from 'vitest';
import { encodeMessageTags } from '../../../shared/channels/message-tags.js';
import { handleSesEvent, sesEventSchema } from '../../../shared/channels/ses-feedback.js';
import { InMemoryProfileStore } from '../../fakes/in-memory-ports.js';
import {
  InMemoryMessageStats,
  InMemorySuppressionList,
  RecordingEngagementMarks,
  RecordingEventQueue,
} from '../../fakes/in-memory-channels.js';
import { consentingProfile } from './send-harness.js';

const TAGS = {
  customerId: 'c1',
  messageId: 'm'.repeat(64),
  journeyId: 'vnb',
  runId: 'r1',
  stepId: 'discount',
  variant: 'discount10',
};

function setup() {
  const profiles = new InMemoryProfileStore();
  profiles.items.set('c1', consentingProfile());
  const marks = new RecordingEngagementMarks();
  return {
    deps: {
      profiles,
      suppression: new InMemorySuppressionList(),
      stats: new InMemoryMessageStats(),
      events: new RecordingEventQueue(),
      marks,
    },
    marks,
  };
}

function sesEvent(eventType: string, withTags = true) {
  const tags = Object.fromEntries(encodeMessageTags(TAGS).map((tag) => [tag.Name, [tag.Value]]));
  return sesEventSchema.parse({
    eventType,
    mail: {
      messageId: 'ses-1',
      timestamp: '2026-11-02T09:00:00.000Z',
      destination: ['ayse@example.com'],
      ...(withTags ? { tags } : {}),
    },
    open: { timestamp: '2026-11-02T09:30:00.000Z' },
  });
}

describe('handleSesEvent engagement marks', () => {
  it('marks an open of one of our messages on its ledger entry, with the time SES reported', async () => {
    // Prepare
    const { deps, marks } = setup();

    // Act
    await handleSesEvent(deps, sesEvent('Open'), new Date('2026-11-02T10:00:00Z'));

    // Assess
    expect(marks.marks).toEqual([
      { customerId: 'c1', messageId: TAGS.messageId, metric: 'opened', at: '2026-11-02T09:30:00.000Z' },
    ]);
  });

  it('marks nothing for a message without our tags', async () => {
    const { deps, marks } = setup();

    await handleSesEvent(deps, sesEvent('Delivery', false), new Date('2026-11-02T10:00:00Z'));

    expect(marks.marks).toEqual([]);
  });
});
