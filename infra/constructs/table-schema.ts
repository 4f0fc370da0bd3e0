/**
 * The CDK table definition, derived from `createTableInput` (shared/aws/table.ts) — the same
 * definition the local runtime creates — so the deployed keys, indexes and projections cannot
 * drift from what the adapters query.
 */
import type {
  AttributeDefinition,
  CreateTableCommandInput,
  KeySchemaElement,
  Projection,
} from '@aws-sdk/client-dynamodb';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  type Attribute,
  type GlobalSecondaryIndexProps,
} from 'aws-cdk-lib/aws-dynamodb';

export interface TableSchema {
  billingMode: BillingMode;
  partitionKey: Attribute;
  sortKey?: Attribute;
  globalSecondaryIndexes: GlobalSecondaryIndexProps[];
}

export function tableSchemaFrom(input: CreateTableCommandInput): TableSchema {
  const attributes = input.AttributeDefinitions ?? [];
  const keys = keyAttributes(input.KeySchema, attributes, 'table');
  return {
    billingMode: billingMode(input.BillingMode),
    ...keys,
    globalSecondaryIndexes: (input.GlobalSecondaryIndexes ?? []).map((index) => {
      const name = required(index.IndexName, 'GlobalSecondaryIndexes[].IndexName');
      return {
        indexName: name,
        ...keyAttributes(index.KeySchema, attributes, `index ${name}`),
        ...projection(index.Projection, name),
      };
    }),
  };
}

function keyAttributes(
  schema: KeySchemaElement[] | undefined,
  attributes: AttributeDefinition[],
  owner: string,
): { partitionKey: Attribute; sortKey?: Attribute } {
  const find = (keyType: 'HASH' | 'RANGE'): Attribute | undefined => {
    const name = schema?.find((element) => element.KeyType === keyType)?.AttributeName;
    if (name === undefined) return undefined;
    const definition = attributes.find((attribute) => attribute.AttributeName === name);
    if (definition === undefined) throw new Error(`${owner}: key attribute ${name} has no AttributeDefinition`);
    return { name, type: attributeType(definition.AttributeType, name) };
  };
  const partitionKey = find('HASH');
  if (partitionKey === undefined) throw new Error(`${owner}: no HASH key`);
  const sortKey = find('RANGE');
  return sortKey === undefined ? { partitionKey } : { partitionKey, sortKey };
}

function attributeType(type: AttributeDefinition['AttributeType'], name: string): AttributeType {
  switch (type) {
    case 'S':
      return AttributeType.STRING;
    case 'N':
      return AttributeType.NUMBER;
    case 'B':
      return AttributeType.BINARY;
    default:
      throw new Error(`attribute ${name}: unsupported type ${String(type)}`);
  }
}

function projection(
  value: Projection | undefined,
  index: string,
): Pick<GlobalSecondaryIndexProps, 'projectionType' | 'nonKeyAttributes'> {
  switch (value?.ProjectionType) {
    case 'ALL':
      return { projectionType: ProjectionType.ALL };
    case 'KEYS_ONLY':
      return { projectionType: ProjectionType.KEYS_ONLY };
    case 'INCLUDE':
      return { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: value.NonKeyAttributes ?? [] };
    default:
      throw new Error(`index ${index}: projection type ${String(value?.ProjectionType)} is not supported`);
  }
}

function billingMode(mode: CreateTableCommandInput['BillingMode']): BillingMode {
  switch (mode) {
    case 'PAY_PER_REQUEST':
      return BillingMode.PAY_PER_REQUEST;
    case 'PROVISIONED':
    case undefined:
      // Provisioned capacity would need numbers the local definition does not carry.
      throw new Error(`billing mode ${String(mode)}: only PAY_PER_REQUEST is supported`);
    default:
      throw new Error(`billing mode ${String(mode)} is not known`);
  }
}

function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw new Error(`${field} is missing`);
  return value;
}
