/**
 * Issue 20's indexes rolled out one per stack update (CloudFormation adds one GSI to an existing
 * table per update): context `scaleIndexes` says which the data stack has. The table keeps its
 * logical id, so a step is an update of the same table; stacks.test.ts asserts the default
 * template's indexes equal the local definition (all four, projections included).
 */
import { describe, expect, it } from 'vitest';
import { tableSchemaFrom } from '../../infra/constructs/table-schema.js';
import { indexesOf } from '../../infra/data-stack.js';
import { readDeploymentContext } from '../../infra/deployment-context.js';
import { createTableInput } from '../../shared/aws/table.js';

describe('scaleIndexes: the table indexes of issue 20, one per stack update', () => {
  it('adds audience, then customers, one index a step', () => {
    // Prepare
    const all = tableSchemaFrom(createTableInput('t')).globalSecondaryIndexes;

    // Act
    const steps = (['none', 'audience', 'all'] as const).map((step) => indexesOf(all, step));

    // Assess
    expect(steps.map((step) => step.map((index) => index.indexName))).toEqual([
      ['due', 'expiry'],
      ['due', 'expiry', 'audience'],
      ['due', 'expiry', 'audience', 'customers'],
    ]);
  });

  it('refuses an unknown step, naming the context key', () => {
    // Act
    const read = () => readDeploymentContext((key) => (key === 'scaleIndexes' ? 'both' : undefined));

    // Assess
    expect(read).toThrow(/^context scaleIndexes: /);
  });
});
