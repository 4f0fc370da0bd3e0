/** segment-expiry's dependencies in Lambda, built once per cold start from the environment. */
import { composeExpiryDeps, type ExpiryDeps } from '../wiring/compose.js';
import { awsCoreAdapters } from './aws-adapters.js';

export function awsExpiryDeps(env: NodeJS.ProcessEnv): ExpiryDeps {
  return composeExpiryDeps(awsCoreAdapters(env));
}
