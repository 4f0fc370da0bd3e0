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
const RECEIVED = new Date('2026-11-02T10:00:00Z');

function sesEvent(
  eventType: string,
  extra: Record<string, unknown> = {},
  tags: Record<string, string[]> | null = Object.fromEntries(
    encodeMessageTags(TAGS).map((tag) => [tag.Name, [tag.Value]]),
  ),
) {
  return sesEventSchema.parse({
    eventType,
    mail: {
      messageId: 'ses-1',
      timestamp: '2026-11-02T09:00:00.000Z',
      destination: ['ayse@example.com'],
      ...(tags ? { tags } : {}),
    },
    ...extra,
  });
}

function feedback() {
  const profiles = new InMemoryProfileStore();
  profiles.items.set('c1', consentingProfile());
  const deps = {
    profiles,
    suppression: new InMemorySuppressionList(),
    stats: new InMemoryMessageStats(),
    events: new RecordingEventQueue(),
    marks: new RecordingEngagementMarks(),
  };
  return deps;
}

describe('handleSesEvent', () => {
  it('suppresses a permanently bounced address on the list and the profile, then reports the engagement', async () => {
    const deps = feedback();
    const event = sesEvent('Bounce', {
      bounce: {
        bounceType: 'Permanent',
        bouncedRecipients: [{ emailAddress: 'ayse@example.com' }],
        timestamp: '2026-11-02T09:01:00.000Z',
      },
    });
    await handleSesEvent(deps, event, RECEIVED);
    expect(await deps.suppression.isSuppressed('ayse@example.com')).toBe(true);
    expect(deps.profiles.items.get('c1')?.suppressed.email).toBe(true);
    expect(deps.profiles.items.get('c1')?.version).toBe(1);
    expect(deps.events.messages).toEqual([
      {
        kind: 'engagement',
        customerId: 'c1',
        type: 'bounced',
        messageId: TAGS.messageId,
        journeyId: 'vnb',
        runId: 'r1',
        stepId: 'discount',
        at: '2026-11-02T09:01:00.000Z',
      },
    ]);
  });

  it('ignores a transient bounce', async () => {
    const deps = feedback();
    const outcome = await handleSesEvent(
      deps,
      sesEvent('Bounce', {
        bounce: { bounceType: 'Transient', bouncedRecipients: [{ emailAddress: 'ayse@example.com' }] },
      }),
      RECEIVED,
    );
    expect(outcome).toEqual({ kind: 'ignored', eventType: 'Bounce' });
    expect(await deps.suppression.isSuppressed('ayse@example.com')).toBe(false);
  });

  it('on a complaint suppresses, revokes email consent at once, then enqueues the consent message', async () => {
    const deps = feedback();
    let consentAtEnqueue: unknown;
    const enqueue = deps.events.enqueue.bind(deps.events);
    deps.events.enqueue = async (messages) => {
      consentAtEnqueue ??= deps.profiles.items.get('c1')?.consent.email;
      await enqueue(messages);
    };
    await handleSesEvent(
      deps,
      sesEvent('Complaint', {
        complaint: {
          complainedRecipients: [{ emailAddress: 'ayse@example.com' }],
          timestamp: '2026-11-02T09:05:00.000Z',
        },
      }),
      RECEIVED,
    );
    expect(consentAtEnqueue).toEqual({ granted: false, at: '2026-11-02T09:05:00.000Z' });
    expect(await deps.suppression.isSuppressed('ayse@example.com')).toBe(true);
    expect(deps.events.messages.map((message) => message.kind)).toEqual(['consent', 'engagement']);
    expect(deps.events.messages[0]).toMatchObject({ channel: 'email', granted: false, source: 'complaint' });
  });

  it.each([
    ['Delivery', 'delivered'],
    ['Open', 'opened'],
    ['Click', 'clicked'],
  ] as const)('counts %s as %s for the journey step and variant', async (eventType, metric) => {
    const deps = feedback();
    await handleSesEvent(deps, sesEvent(eventType), RECEIVED);
    expect(deps.stats.increments).toEqual([
      { journeyId: 'vnb', stepId: 'discount', variant: 'discount10', channel: 'email', metric },
    ]);
    expect(deps.events.messages).toMatchObject([{ kind: 'engagement', type: metric }]);
  });

  it('still suppresses a complaining address of a message without our tags, and touches no profile', async () => {
    const deps = feedback();
    await handleSesEvent(deps, sesEvent('Complaint', { complaint: { complainedRecipients: [] } }, null), RECEIVED);
    expect(await deps.suppression.isSuppressed('ayse@example.com')).toBe(true);
    expect(deps.profiles.items.get('c1')?.version).toBe(0);
    expect(deps.events.messages).toEqual([]);
  });
});
