import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import type { SNSEvent } from 'aws-lambda';
import { buildHandler as buildFeedback } from '../../functions/ses-feedback.js';
import { buildHandler as buildUnsubscribe } from '../../functions/unsubscribe.js';
import { encodeMessageTags } from '../../shared/channels/message-tags.js';
import { signUnsubscribeToken } from '../../shared/channels/unsubscribe-token.js';
import { apiGatewayEvent } from '../../shared/local/api-gateway-event.js';
import { localLambdaContext } from '../../shared/local/lambda-context.js';
import { VirtualClock } from '../../shared/local/virtual-clock.js';
import { InMemoryProfileStore } from '../fakes/in-memory-ports.js';
import {
  InMemoryMessageStats,
  InMemorySuppressionList,
  RecordingEngagementMarks,
  RecordingEventQueue,
} from '../fakes/in-memory-channels.js';
import { consentingProfile, KEYRING, NOON } from '../unit/channels/send-harness.js';

function profiles() {
  const store = new InMemoryProfileStore();
  store.items.set('c1', consentingProfile());
  return store;
}

function unsubscribeHandler(store: InMemoryProfileStore) {
  return buildUnsubscribe({
    profiles: store,
    events: new RecordingEventQueue(),
    suppression: new InMemorySuppressionList(),
    keyring: KEYRING,
    clock: new VirtualClock(NOON),
    logger: new Logger({ serviceName: 'unsubscribe', logLevel: 'SILENT' }),
  });
}

/** The POST a mail client sends for List-Unsubscribe-Post (RFC 8058). */
function oneClick(token: string) {
  return apiGatewayEvent({
    method: 'POST',
    path: `/u/${token}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
    at: NOON,
  });
}

describe('unsubscribe handler', () => {
  it('revokes on a one-click POST to /u/<token>', async () => {
    const store = profiles();
    const handler = unsubscribeHandler(store);
    const token = signUnsubscribeToken(KEYRING, 'c1', 'email');
    const result = await handler(oneClick(token), localLambdaContext('unsubscribe'));
    expect(result.statusCode).toBe(200);
    expect(store.items.get('c1')?.consent.email?.granted).toBe(false);
  });

  it('answers 403 to an altered token', async () => {
    const store = profiles();
    const handler = unsubscribeHandler(store);
    const token = signUnsubscribeToken(KEYRING, 'c1', 'email').replace('.email.', '.sms.');
    const result = await handler(
      apiGatewayEvent({ method: 'POST', path: `/u/${token}`, headers: {}, body: '', at: NOON }),
      localLambdaContext('unsubscribe'),
    );
    expect(result.statusCode).toBe(403);
    expect(store.items.get('c1')?.version).toBe(0);
  });

  it('answers a plain 500 page that cannot be framed or cached when storage fails', async () => {
    // Prepare
    const store = profiles();
    store.getProfile = () => Promise.reject(new Error('storage down for c1'));
    const handler = unsubscribeHandler(store);
    const token = signUnsubscribeToken(KEYRING, 'c1', 'email');

    // Act
    const result = await handler(oneClick(token), localLambdaContext('unsubscribe'));

    // Assess
    expect(result).toMatchObject({
      statusCode: 500,
      body: 'Something went wrong; please try the link again.',
      headers: {
        'content-type': 'text/plain',
        'content-security-policy': "frame-ancestors 'none'",
        'cache-control': 'no-store',
      },
    });
  });
});

describe('ses-feedback handler', () => {
  it('applies every SES event of the SNS records and skips one that is not an SES event', async () => {
    const events = new RecordingEventQueue();
    const handler = buildFeedback({
      profiles: profiles(),
      suppression: new InMemorySuppressionList(),
      stats: new InMemoryMessageStats(),
      marks: new RecordingEngagementMarks(),
      events,
      clock: new VirtualClock(NOON),
    });
    const tags = Object.fromEntries(
      encodeMessageTags({ customerId: 'c1', messageId: 'm1', journeyId: 'j', runId: 'r', stepId: 's' }).map((tag) => [
        tag.Name,
        [tag.Value],
      ]),
    );
    const sns = (message: string) => ({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn',
      Sns: { Message: message, MessageId: 'x' },
    });
    const event = {
      Records: [
        sns('not json'),
        sns(
          JSON.stringify({
            eventType: 'Open',
            mail: { destination: ['a@b.c'], tags },
            open: { timestamp: NOON.toISOString() },
          }),
        ),
      ],
    } as unknown as SNSEvent;
    await handler(event, localLambdaContext('ses-feedback'));
    expect(events.messages).toMatchObject([{ kind: 'engagement', type: 'opened', customerId: 'c1' }]);
  });
});
