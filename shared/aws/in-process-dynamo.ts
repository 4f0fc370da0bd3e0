/**
 * The local client's lean path to an in-process engine (dynalite's transport): a document
 * command's request goes through the client's own middleware stack — every middleware a test, a
 * bench or the write meter adds, lib-dynamodb's marshalling and the SDK's retry strategy — but its
 * serializer, endpoint resolution, auth scheme selection and deserializer are replaced by what an
 * in-process engine needs: the marshalled input as JSON text, handed to the engine with its
 * target, and the answer's JSON parsed back (binary values decoded as the SDK decodes them).
 * An error answer is deserialized by the SDK's own protocol, so the error is the SDK's (its
 * class, name, fields and `$metadata`). Measured alone, the SDK's request path costs ≈ 250 µs of
 * the handlers' thread per GetItem against ≈ 50 µs for the same request posted directly
 * (docs/decisions.md 267, 300).
 *
 * Plain (non-document) commands and requests with options keep the SDK's path: the table's
 * setup and a few tools send them, never a handler's hot path, and some outputs (timestamps)
 * need the SDK's schema.
 */
import { DynamoDBDocumentClientCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { handlersUntilStackChanges } from './resolved-handlers.js';

/** One request of the DynamoDB JSON protocol (`DynamoDB_20120810.GetItem`…) by its text, answered by an in-process engine (DynamoEngine.exchange). */
export type InProcessExchange = (target: string, body: string) => Promise<InProcessResponse>;

/** The engine's answer: its HTTP status, headers and body text. */
export interface InProcessResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** The request the lean serializer makes: the operation's target and its JSON text. */
interface InProcessRequest {
  target: string;
  body: string;
}

/** The part of a middleware stack this file uses (the SDK's MiddlewareStack, structurally). */
interface Stack {
  add(middleware: unknown, options: Record<string, unknown>): void;
  addRelativeTo(middleware: unknown, options: Record<string, unknown>): void;
  concat(other: unknown): Stack;
  resolve(handler: (args: { request: InProcessRequest }) => Promise<unknown>, context: unknown): ResolvedHandler;
}

type ResolvedHandler = (args: { input: unknown }) => Promise<{ output: unknown }>;

/** The smithy context the SDK gives each command's middleware (`__smithy_context`). */
interface CommandContext {
  __smithy_context?: { operation?: string; operationSchema?: unknown[] };
}

/** lib-dynamodb's command: a plain command inside, and the (un)marshalling it adds around it (protected members). */
interface DocumentCommand {
  input: unknown;
  middlewareStack: unknown;
  clientCommand: {
    input: unknown;
    resolveMiddleware(stack: unknown, configuration: unknown, options: undefined): ResolvedHandler;
  };
  addMarshallingMiddleware(configuration: unknown): void;
}

/** What the SDK's protocol needs to turn an error answer into its error. */
interface ProtocolConfig {
  protocol: {
    deserializeResponse(operation: unknown, context: unknown, response: unknown): Promise<unknown>;
  };
}

const TARGET_PREFIX = 'DynamoDB_20120810.';

/**
 * Makes `doc` send document commands on the lean path to `exchange`, one resolved handler per
 * command class (rebuilt when the client's middleware changes); anything else goes to the send
 * it had (cacheResolvedHandlers' in the local runtime).
 */
export function sendDocumentCommandsInProcess(doc: DynamoDBDocumentClient, exchange: InProcessExchange): void {
  const handlers = handlersUntilStackChanges<ResolvedHandler>(doc);
  const otherwise = doc.send.bind(doc) as (command: unknown, options?: unknown) => Promise<unknown>;
  const transport = async ({ request }: { request: InProcessRequest }) => ({
    response: await exchange(request.target, request.body),
  });
  const resolve = (command: DocumentCommand): ResolvedHandler => {
    command.addMarshallingMiddleware(doc.config);
    const clientStack = (doc.middlewareStack as unknown as Stack).concat(command.middlewareStack);
    // The SDK builds the command's stack and context as for any request; the stack's resolve is
    // intercepted to swap the parts an in-process engine does not need and end at the engine.
    let resolved: ResolvedHandler | undefined;
    const intercepted = {
      concat(commandStack: unknown) {
        const stack = clientStack.concat(commandStack);
        replaceSerde(stack, doc.config as unknown as ProtocolConfig);
        return {
          resolve: (_sdkTransport: unknown, context: unknown) => {
            resolved = stack.resolve(transport, context);
            return resolved;
          },
        };
      },
    };
    command.clientCommand.resolveMiddleware(intercepted, doc.config, undefined);
    if (resolved === undefined) throw new Error('in-process DynamoDB: the SDK did not resolve the command’s stack');
    const handler = resolved;
    return (next) => handler({ input: (next as unknown as DocumentCommand).clientCommand.input });
  };
  const send = (command: unknown, options?: unknown): Promise<unknown> => {
    // Per-call options (abort signals, callbacks) and plain commands take the SDK's own path.
    if (options !== undefined || !(command instanceof DynamoDBDocumentClientCommand))
      return otherwise(command, options);
    let handler = handlers.get(command.constructor);
    if (handler === undefined) {
      handler = resolve(command as unknown as DocumentCommand);
      handlers.set(command.constructor, handler);
    }
    return handler(command as unknown as { input: unknown }).then((result) => result.output);
  };
  doc.send = send as unknown as DynamoDBDocumentClient['send'];
}

/** The serializer, endpoint, auth scheme and deserializer of a command's stack, for an in-process engine. */
function replaceSerde(stack: Stack, config: ProtocolConfig): void {
  const passThrough = (next: (args: unknown) => unknown) => next;
  // The endpoint and auth scheme name a URL and a signer; the engine needs neither (same names
  // and places as the SDK's, so the middleware placed relative to them keeps its place).
  stack.addRelativeTo(passThrough, {
    name: 'endpointV2Middleware',
    relation: 'before',
    toMiddleware: 'serializerMiddleware',
    override: true,
  });
  stack.addRelativeTo(passThrough, {
    name: 'httpAuthSchemeMiddleware',
    relation: 'before',
    toMiddleware: 'endpointV2Middleware',
    override: true,
  });
  stack.add(
    (next: (args: { input: unknown; request: InProcessRequest }) => unknown, context: CommandContext) =>
      (args: { input: unknown }) =>
        next({
          ...args,
          request: {
            target: TARGET_PREFIX + String(context.__smithy_context?.operation),
            body: JSON.stringify(args.input, binaryAsBase64),
          },
        }),
    { name: 'serializerMiddleware', step: 'serialize', override: true },
  );
  stack.add(
    (next: (args: unknown) => Promise<{ response: InProcessResponse }>, context: CommandContext) =>
      async (args: unknown) => {
        const { response } = await next(args);
        if (response.statusCode < 300)
          return { response, output: { $metadata: metadataOf(response), ...parseAnswer(response.body) } };
        throw await sdkError(config, context, response);
      },
    { name: 'deserializerMiddleware', step: 'deserialize', override: true },
  );
}

/** A binary attribute value (`B`, and `BS`'s members) as the JSON protocol carries it: base64. */
function binaryAsBase64(this: Record<string, unknown>, key: string, value: unknown): unknown {
  // `value` went through toJSON already (a Buffer's is an array of bytes); the holder has the original.
  const raw = this[key];
  return raw instanceof Uint8Array ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') : value;
}

/** An answer's JSON with binary attribute values decoded to bytes, as the SDK's deserializer gives them. */
function parseAnswer(text: string): Record<string, unknown> {
  if (text === '') return {};
  const answer = JSON.parse(text) as Record<string, unknown>;
  if (text.includes('"B":"') || text.includes('"BS":[')) decodeBinary(answer);
  return answer;
}

/**
 * Replaces each binary attribute value's base64 with its bytes, in place. In DynamoDB's JSON only
 * an attribute value has a member `B` holding a string or `BS` holding a list (an attribute named
 * `B` holds an attribute value, an object). A walk, not a JSON.parse reviver: ≈ 3× cheaper.
 */
function decodeBinary(node: object): void {
  if (Array.isArray(node)) {
    for (const element of node) if (typeof element === 'object' && element !== null) decodeBinary(element);
    return;
  }
  const record = node as Record<string, unknown>;
  for (const key in record) {
    const value = record[key];
    if (typeof value === 'string') {
      if (key === 'B') record.B = bytesOf(value);
    } else if (key === 'BS' && Array.isArray(value)) record.BS = value.map((member) => bytesOf(String(member)));
    else if (typeof value === 'object' && value !== null) decodeBinary(value);
  }
}

function bytesOf(base64: string): Uint8Array {
  const buffer = Buffer.from(base64, 'base64');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** The SDK's `$metadata` for an answer (its retry middleware adds the attempts). */
function metadataOf(response: InProcessResponse): Record<string, unknown> {
  return {
    httpStatusCode: response.statusCode,
    requestId: response.headers['x-amzn-requestid'],
    extendedRequestId: undefined,
    cfId: undefined,
  };
}

/** The error the SDK's protocol makes of an error answer (its class, fields and `$metadata`), with the answer hidden on it as the SDK hides it. */
async function sdkError(
  config: ProtocolConfig,
  context: CommandContext,
  response: InProcessResponse,
): Promise<unknown> {
  const [, namespace, name, traits, input, output] = context.__smithy_context?.operationSchema ?? [];
  const answer = {
    statusCode: response.statusCode,
    headers: response.headers,
    body: Buffer.from(response.body, 'utf8'),
  };
  try {
    await config.protocol.deserializeResponse(
      { name, namespace, traits, input, output },
      { ...config, ...context },
      answer,
    );
  } catch (error) {
    if (typeof error === 'object' && error !== null && !('$response' in error))
      Object.defineProperty(error, '$response', { value: answer, enumerable: false });
    return error;
  }
  return new Error(`in-process DynamoDB: status ${response.statusCode} with no error in the answer`);
}
