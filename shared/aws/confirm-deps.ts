/** confirm's dependencies in Lambda, built once per cold start from the environment. */
import type { ConfirmDeps } from '../channels/confirm/confirm-page.js';
import { composeConfirmDeps } from '../wiring/compose.js';
import { awsCoreAdapters } from './aws-adapters.js';
import { unsubscribeKeyring } from './unsubscribe-keyring.js';

/** Confirmation links are signed with the unsubscribe keyring (a purpose of their own in the MAC). */
export async function awsConfirmDeps(env: NodeJS.ProcessEnv): Promise<ConfirmDeps> {
  const keyring = await unsubscribeKeyring(env);
  return composeConfirmDeps({ ...awsCoreAdapters(env), unsubscribe: { keyring } }, env.SENDER_NAME);
}
