/**
 * Small loopback HTTP servers that speak the wire protocols the AWS SDK v3 clients use, for the
 * calls our adapters make, so the deployed bundles run unchanged with AWS_ENDPOINT_URL_<SERVICE>
 * pointing here (STACK "Local engines": no SQS or SNS emulator works with the v3 SDK):
 *
 * - SQS (AWS JSON 1.0, `X-Amz-Target: AmazonSQS.<Operation>`) over the in-process FIFO queues
 *   (shared/local/fifo-queue.ts): SendMessage, SendMessageBatch, ReceiveMessage, DeleteMessage,
 *   DeleteMessageBatch, ChangeMessageVisibility, GetQueueAttributes;
 * - SNS (AWS Query, form-encoded, XML answers): Publish (SMS by PhoneNumber, push by TargetArn)
 *   and CreatePlatformEndpoint, recorded in an outbox;
 * - Secrets Manager (AWS JSON 1.1, `X-Amz-Target: secretsmanager.GetSecretValue`);
 * - S3 (REST, path-style as the SDK addresses an IP endpoint): PutObject and GetObject in memory;
 * - Firehose (AWS JSON 1.1, `X-Amz-Target: Firehose_20150804.PutRecordBatch`): records kept per
 *   delivery stream, as the archive's writers send them.
 *
 * Anything else is answered with the protocol's own error shape, so an adapter that starts
 * calling something new fails loudly here instead of passing untested.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalFifoQueue } from '../../../shared/local/fifo-queue.js';

export interface ShimServer {
  endpoint: string;
  /** Every request's operation, in order (`SendMessageBatch`, `Publish`, …). */
  readonly calls: string[];
  stop(): Promise<void>;
}

class ShimError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Handler = (request: { target: string | undefined; body: string }) => Promise<ShimReply> | ShimReply;
interface ShimReply {
  operation: string;
  contentType: string;
  body: string;
}

