/** call-feedback (issue 22): Connect contact events + the agent's attributes → one `engagement` message. */
import { ConnectClient, GetContactAttributesCommand } from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { buildHandler } from '../../functions/call-feedback.js';
import { ConnectContactAttributes } from '../../shared/aws/connect-contact-attributes.js';
import { localLambdaContext } from '../../shared/local/lambda-context.js';
import { Logger } from '@aws-lambda-powertools/logger';
import { RecordingEventQueue } from '../fakes/in-memory-channels.js';

const INSTANCE = 'arn:aws:connect:eu-central-1:111122223333:instance/inst-1';
const IDS = {
  sadakat_customer_id: 'cust-000042',
  sadakat_message_id: 'a'.repeat(64),
  sadakat_journey_id: 'win-back',
  sadakat_run_id: 'r1',
  sadakat_step_id: 'call',
  sadakat_queue: 'win-back',
};

function contactEvent(eventType: string, overrides: Record<string, unknown> = {}) {
  return {
    version: '0',
    id: 'evt-1',
    'detail-type': 'Amazon Connect Contact Event',
    source: 'aws.connect',
    account: '111122223333',
    time: '2026-11-04T10:15:00Z',
    region: 'eu-central-1',
    resources: [`${INSTANCE}/contact/contact-1`],
    detail: {
      eventType,
      contactId: 'contact-1',
      initialContactId: 'contact-1',
      channel: 'TASK',
      instanceArn: INSTANCE,
      initiationMethod: 'API',
      disconnectTimestamp: '2026-11-04T10:14:00.000Z',
      ...overrides,
    },
  };
}

function harness(attributes: Record<string, string>) {
  const client = new ConnectClient({ region: 'eu-central-1' });
  const connect = mockClient(client);
  connect.on(GetContactAttributesCommand).resolves({ Attributes: attributes });
  const events = new RecordingEventQueue();
  const handler = buildHandler({
    attributes: new ConnectContactAttributes(client),
    events,
    logger: new Logger({ serviceName: 'call-feedback', logLevel: 'SILENT' }),
  });
  const invoke = (event: unknown) =>
    handler(event as Parameters<typeof handler>[0], localLambdaContext('call-feedback'));
  return { connect, events, invoke };
}

describe('call-feedback', () => {
  it("turns a completed task's outcome into an engagement message for the run that created it", async () => {
    const h = harness({ ...IDS, outcome: 'Converted' });
    await h.invoke(contactEvent('COMPLETED'));
    expect(h.connect).toHaveReceivedCommandWith(GetContactAttributesCommand, {
      InstanceId: 'inst-1',
      InitialContactId: 'contact-1',
    });
    expect(h.events.messages).toEqual([
      {
        kind: 'engagement',
        customerId: 'cust-000042',
        type: 'called',
        outcome: 'converted',
        messageId: 'a'.repeat(64),
        journeyId: 'win-back',
        runId: 'r1',
        stepId: 'call',
        at: '2026-11-04T10:14:00.000Z',
      },
    ]);
  });

  it.each([
    ['a voice contact', contactEvent('COMPLETED', { channel: 'VOICE' }), { ...IDS, outcome: 'reached' }],
    ['a task still queued', contactEvent('QUEUED'), { ...IDS, outcome: 'reached' }],
    ['a task that expired without an outcome (the timeout branch decides)', contactEvent('DISCONNECTED'), IDS],
    ['a task sadakat did not create', contactEvent('COMPLETED'), { outcome: 'reached' }],
    ['an outcome sadakat does not know', contactEvent('COMPLETED'), { ...IDS, outcome: 'maybe later' }],
    ['an event that is not a contact event', { source: 'aws.s3', detail: {} }, { ...IDS, outcome: 'reached' }],
  ])('enqueues nothing for %s', async (_what, event, attributes) => {
    const h = harness(attributes);
    await h.invoke(event);
    expect(h.events.messages).toEqual([]);
  });

  it('fails the invocation when Connect cannot answer, so EventBridge retries it', async () => {
    const client = new ConnectClient({ region: 'eu-central-1' });
    mockClient(client).on(GetContactAttributesCommand).rejects(new Error('InternalServiceException'));
    const handler = buildHandler({
      attributes: new ConnectContactAttributes(client),
      events: new RecordingEventQueue(),
      logger: new Logger({ serviceName: 'call-feedback', logLevel: 'SILENT' }),
    });
    await expect(
      handler(contactEvent('COMPLETED') as Parameters<typeof handler>[0], localLambdaContext('call-feedback')),
    ).rejects.toThrow();
  });
});
