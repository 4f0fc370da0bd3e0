/** A document client whose calls are recorded and answered by aws-sdk-client-mock (adapter tests only). */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import {
  PROFILE_DOCUMENT_ATTRIBUTE,
  readStoredProfile,
  unpackProfileItem,
} from '../../shared/aws/profile-item-codec.js';

export const TABLE = 'sadakat-test';

/** Resends without waiting, and few of them, so retry tests stay fast. */
export const NO_WAIT = { baseDelayMs: 0, maxDelayMs: 0, maxRetries: 3 };

export function mockedDocumentClient() {
  const doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
  );
  return { doc, mock: mockClient(doc) };
}

/** The exception DynamoDB raises for a failed condition, with the stored item when ALL_OLD was asked for. */
export function conditionFailed(storedItem?: Record<string, unknown>): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: { httpStatusCode: 400 },
    ...(storedItem ? { Item: marshall(storedItem) } : {}),
  });
}

/** The item a profile UpdateItem stores (the key and the ttl aside): its plain attributes and the compressed document `p1`. */
export function writtenProfileItem(input: {
  ExpressionAttributeValues?: Record<string, unknown>;
}): Record<string, unknown> {
  const values = Object.fromEntries(
    Object.entries(input.ExpressionAttributeValues ?? {}).map(([key, value]) => [key.slice(1), value]),
  );
  const { document, expected: _expected, ...plain } = values;
  return { ...plain, ...(document === undefined ? {} : { [PROFILE_DOCUMENT_ATTRIBUTE]: document }) };
}

/**
 * The attributes a profile UpdateItem stores, by name, with the compressed profile document
 * opened and its timestamps read back as ISO strings (profile-item-codec.ts).
 */
export function writtenProfileAttributes(input: {
  ExpressionAttributeValues?: Record<string, unknown>;
}): Record<string, unknown> {
  return readStoredProfile(unpackProfileItem(writtenProfileItem(input)));
}