async function startShim(handler: Handler, onError: (error: ShimError) => ShimReply): Promise<ShimServer> {
  const calls: string[] = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const target = request.headers['x-amz-target'];
      Promise.resolve()
        .then(() => handler({ target: Array.isArray(target) ? target[0] : target, body }))
        .then(
          (reply) => ({ status: 200, reply }),
          (error: unknown) => {
            const shimError =
              error instanceof ShimError ? error : new ShimError(500, 'InternalFailure', (error as Error).message);
            return { status: shimError.status, reply: onError(shimError) };
          },
        )
        .then(({ status, reply }) => {
          calls.push(reply.operation);
          response.writeHead(status, { 'content-type': reply.contentType, 'x-amzn-requestid': randomUUID() });
          response.end(reply.body);
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

// ---------------------------------------------------------------------------------------------
// SQS

interface SqsShim extends ShimServer {
  /** The queue URL for a queue name: `<endpoint>/<account>/<name>`, the shape SQS gives. */
  urlOf(queueName: string): string;
}

/** `queues` by name; a QueueUrl is matched on its last path segment. */
export async function startSqsShim(queues: ReadonlyMap<string, LocalFifoQueue>, accountId: string): Promise<SqsShim> {
  const queueOf = (input: Record<string, unknown>): LocalFifoQueue => {
    const url = String(input.QueueUrl ?? '');
    const queue = queues.get(url.split('/').pop() ?? '');
    if (!queue) throw new ShimError(400, 'QueueDoesNotExist', `The specified queue does not exist: ${url}`);
    return queue;
  };
  const required = (entry: Record<string, unknown>, name: string): string => {
    const value = entry[name];
    if (typeof value !== 'string' || value === '')
      throw new ShimError(400, 'MissingParameter', `The request must contain the parameter ${name}.`);
    return value;
  };
  const sendOne = (queue: LocalFifoQueue, entry: Record<string, unknown>) => {
    const body = required(entry, 'MessageBody');
    const { messageId } = queue.send({
      body,
      groupId: required(entry, 'MessageGroupId'),
      deduplicationId: required(entry, 'MessageDeduplicationId'),
    });
    return { MessageId: messageId, MD5OfMessageBody: md5(body) };
  };

  const operations: Record<string, (input: Record<string, unknown>) => unknown> = {
    SendMessage: (input) => sendOne(queueOf(input), input),
    SendMessageBatch: (input) => {
      const queue = queueOf(input);
      const entries = (input.Entries ?? []) as Record<string, unknown>[];
      if (entries.length === 0 || entries.length > 10)
        throw new ShimError(400, 'TooManyEntriesInBatchRequest', `${entries.length} entries; 1 to 10 allowed`);
      const Successful: unknown[] = [];
      const Failed: unknown[] = [];
      for (const entry of entries) {
        try {
          Successful.push({ Id: entry.Id, ...sendOne(queue, entry) });
        } catch (error) {
          if (!(error instanceof ShimError)) throw error;
          Failed.push({ Id: entry.Id, Code: error.code, Message: error.message, SenderFault: true });
        }
      }
      return { Successful, Failed };
    },
    ReceiveMessage: (input) => {
      const messages = queueOf(input).receive(Number(input.MaxNumberOfMessages ?? 1));
      return {
        Messages: messages.map((message) => ({
          MessageId: message.messageId,
          ReceiptHandle: message.receiptHandle,
          MD5OfBody: md5(message.body),
          Body: message.body,
          Attributes: {
            ApproximateReceiveCount: String(message.receiveCount),
            SentTimestamp: String(message.sentTimestamp),
            ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp),
            SequenceNumber: message.sequenceNumber,
            MessageGroupId: message.groupId,
            MessageDeduplicationId: message.deduplicationId,
          },
        })),
      };
    },
    DeleteMessage: (input) => {
      queueOf(input).delete(required(input, 'ReceiptHandle'));
      return {};
    },
    DeleteMessageBatch: (input) => {
      const queue = queueOf(input);
      const entries = (input.Entries ?? []) as Record<string, unknown>[];
      for (const entry of entries) queue.delete(required(entry, 'ReceiptHandle'));
      return { Successful: entries.map((entry) => ({ Id: entry.Id })), Failed: [] };
    },
    ChangeMessageVisibility: (input) => {
      queueOf(input).changeVisibility(required(input, 'ReceiptHandle'), Number(input.VisibilityTimeout ?? 0));
      return {};
    },
    GetQueueAttributes: (input) => {
      const queue = queueOf(input);
      return {
        Attributes: {
          ApproximateNumberOfMessages: String(queue.depth),
          ApproximateNumberOfMessagesNotVisible: String(queue.inFlight),
          QueueArn: queue.arn,
          VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
          FifoQueue: 'true',
        },
      };
    },
  };

  const contentType = 'application/x-amz-json-1.0';
  const shim = await startShim(
    ({ target, body }) => {
      const operation = target?.startsWith('AmazonSQS.') ? target.slice('AmazonSQS.'.length) : undefined;
      const run = operation === undefined ? undefined : operations[operation];
      if (!run || operation === undefined)
        throw new ShimError(400, 'UnsupportedOperation', `the SQS shim does not implement ${target ?? 'this request'}`);
      return { operation, contentType, body: JSON.stringify(run(JSON.parse(body || '{}'))) };
    },
    (error) => ({
      operation: `error:${error.code}`,
      contentType,
      body: JSON.stringify({ __type: `com.amazonaws.sqs#${error.code}`, message: error.message }),
    }),
  );
  return { ...shim, urlOf: (queueName) => `${shim.endpoint}/${accountId}/${queueName}` };
}

// ---------------------------------------------------------------------------------------------
// SNS

export type SnsPublished =
  | { kind: 'sms'; to: string; body: string; attributes: Record<string, string> }
  | { kind: 'push'; targetArn: string; message: string; structure: string | undefined };

interface SnsShim extends ShimServer {
  /** What Publish accepted, in order. */
  readonly outbox: SnsPublished[];
}

const xmlEscape = (text: string): string =>
  text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);

export async function startSnsShim(region: string, accountId: string): Promise<SnsShim> {
  const outbox: SnsPublished[] = [];
  const xml = (operation: string, result: string): ShimReply => ({
    operation,
    contentType: 'text/xml',
    body: `<${operation}Response xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><${operation}Result>${result}</${operation}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${operation}Response>`,
  });
  const shim = await startShim(
    ({ body }) => {
      const form = new URLSearchParams(body);
      const action = form.get('Action') ?? '';
      if (action === 'Publish') {
        const message = form.get('Message') ?? '';
        const phone = form.get('PhoneNumber');
        const target = form.get('TargetArn');
        if (phone) {
          const attributes: Record<string, string> = {};
          for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i++) {
            attributes[form.get(`MessageAttributes.entry.${i}.Name`) as string] =
              form.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? '';
          }
          outbox.push({ kind: 'sms', to: phone, body: message, attributes });
        } else if (target) {
          outbox.push({
            kind: 'push',
            targetArn: target,
            message,
            structure: form.get('MessageStructure') ?? undefined,
          });
        } else {
          throw new ShimError(
            400,
            'InvalidParameter',
            'Publish needs PhoneNumber or TargetArn (topics are not shimmed)',
          );
        }
        return xml('Publish', `<MessageId>${randomUUID()}</MessageId>`);
      }
      if (action === 'CreatePlatformEndpoint') {
        const application = form.get('PlatformApplicationArn') ?? '';
        const token = form.get('Token') ?? '';
        const endpointArn = `arn:aws:sns:${region}:${accountId}:endpoint/${application.split('/').slice(-2).join('/')}/${md5(token)}`;
        return xml('CreatePlatformEndpoint', `<EndpointArn>${xmlEscape(endpointArn)}</EndpointArn>`);
      }
      throw new ShimError(400, 'InvalidAction', `the SNS shim does not implement ${action || 'this request'}`);
    },
    (error) => ({
      operation: `error:${error.code}`,
      contentType: 'text/xml',
      body: `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${error.code}</Code><Message>${xmlEscape(error.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
    }),
  );
  return { ...shim, outbox };
}

// ---------------------------------------------------------------------------------------------
// Secrets Manager

/** `secrets` by ARN (what the functions' *_SECRET_ARN variables hold). */
export async function startSecretsManagerShim(secrets: ReadonlyMap<string, string>): Promise<ShimServer> {
  const contentType = 'application/x-amz-json-1.1';
  return startShim(
    ({ target, body }) => {
      if (target !== 'secretsmanager.GetSecretValue')
        throw new ShimError(400, 'UnsupportedOperation', `the Secrets Manager shim does not implement ${target}`);
      const secretId = String((JSON.parse(body || '{}') as { SecretId?: unknown }).SecretId ?? '');
      const value = secrets.get(secretId);
      if (value === undefined)
        throw new ShimError(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
      return {
        operation: 'GetSecretValue',
        contentType,
        body: JSON.stringify({
          ARN: secretId,
          Name: secretId.split(':').pop(),
          SecretString: value,
          VersionId: 'local',
          VersionStages: ['AWSCURRENT'],
          CreatedDate: 0,
        }),
      };
    },
    (error) => ({
      operation: `error:${error.code}`,
      contentType,
      body: JSON.stringify({ __type: error.code, Message: error.message }),
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Firehose

interface FirehoseShim extends ShimServer {
  /** Each delivery stream's records, decoded from base64, in the order they came. */
  readonly records: ReadonlyMap<string, readonly string[]>;
}

/** PutRecordBatch into any delivery stream; every record accepted. */
export async function startFirehoseShim(): Promise<FirehoseShim> {
  const contentType = 'application/x-amz-json-1.1';
  const records = new Map<string, string[]>();
  const shim = await startShim(
    ({ target, body }) => {
      if (target !== 'Firehose_20150804.PutRecordBatch')
        throw new ShimError(400, 'InvalidArgumentException', `the Firehose shim does not implement ${target}`);
      const input = JSON.parse(body || '{}') as { DeliveryStreamName?: unknown; Records?: { Data?: unknown }[] };
      const stream = String(input.DeliveryStreamName ?? '');
      const batch = input.Records ?? [];
      if (stream === '' || batch.length === 0 || batch.length > 500)
        throw new ShimError(400, 'InvalidArgumentException', 'a stream name and 1 to 500 records are required');
      const kept = records.get(stream) ?? [];
      for (const record of batch) kept.push(Buffer.from(String(record.Data ?? ''), 'base64').toString('utf8'));
      records.set(stream, kept);
      return {
        operation: 'PutRecordBatch',
        contentType,
        body: JSON.stringify({
          FailedPutCount: 0,
          Encrypted: false,
          RequestResponses: batch.map(() => ({ RecordId: randomUUID() })),
        }),
      };
    },
    (error) => ({
      operation: `error:${error.code}`,
      contentType,
      body: JSON.stringify({ __type: error.code, message: error.message }),
    }),
  );
  return { ...shim, records };
}

// ---------------------------------------------------------------------------------------------
// S3

interface S3Shim extends ShimServer {
  /** Stored objects by `bucket/key`. */
  readonly objects: ReadonlyMap<string, Buffer>;
}

/** PutObject and GetObject on any bucket, kept in memory; the SDK sends path-style requests to an IP endpoint. */
export async function startS3Shim(): Promise<S3Shim> {
  const objects = new Map<string, Buffer>();
  const calls: string[] = [];
  const xmlError = (code: string, message: string): string =>
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message><RequestId>${randomUUID()}</RequestId></Error>`;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://s3.local');
      const path = decodeURIComponent(url.pathname.slice(1));
      const slash = path.indexOf('/');
      const answer = (status: number, operation: string, body: string | Buffer, type = 'application/xml'): void => {
        calls.push(operation);
        response.writeHead(status, { 'content-type': type, 'x-amz-request-id': randomUUID() });
        response.end(body);
      };
      // The SDK names the operation in `x-id`; any other parameter is an operation the shim lacks.
      url.searchParams.delete('x-id');
      if (slash <= 0 || url.searchParams.size > 0) {
        answer(
          400,
          'error:NotImplemented',
          xmlError('NotImplemented', `the S3 shim does not implement ${request.method} ${request.url}`),
        );
        return;
      }
      if (request.method === 'PUT') {
        if (request.headers['content-encoding']?.includes('aws-chunked')) {
          answer(400, 'error:NotImplemented', xmlError('NotImplemented', 'aws-chunked uploads are not shimmed'));
          return;
        }
        const body = Buffer.concat(chunks);
        objects.set(path, body);
        calls.push('PutObject');
        response.writeHead(200, { etag: `"${createHash('md5').update(body).digest('hex')}"` });
        response.end();
        return;
      }
      if (request.method === 'GET') {
        const object = objects.get(path);
        if (object) answer(200, 'GetObject', object, 'application/json');
        else answer(404, 'error:NoSuchKey', xmlError('NoSuchKey', 'The specified key does not exist.'));
        return;
      }
      answer(405, 'error:MethodNotAllowed', xmlError('MethodNotAllowed', `${request.method} is not shimmed`));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    objects,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
