import { describe, it } from 'vitest';
import { javaMajorVersion } from '../../../shared/local/dynamo-engine.js';
import { describeEngineContract } from './engine-contract.js';

const java = javaMajorVersion();

if (java !== undefined && java >= 17) {
  describeEngineContract('dynamodb-local');
} else {
  const why = java === undefined ? 'no java on the PATH' : `Java ${java} found`;
  console.warn(`skipping the DynamoDB Local e2e suite: it needs Java 17 or newer (${why})`);
  describe.skip(`adapters on dynamodb-local (needs Java ≥ 17; ${why})`, () => {
    it('is skipped', () => undefined);
  });
}
