/**
 * The shape of the functions behind a link in an email — unsubscribe (`/u/{token}`) and the
 * double opt-in confirmation (`/c/{token}`): API Gateway HTTP API (payload v2), GET shows a page,
 * POST acts, the token is the last path segment. Pages cannot be framed (a framed button is a
 * clickjacking target) nor cached, and an unexpected error is a plain 500 page. Never the token
 * in the log: it is a capability.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { httpErrors } from './http-errors.js';
import { handlerLogger, lambdaHandler } from './lambda-handler.js';

export const PAGE_HEADERS = { 'content-security-policy': "frame-ancestors 'none'", 'cache-control': 'no-store' };

/** What a link's page decides: its status and its HTML. */
export type LinkPage = (request: { method: string; token: string }) => Promise<{ statusCode: number; html: string }>;

export function linkPageHandler(serviceName: string, logger: Logger | undefined, page: LinkPage) {
  const log = handlerLogger(serviceName, logger);
  return lambdaHandler(log, async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const token = event.pathParameters?.token ?? tokenFromPath(event.rawPath);
    const result = await page({ method: event.requestContext.http.method, token });
    return {
      statusCode: result.statusCode,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: result.html,
    };
  }).use(
    httpErrors(log, { headers: PAGE_HEADERS, fallbackMessage: 'Something went wrong; please try the link again.' }),
  );
}

/** The last path segment, %-decoded; a malformed escape is an invalid token (403), never an error. */
export function tokenFromPath(rawPath: string): string {
  try {
    return decodeURIComponent(rawPath.split('/').pop() ?? '');
  } catch {
    return '';
  }
}
