/**
 * The document client's `send` with each command class's middleware stack resolved once, not on
 * every call: the SDK rebuilds and sorts the whole stack for each command it sends (≈ half its
 * CPU per request, measured on a canned response), and its own cure (`cacheMiddleware`) refuses
 * the document client. The requests are the same: the cached handler serializes, signs,
 * retries and deserializes each command's own input through the same middleware, as the SDK's
 * `cacheMiddleware` does for its plain clients.
 *
 * Changing the client's middleware stack drops what was resolved.
 */
import { DynamoDBDocumentClientCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** A resolved stack: takes a command (its `input`) and answers with the SDK's `{ output }`. */
type ResolvedHandler = (command: { input: unknown }) => Promise<{ output: unknown }>;

/** The part of an SDK command that resolving its middleware needs. */
interface ResolvableCommand {
  input: unknown;
  middlewareStack: unknown;
  resolveMiddleware(stack: unknown, configuration: unknown, options: undefined): ResolvedHandler;
}

/** lib-dynamodb's command: a plain command inside, and the (un)marshalling it adds around it (protected members). */
interface DocumentCommand extends ResolvableCommand {
  clientCommand: ResolvableCommand;
  addMarshallingMiddleware(configuration: unknown): void;
}

/**
 * A map of resolved handlers emptied whenever the client's middleware stack changes, so middleware
 * added or removed later (a test's request counter) takes effect on the next request.
 */
export function handlersUntilStackChanges<Handler>(doc: DynamoDBDocumentClient): Map<unknown, Handler> {
  const handlers = new Map<unknown, Handler>();
  const changes = doc.middlewareStack as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of ['add', 'addRelativeTo', 'remove', 'removeByTag', 'use']) {
    const change = changes[name]?.bind(doc.middlewareStack);
    if (change)
      changes[name] = (...args: unknown[]) => {
        handlers.clear();
        return change(...args);
      };
  }
  return handlers;
}

export function cacheResolvedHandlers(doc: DynamoDBDocumentClient): void {
  const handlers = handlersUntilStackChanges<ResolvedHandler>(doc);
  const uncached = doc.send.bind(doc) as (command: unknown, options?: unknown) => Promise<unknown>;
  const stack = doc.middlewareStack as unknown as { concat(other: unknown): unknown };
  const resolve = (command: ResolvableCommand): ResolvedHandler => {
    if (!(command instanceof DynamoDBDocumentClientCommand))
      return command.resolveMiddleware(stack, doc.config, undefined);
    // As DynamoDBDocumentClientCommand.resolveMiddleware, but keeping the handler that takes the
    // plain command, so the next command of the class brings its own input.
    const documentCommand = command as unknown as DocumentCommand;
    documentCommand.addMarshallingMiddleware(doc.config);
    const inner = documentCommand.clientCommand.resolveMiddleware(
      stack.concat(documentCommand.middlewareStack),
      doc.config,
      undefined,
    );
    return (next) => inner((next as unknown as DocumentCommand).clientCommand);
  };
  const send = (command: ResolvableCommand, options?: unknown): Promise<unknown> => {
    // Per-call options (abort signals, callbacks) take the SDK's own path.
    if (options !== undefined) return uncached(command, options);
    let handler = handlers.get(command.constructor);
    if (handler === undefined) {
      handler = resolve(command);
      handlers.set(command.constructor, handler);
    }
    return handler(command).then((result) => result.output);
  };
  // The document client's send is overloaded per command type; this one serves them all alike.
  doc.send = send as unknown as DynamoDBDocumentClient['send'];
}
