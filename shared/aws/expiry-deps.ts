/** segment-expiry's dependencies in Lambda, built once per cold start from the environment. */
import type { PassSlots } from '../ports.js';
import { composeExpiryDeps, type ExpiryDeps } from '../wiring/compose.js';
import { awsCoreAdapters } from './aws-adapters.js';

export function awsExpiryDeps(env: NodeJS.ProcessEnv): ExpiryDeps & { slots: PassSlots } {
  const adapters = awsCoreAdapters(env);
  return { ...composeExpiryDeps(adapters), slots: adapters.table.passSlots };
}
