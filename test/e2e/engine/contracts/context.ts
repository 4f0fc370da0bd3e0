/**
 * What each adapter contract gets from the engine suite (engine-contract.ts): the document client
 * of the one engine the test file started, and the table it made. A getter, because the engine
 * starts in beforeAll, after the tests are declared.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EngineName } from '../../../../shared/local/dynamo-engine.js';

export interface EngineTable {
  engine: EngineName;
  doc: DynamoDBDocumentClient;
  tableName: string;
}

export type EngineContext = () => EngineTable;

export const AT = '2026-11-02T10:00:00.000Z';

/** Every item an async iterable yields (the adapters' paginated reads). */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
