/** confirm's dependencies in Lambda, built once per cold start from the environment. */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { ConfirmDeps } from '../channels/confirm/confirm-page.js';
import { systemClock } from '../ports.js';
import { composeConfirmDeps } from '../wiring/compose.js';
import { createDocumentClient } from './dynamo-client.js';
import { DynamoProfileStore } from './dynamo-profile-store.js';
import { awsPepper } from './pepper-secret.js';
import { requireEnv } from './require-env.js';
import { SqsEventQueue } from './sqs-event-queue.js';
import { unsubscribeKeyring } from './unsubscribe-keyring.js';

/** Confirmation links are signed with the unsubscribe keyring (a purpose of their own in the MAC). */
export async function awsConfirmDeps(env: NodeJS.ProcessEnv): Promise<ConfirmDeps> {
  const keyring = await unsubscribeKeyring(env);
  return composeConfirmDeps(
    {
      // The two table ports the page reads, not every adapter (awsCoreAdapters; decision 261).
      table: {
        profiles: new DynamoProfileStore(createDocumentClient({}), requireEnv(env, 'TABLE_NAME'), {
          clock: systemClock,
        }),
        pepper: awsPepper(env),
      },
      events: new SqsEventQueue(new SQSClient({}), requireEnv(env, 'EVENTS_QUEUE_URL')),
      clock: systemClock,
      unsubscribe: { keyring },
    },
    env.SENDER_NAME,
  );
}
