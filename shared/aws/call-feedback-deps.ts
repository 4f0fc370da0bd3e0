/** call-feedback's dependencies in Lambda, built once per cold start from the environment. */
import { ConnectClient } from '@aws-sdk/client-connect';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { CallFeedbackDeps } from '../channels/call-feedback.js';
import { ConnectContactAttributes } from './connect-contact-attributes.js';
import { requireEnv } from './require-env.js';
import { SqsEventQueue } from './sqs-event-queue.js';

export function awsCallFeedbackDeps(env: NodeJS.ProcessEnv): CallFeedbackDeps {
  return {
    // A read, safe to retry: the SDK's default retries stay on here.
    attributes: new ConnectContactAttributes(new ConnectClient({})),
    events: new SqsEventQueue(new SQSClient({}), requireEnv(env, 'EVENTS_QUEUE_URL')),
  };
}
