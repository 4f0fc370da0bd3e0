/**
 * The unsubscribe keyring in Lambda: UNSUBSCRIBE_KEYS_SECRET_ARN in the stack (the keys stay out
 * of the configuration); UNSUBSCRIBE_KEYS (JSON) for local runs. Its own file so the unsubscribe
 * function does not bundle the send handler's dependencies.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { parseKeyring } from '../channels/unsubscribe-keyring.js';

export async function unsubscribeKeyring(env: NodeJS.ProcessEnv) {
  const secretArn = env.UNSUBSCRIBE_KEYS_SECRET_ARN;
  if (secretArn) {
    const secret = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretArn }));
    return parseKeyring(secret.SecretString ?? '', 'the unsubscribe keys secret');
  }
  if (!env.UNSUBSCRIBE_KEYS)
    throw new Error(
      'neither UNSUBSCRIBE_KEYS_SECRET_ARN nor UNSUBSCRIBE_KEYS is set: the CDK stack sets the first; set UNSUBSCRIBE_KEYS=\'{"current":"k1","keys":{"k1":"…"}}\' for local runs',
    );
  return parseKeyring(env.UNSUBSCRIBE_KEYS, 'UNSUBSCRIBE_KEYS');
}
