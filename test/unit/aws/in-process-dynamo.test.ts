/** The local client's lean path to dynalite (shared/aws/in-process-dynamo.ts) against the SDK's whole path, on one engine. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, type DocumentClientOptions } from '../../../shared/aws/dynamo-client.js';
import { sendDocumentCommandsInProcess, type InProcessExchange } from '../../../shared/aws/in-process-dynamo.js';
import { cacheResolvedHandlers } from '../../../shared/aws/resolved-handlers.js';
import { type DynamoEngine, ensureTable, startDynamoEngine } from '../../../shared/local/dynamo-engine.js';

const TABLE = 'lean';
let engine: DynamoEngine;

beforeAll(async () => {
  engine = await startDynamoEngine({ engine: 'dynalite' });
  await ensureTable(sdkClient(), TABLE);
}, 60_000);

afterAll(async () => {
  await engine?.stop();
});

/** The SDK's whole request path on the in-process transport (the local client before decision 300), recording each request body. */
function sdkClient(bodies: string[] = []): DynamoDBDocumentClient {
  const transport = engine.requestHandler!;
  const recording = {
    ...transport,
    handle: (request: { body?: unknown }) => {
      bodies.push(String(request.body));
      return transport.handle(request as Parameters<typeof transport.handle>[0]);
    },
  };
  const doc = createDocumentClient({
    endpoint: engine.endpoint,
    requestHandler: recording as DocumentClientOptions['requestHandler'],
    unsigned: true,
  });
  cacheResolvedHandlers(doc);
  return doc;
}

/** The local runtime's client: the lean path for document commands, recording each request body. */
function leanClient(bodies: string[] = [], exchange: InProcessExchange = engine.exchange!): DynamoDBDocumentClient {
  const doc = sdkClient();
  sendDocumentCommandsInProcess(doc, (target, body) => {
    bodies.push(body);
    return exchange(target, body);
  });
  return doc;
}

