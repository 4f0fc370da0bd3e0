/** unsubscribe's dependencies in Lambda, built once per cold start from the environment. */
import type { UnsubscribeDeps } from '../channels/unsubscribe.js';
import { composeUnsubscribeDeps } from '../wiring/compose.js';
import { awsCoreAdapters } from './aws-adapters.js';
import { unsubscribeKeyring } from './unsubscribe-keyring.js';

/** SENDER_NAME is the campaign's sender.fromName, set at synth (the function does not load the campaign). */
export async function awsUnsubscribeDeps(env: NodeJS.ProcessEnv): Promise<UnsubscribeDeps> {
  const keyring = await unsubscribeKeyring(env);
  return composeUnsubscribeDeps({ ...awsCoreAdapters(env), unsubscribe: { keyring } }, env.SENDER_NAME);
}
