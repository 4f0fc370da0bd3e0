/** The DynamoDB document client every adapter uses, in Lambda and against the local engines. */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DocumentClientOptions {
  /** A local engine's URL; Lambda leaves it unset and uses the regional endpoint. */
  endpoint?: string;
  region?: string;
  credentials?: DynamoDBClientConfig['credentials'];
  maxAttempts?: number;
  /** How requests travel (local engines: dynalite's in-process transport). */
  requestHandler?: DynamoDBClientConfig['requestHandler'];
}

/** Local engines accept any credentials but the SDK refuses to sign without some. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export function createDocumentClient(options: DocumentClientOptions = {}): DynamoDBDocumentClient {
  const local = options.endpoint !== undefined;
  const client = new DynamoDBClient({
    ...(local ? { endpoint: options.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS } : {}),
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.requestHandler ? { requestHandler: options.requestHandler } : {}),
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: {
      // Optional profile fields are `undefined` in TS objects; DynamoDB has no such value.
      removeUndefinedValues: true,
      // Profiles are plain data; a class instance reaching a write is a bug, not something to flatten.
      convertClassInstanceToMap: false,
      convertEmptyValues: false,
    },
    unmarshallOptions: { wrapNumbers: false },
  });
}
