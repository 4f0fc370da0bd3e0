/**
 * unsubscribe: API Gateway HTTP API (payload v2), `GET|POST /u/{token}` — the link and the
 * one-click target of every marketing email. Decisions in shared/channels/unsubscribe.ts; an
 * unexpected error is a plain 500 page (shared/handlers/http-errors.ts). Never the token in the
 * log: it is a capability.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { awsUnsubscribeDeps } from '../shared/aws/unsubscribe-deps.js';
import { handleUnsubscribe, type UnsubscribeDeps } from '../shared/channels/unsubscribe.js';
import { httpErrors } from '../shared/handlers/http-errors.js';
import { handlerLogger, lambdaHandler, onColdStart } from '../shared/handlers/lambda-handler.js';

/** No page of ours may be framed (a framed button is a clickjacking target), nor cached. */
export const PAGE_HEADERS = { 'content-security-policy': "frame-ancestors 'none'", 'cache-control': 'no-store' };

export function buildHandler(deps: UnsubscribeDeps & { logger?: Logger }) {
  const logger = handlerLogger('unsubscribe', deps.logger);
  return lambdaHandler(logger, async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const token = event.pathParameters?.token ?? tokenFromPath(event.rawPath);
    const result = await handleUnsubscribe(deps, { method: event.requestContext.http.method, token });
    return {
      statusCode: result.statusCode,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: result.html,
    };
  }).use(
    httpErrors(logger, { headers: PAGE_HEADERS, fallbackMessage: 'Something went wrong; please try the link again.' }),
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

/** Lambda entry point: deps are built once per cold start from the environment. */
export const handler = onColdStart(async () => buildHandler(await awsUnsubscribeDeps(process.env)));
