/**
 * unsubscribe: API Gateway HTTP API (payload v2), `GET|POST /u/{token}` — the link and the
 * one-click target of every marketing email. Decisions in shared/channels/unsubscribe.ts.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { handleUnsubscribe, type UnsubscribeDeps } from '../shared/channels/unsubscribe.js';
import { awsUnsubscribeDeps } from '../shared/aws/unsubscribe-deps.js';

export function buildHandler(deps: UnsubscribeDeps & { logger?: Logger }) {
  const logger = deps.logger ?? new Logger({ serviceName: 'unsubscribe' });
  return middy(async (event: APIGatewayProxyEventV2, _context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    try {
      const token = event.pathParameters?.token ?? tokenFromPath(event.rawPath);
      const result = await handleUnsubscribe(deps, { method: event.requestContext.http.method, token });
      // Never the token in the log: it is a capability.
      logger.info('unsubscribe', { method: event.requestContext.http.method, statusCode: result.statusCode });
      return {
        statusCode: result.statusCode,
        headers: { ...PAGE_HEADERS, 'content-type': 'text/html; charset=utf-8' },
        body: result.html,
      };
    } catch (error) {
      logger.error('unsubscribe failed', { error: error instanceof Error ? error.message : String(error) });
      return {
        statusCode: 500,
        headers: { ...PAGE_HEADERS, 'content-type': 'text/plain; charset=utf-8' },
        body: 'Something went wrong; please try the link again.',
      };
    }
  });
}

/** No page of ours may be framed (a framed button is a clickjacking target), nor cached. */
const PAGE_HEADERS = { 'content-security-policy': "frame-ancestors 'none'", 'cache-control': 'no-store' };

/** The last path segment, %-decoded; a malformed escape is an invalid token (403), never an error. */
function tokenFromPath(rawPath: string): string {
  try {
    return decodeURIComponent(rawPath.split('/').pop() ?? '');
  } catch {
    return '';
  }
}

let coldStartHandler: ReturnType<typeof buildHandler> | undefined;

export const handler = async (
  event: APIGatewayProxyEventV2,
  context: Context,
): Promise<APIGatewayProxyStructuredResultV2> => {
  coldStartHandler ??= buildHandler(await awsUnsubscribeDeps(process.env));
  return coldStartHandler(event, context);
};
