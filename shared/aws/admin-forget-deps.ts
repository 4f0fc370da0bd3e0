/** admin-forget's dependencies in Lambda, built once per cold start from the environment. */
import { systemClock } from '../ports.js';
import type { ForgetDeps } from '../privacy/forget-customer.js';
import { createDocumentClient } from './dynamo-client.js';
import { DynamoCustomerErasure } from './dynamo-customer-erasure.js';
import { DynamoIdentityMap } from './dynamo-identity-map.js';
import { DynamoProfileStore } from './dynamo-profile-store.js';
import { DynamoSuppressionList } from './dynamo-suppression.js';
import { requireEnv } from './require-env.js';

export function awsForgetDeps(env: NodeJS.ProcessEnv): ForgetDeps {
  const tableName = requireEnv(env, 'TABLE_NAME');
  const doc = createDocumentClient({});
  return {
    profiles: new DynamoProfileStore(doc, tableName),
    identity: new DynamoIdentityMap(doc, tableName),
    erasure: new DynamoCustomerErasure(doc, tableName),
    suppression: new DynamoSuppressionList(doc, tableName),
    clock: systemClock,
  };
}
