/** The local client's send with middleware resolved once per command class (shared/aws/resolved-handlers.ts). */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../shared/aws/dynamo-client.js';
import { cacheResolvedHandlers } from '../../../shared/aws/resolved-handlers.js';

interface SentRequest {
  headers: Record<string, string>;
  body: string;
}

/** A client whose transport records each request and answers every one with `answer`. */
function recordingClient(answer: Record<string, unknown>, options: { unsigned?: boolean } = {}) {
  const sent: SentRequest[] = [];
  const requestHandler = {
    handle: async (request: { headers: Record<string, string>; body?: unknown }) => {
      const body =
        request.body instanceof Uint8Array
          ? Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength).toString('utf8')
          : String(request.body);
      sent.push({ headers: { ...request.headers }, body });
      return {
        response: {
          statusCode: 200,
          headers: { 'content-type': 'application/x-amz-json-1.0' },
          body: Buffer.from(JSON.stringify(answer)),
        },
      };
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
    destroy: () => undefined,
  };
  const doc = createDocumentClient({ endpoint: 'http://127.0.0.1:1', requestHandler, ...options });
  return { doc, sent };
}

describe('cacheResolvedHandlers', () => {
  it('sends each command with its own input, as the uncached client does', async () => {
    // Prepare: the same commands through a cached and an uncached client.
    const answer = { Item: { PK: { S: 'C#1' }, SK: { S: 'PROFILE' }, n: { N: '7' } } };
    const cached = recordingClient(answer);
    cacheResolvedHandlers(cached.doc);
    const plain = recordingClient(answer);
    const commands = () => [
      new PutCommand({ TableName: 't', Item: { PK: 'C#1', SK: 'PROFILE', n: 1, tags: ['a'] } }),
      new PutCommand({ TableName: 't', Item: { PK: 'C#2', SK: 'PROFILE', n: 2 } }),
      new GetCommand({ TableName: 't', Key: { PK: 'C#2', SK: 'PROFILE' } }),
      new GetItemCommand({ TableName: 't', Key: { PK: { S: 'C#3' }, SK: { S: 'PROFILE' } } }),
    ];

    // Act
    const cachedOutputs: unknown[] = [];
    for (const command of commands()) cachedOutputs.push(await cached.doc.send(command as GetCommand));
    const plainOutputs: unknown[] = [];
    for (const command of commands()) plainOutputs.push(await plain.doc.send(command as GetCommand));

    // Assess: same bodies, same targets, same unmarshalled answers.
    expect(cached.sent.map((request) => request.body)).toEqual(plain.sent.map((request) => request.body));
    expect(cached.sent.map((request) => request.headers['x-amz-target'])).toEqual([
      'DynamoDB_20120810.PutItem',
      'DynamoDB_20120810.PutItem',
      'DynamoDB_20120810.GetItem',
      'DynamoDB_20120810.GetItem',
    ]);
    expect(JSON.parse(cached.sent[1]!.body)).toMatchObject({ Item: { PK: { S: 'C#2' }, n: { N: '2' } } });
    expect(cachedOutputs).toEqual(plainOutputs);
    expect(cachedOutputs[2]).toMatchObject({ Item: { PK: 'C#1', n: 7 } });
  });

  it('runs middleware added after the first request', async () => {
    // Prepare
    const { doc } = recordingClient({});
    cacheResolvedHandlers(doc);
    await doc.send(new GetCommand({ TableName: 't', Key: { PK: 'C#1', SK: 'PROFILE' } }));
    const seen: string[] = [];
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        seen.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'countCommands' },
    );

    // Act
    await doc.send(new GetCommand({ TableName: 't', Key: { PK: 'C#2', SK: 'PROFILE' } }));

    // Assess
    expect(seen).toEqual(['GetItemCommand']);
  });

  it('leaves requests unsigned only when asked, with the header shape dynalite checks', async () => {
    // Prepare
    const unsigned = recordingClient({}, { unsigned: true });
    const signed = recordingClient({});

    // Act
    await unsigned.doc.send(new GetCommand({ TableName: 't', Key: { PK: 'C#1', SK: 'PROFILE' } }));
    await signed.doc.send(new GetCommand({ TableName: 't', Key: { PK: 'C#1', SK: 'PROFILE' } }));

    // Assess
    expect(unsigned.sent[0]!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=local\/.*Signature=unsigned$/,
    );
    expect(signed.sent[0]!.headers.authorization).toMatch(/Signature=[0-9a-f]{64}$/);
  });
});