/** Every kind of request the adapters make, on keys of their own under `prefix`. */
function commands(prefix: string) {
  const key = (n: number) => ({ PK: `${prefix}#${n}`, SK: 'ITEM' });
  const item = (n: number) => ({
    ...key(n),
    n,
    big: 12345678901234,
    name: `näme ${n} ✓`,
    packed: new Uint8Array([0, 1, 2, 250, n]),
    tags: new Set(['a', 'b']),
    blobs: new Set([new Uint8Array([1, 2]), new Uint8Array([3])]),
    nested: { list: [1, 'two', { three: true, none: null }], bytes: new Uint8Array([9, 8]) },
    empty: '',
    skipped: undefined,
  });
  return [
    new PutCommand({ TableName: TABLE, Item: item(1), ReturnConsumedCapacity: 'TOTAL' }),
    new PutCommand({ TableName: TABLE, Item: item(2), ReturnValues: 'ALL_OLD' }),
    new PutCommand({ TableName: TABLE, Item: { ...item(2), n: 22 }, ReturnValues: 'ALL_OLD' }),
    new GetCommand({ TableName: TABLE, Key: key(1), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    new GetCommand({ TableName: TABLE, Key: key(99) }),
    new UpdateCommand({
      TableName: TABLE,
      Key: key(1),
      UpdateExpression: 'SET #n = #n + :one, more = :bytes ADD tags :tag',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeNames: { '#n': 'n' },
      ExpressionAttributeValues: { ':one': 1, ':bytes': new Uint8Array([7]), ':tag': new Set(['c']) },
      ReturnValues: 'ALL_NEW',
    }),
    new BatchWriteCommand({
      RequestItems: {
        [TABLE]: [
          { PutRequest: { Item: item(3) } },
          { PutRequest: { Item: item(4) } },
          { DeleteRequest: { Key: key(2) } },
        ],
      },
    }),
    new BatchGetCommand({
      RequestItems: { [TABLE]: { Keys: [key(1), key(3), key(4), key(2)], ConsistentRead: true } },
    }),
    new QueryCommand({
      TableName: TABLE,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': `${prefix}#3` },
      ReturnConsumedCapacity: 'TOTAL',
    }),
    new ScanCommand({
      TableName: TABLE,
      FilterExpression: 'begins_with(PK, :prefix)',
      ExpressionAttributeValues: { ':prefix': `${prefix}#` },
    }),
    new DeleteCommand({ TableName: TABLE, Key: key(4), ReturnValues: 'ALL_OLD' }),
  ];
}

/** An output without what differs between any two requests (the engine's request id). */
function comparable(output: unknown): unknown {
  const { $metadata, ...rest } = output as { $metadata: Record<string, unknown> };
  const { requestId: _requestId, ...metadata } = $metadata;
  return { $metadata: metadata, ...rest };
}

/**
 * An output with its keys' prefix renamed, for comparing the two paths' outputs on keys of their
 * own. Batch gets and scans return items in the order of their keys' hashes, so lists of items are
 * sorted by key; a scan's ScannedCount counts the other path's items too and is left out.
 */
function samePrefix(output: unknown, from: string, to: string): unknown {
  const text = JSON.stringify(output, (_key, value) => (value instanceof Set ? [...value] : value));
  const renamed = JSON.parse(text.replaceAll(from, to), (key, value: unknown) => {
    if (key === 'ScannedCount') return undefined;
    return Array.isArray(value) && value.every((item) => typeof item?.PK === 'string')
      ? value.sort((a: { PK: string }, b: { PK: string }) => a.PK.localeCompare(b.PK))
      : value;
  }) as unknown;
  return renamed;
}

describe('in-process DynamoDB (the local client’s lean path)', () => {
  it('sends the SDK’s request bodies and answers with the SDK’s outputs', async () => {
    // Prepare
    const sdkBodies: string[] = [];
    const leanBodies: string[] = [];
    const sdk = sdkClient(sdkBodies);
    const lean = leanClient(leanBodies);

    // Act
    const sdkOutputs: unknown[] = [];
    for (const command of commands('S')) sdkOutputs.push(comparable(await sdk.send(command as GetCommand)));
    const leanOutputs: unknown[] = [];
    for (const command of commands('L')) leanOutputs.push(comparable(await lean.send(command as GetCommand)));

    // Assess: the same JSON (member order aside) and the same outputs, bytes as Uint8Array, sets as Sets.
    expect(leanBodies.map((body) => JSON.parse(body.replaceAll('L#', 'S#')))).toEqual(
      sdkBodies.map((body) => JSON.parse(body)),
    );
    expect(leanOutputs.map((output) => samePrefix(output, 'L#', 'S#'))).toEqual(
      sdkOutputs.map((output) => samePrefix(output, 'S#', 'S#')),
    );
    const updated = leanOutputs[5] as { Attributes: Record<string, unknown> };
    expect(updated.Attributes.packed).toBeInstanceOf(Uint8Array);
    expect(updated.Attributes.more).toEqual(new Uint8Array([7]));
    expect(updated.Attributes.blobs).toEqual(new Set([new Uint8Array([1, 2]), new Uint8Array([3])]));
    expect(updated.Attributes.tags).toEqual(new Set(['a', 'b', 'c']));
    expect(updated.Attributes.n).toBe(2);
    expect(leanOutputs[0]).toMatchObject({ $metadata: { httpStatusCode: 200, attempts: 1 } });
  });

  it('throws the SDK’s errors: the same class, name, message and metadata', async () => {
    // Prepare
    const sdk = sdkClient();
    const lean = leanClient();
    const failing = (prefix: string) => [
      new PutCommand({
        TableName: TABLE,
        Item: { PK: `${prefix}#cond`, SK: 'ITEM' },
        ConditionExpression: 'attribute_exists(PK)',
      }),
      new UpdateCommand({ TableName: TABLE, Key: { PK: `${prefix}#x`, SK: 'ITEM' }, UpdateExpression: 'SET' }),
      new GetCommand({ TableName: 'no-such-table', Key: { PK: 'x', SK: 'y' } }),
    ];
    const caught = async (doc: DynamoDBDocumentClient, command: unknown) =>
      doc.send(command as GetCommand).then(
        () => undefined,
        (error: unknown) => error as Error & { $fault?: string; $metadata?: Record<string, unknown> },
      );

    // Act
    const sdkErrors: Awaited<ReturnType<typeof caught>>[] = [];
    for (const command of failing('S')) sdkErrors.push(await caught(sdk, command));
    const leanErrors: Awaited<ReturnType<typeof caught>>[] = [];
    for (const command of failing('L')) leanErrors.push(await caught(lean, command));

    // Assess
    const shape = (error: (typeof sdkErrors)[number]) => ({
      class: error?.constructor,
      name: error?.name,
      message: error?.message,
      fault: error?.$fault,
      status: error?.$metadata?.httpStatusCode,
      attempts: error?.$metadata?.attempts,
    });
    expect(leanErrors.map(shape)).toEqual(sdkErrors.map(shape));
    expect(leanErrors[0]).toBeInstanceOf(ConditionalCheckFailedException);
    expect(leanErrors.map((error) => error?.name)).toEqual([
      'ConditionalCheckFailedException',
      'ValidationException',
      'ResourceNotFoundException',
    ]);
  });

  it('retries a throttled request as the SDK does', async () => {
    // Prepare: the engine refuses the first request as DynamoDB does when throttling.
    let refused = 0;
    const lean = leanClient([], async (target, body) => {
      if (refused++ === 0)
        return {
          statusCode: 400,
          headers: { 'content-type': 'application/x-amz-json-1.0' },
          body: JSON.stringify({
            __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
            message: 'The level of configured provisioned throughput for the table was exceeded.',
          }),
        };
      return engine.exchange!(target, body);
    });

    // Act
    const output = await lean.send(new PutCommand({ TableName: TABLE, Item: { PK: 'R#1', SK: 'ITEM' } }));

    // Assess
    expect(refused).toBe(2);
    expect(output.$metadata.attempts).toBe(2);
  });

  it('runs the client’s middleware, including what is added after the first request', async () => {
    // Prepare
    const lean = leanClient();
    await lean.send(new GetCommand({ TableName: TABLE, Key: { PK: 'M#1', SK: 'ITEM' } }));
    const seen: string[] = [];
    lean.middlewareStack.add(
      (next, context) => async (args) => {
        seen.push(`${String(context.commandName)} ${JSON.stringify((args.input as { Key?: unknown }).Key)}`);
        return next(args);
      },
      { step: 'initialize', name: 'countCommands' },
    );

    // Act
    await lean.send(new GetCommand({ TableName: TABLE, Key: { PK: 'M#2', SK: 'ITEM' } }));
    await lean.send(new PutCommand({ TableName: TABLE, Item: { PK: 'M#3', SK: 'ITEM' } }));
    lean.middlewareStack.remove('countCommands');
    await lean.send(new GetCommand({ TableName: TABLE, Key: { PK: 'M#4', SK: 'ITEM' } }));

    // Assess: the document's own input, under the SDK's command names.
    expect(seen).toEqual(['GetItemCommand {"PK":"M#2","SK":"ITEM"}', 'PutItemCommand undefined']);
  });
});
