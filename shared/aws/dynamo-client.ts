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
  /**
   * Requests that never leave the process (dynalite's in-process transport) go unsigned: nobody
   * else can send on it, and SigV4 costs ≈ a third of the SDK's CPU per request. They carry a
   * constant Authorization header of the shape dynalite checks for.
   */
  unsigned?: boolean;
}

/** What an unsigned request carries instead of a signature (dynalite checks the header's shape only). */
const UNSIGNED_AUTHORIZATION =
  'AWS4-HMAC-SHA256 Credential=local/20000101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=unsigned';

/** A signer that signs nothing, in the SDK's RequestSigner shape. */
const unsignedSigner = {
  sign: async <Request extends { headers: Record<string, string> }>(request: Request): Promise<Request> => {
    request.headers.authorization = UNSIGNED_AUTHORIZATION;
    request.headers['x-amz-date'] = '20000101T000000Z';
    return request;
  },
};

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
    ...(options.unsigned ? { signer: unsignedSigner } : {}),
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
