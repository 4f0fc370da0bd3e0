/** admin-forget's dependencies in Lambda, built once per cold start from the environment. */
import { systemClock } from '../ports.js';
import type { ForgetDeps } from '../privacy/forget-customer.js';
import { composeForgetDeps } from '../wiring/compose.js';
import { awsTableAdapters } from './aws-adapters.js';

export function awsForgetDeps(env: NodeJS.ProcessEnv): ForgetDeps {
  return composeForgetDeps({ table: awsTableAdapters(env), clock: systemClock });
}
