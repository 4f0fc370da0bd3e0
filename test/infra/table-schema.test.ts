import { AttributeType, BillingMode, ProjectionType } from 'aws-cdk-lib/aws-dynamodb';
import { describe, expect, it } from 'vitest';
import { tableSchemaFrom } from '../../infra/constructs/table-schema.js';
import {
  AUDIENCE_INDEX,
  createTableInput,
  CUSTOMERS_INDEX,
  CUSTOMERS_PROJECTION,
  DUE_INDEX,
  EXPIRY_INDEX,
} from '../../shared/aws/table.js';

describe('tableSchemaFrom', () => {
  it('turns the local table definition into CDK keys and sparse indexes', () => {
    // Act
    const schema = tableSchemaFrom(createTableInput('t'));

    // Assess
    expect(schema).toEqual({
      billingMode: BillingMode.PAY_PER_REQUEST,
      partitionKey: { name: 'PK', type: AttributeType.STRING },
      sortKey: { name: 'SK', type: AttributeType.STRING },
      globalSecondaryIndexes: [
        {
          indexName: DUE_INDEX,
          partitionKey: { name: 'duePK', type: AttributeType.STRING },
          sortKey: { name: 'wakeAt', type: AttributeType.STRING },
          projectionType: ProjectionType.ALL,
        },
        {
          indexName: EXPIRY_INDEX,
          partitionKey: { name: 'expiryPK', type: AttributeType.STRING },
          sortKey: { name: 'nextExpiryAt', type: AttributeType.STRING },
          projectionType: ProjectionType.KEYS_ONLY,
        },
        {
          indexName: AUDIENCE_INDEX,
          partitionKey: { name: 'audPK', type: AttributeType.STRING },
          projectionType: ProjectionType.KEYS_ONLY,
        },
        {
          indexName: CUSTOMERS_INDEX,
          partitionKey: { name: 'customersPK', type: AttributeType.STRING },
          sortKey: { name: 'SK', type: AttributeType.STRING },
          projectionType: ProjectionType.INCLUDE,
          nonKeyAttributes: [...CUSTOMERS_PROJECTION],
        },
      ],
    });
  });

  it('keeps the attributes of an INCLUDE projection', () => {
    // Prepare
    const input = createTableInput('t');
    input.GlobalSecondaryIndexes![0]!.Projection = { ProjectionType: 'INCLUDE', NonKeyAttributes: ['step'] };

    // Act
    const schema = tableSchemaFrom(input);

    // Assess
    expect(schema.globalSecondaryIndexes[0]).toMatchObject({
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: ['step'],
    });
  });

  it('refuses a key attribute without a type definition, naming it', () => {
    // Prepare
    const input = createTableInput('t');
    input.AttributeDefinitions = input.AttributeDefinitions!.filter(
      (attribute) => attribute.AttributeName !== 'wakeAt',
    );

    // Act
    const derive = () => tableSchemaFrom(input);

    // Assess
    expect(derive).toThrow('index due: key attribute wakeAt has no AttributeDefinition');
  });

  it('refuses provisioned billing, which the local definition cannot size', () => {
    // Prepare
    const input = { ...createTableInput('t'), BillingMode: 'PROVISIONED' as const };

    // Act
    const derive = () => tableSchemaFrom(input);

    // Assess
    expect(derive).toThrow('only PAY_PER_REQUEST is supported');
  });
});
