/**
 * The one error mapping of the HTTP functions (ingest, unsubscribe, admin-forget), on
 * @middy/http-error-handler:
 * - bad input is thrown as an HttpError (`badRequest`, or @middy/util's createError with a 4xx):
 *   it answers with its status and its message, which names the field and the reason;
 * - anything else answers 500 with the function's fallback text — never a stack trace or an
 *   internal message — and the log gets the error's class only (messages can carry customer ids).
 * Every answer, success or error, gets the function's headers (names in lower case) and one log line with the method
 * and the status; never the path (the unsubscribe token is in it) or the body.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import { createError } from '@middy/util';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** What the HTTP functions' events have in common (API Gateway payload v2, function URLs). */
type HttpError = ReturnType<typeof createError>;

interface HttpEvent {
  requestContext: { http: { method: string } };
}

export interface HttpErrorsOptions {
  /** Headers on every answer; a header the handler sets itself wins. */
  headers: Record<string, string>;
  /** The body of a 500: plain text, or JSON text. */
  fallbackMessage: string;
}

/** A 4xx whose JSON body is `{ error: message }`; `message` says `field: reason`. */
export function badRequest(statusCode: number, message: string): HttpError {
  return createError(statusCode, JSON.stringify({ error: message }));
}

export function httpErrors(
  logger: Logger,
  options: HttpErrorsOptions,
): middy.MiddlewareObj<HttpEvent, APIGatewayProxyStructuredResultV2>[] {
  const answered = (request: middy.Request<HttpEvent, APIGatewayProxyStructuredResultV2>): void => {
    const response = request.response;
    if (!response) return;
    // Header names in lower case, so the error handler's `Content-Type` is the same header as ours.
    const headers = Object.entries({ ...options.headers, ...response.headers }).map(([name, value]) => [
      name.toLowerCase(),
      value,
    ]);
    request.response = { ...response, headers: Object.fromEntries(headers) };
    logger.info('answered', { method: request.event.requestContext.http.method, statusCode: response.statusCode });
  };
  return [
    // onError runs in reverse order of use: the error handler sets the answer, then this completes it.
    { after: answered, onError: answered },
    httpErrorHandler({
      fallbackMessage: options.fallbackMessage,
      logger: (error: unknown) => {
        const exposed = (error as Partial<HttpError>).statusCode;
        if (exposed !== undefined && exposed < 500) return;
        logger.error('request failed', { error: error instanceof Error ? error.name : 'unknown' });
      },
    }),
  ];
}
