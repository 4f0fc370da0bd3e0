/**
 * confirm: API Gateway HTTP API (payload v2), `GET|POST /c/{token}` — the double opt-in link of
 * the confirmation email (DESIGN "Trust"), a sibling of unsubscribe: GET shows a button and
 * never confirms (link scanners), POST confirms. Decisions in
 * shared/channels/confirm/confirm-page.ts; an unexpected error is a plain 500 page. Never the
 * token in the log: it is a capability.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { awsConfirmDeps } from '../shared/aws/confirm-deps.js';
import { handleConfirm, type ConfirmDeps } from '../shared/channels/confirm/confirm-page.js';
import { httpErrors } from '../shared/handlers/http-errors.js';
import { handlerLogger, lambdaHandler, onColdStart } from '../shared/handlers/lambda-handler.js';
import { PAGE_HEADERS, tokenFromPath } from './unsubscribe.js';

export function buildHandler(deps: ConfirmDeps & { logger?: Logger }) {
  const logger = handlerLogger('confirm', deps.logger);
  return lambdaHandler(logger, async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const token = event.pathParameters?.token ?? tokenFromPath(event.rawPath);
    const result = await handleConfirm(deps, { method: event.requestContext.http.method, token });
    return {
      statusCode: result.statusCode,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: result.html,
    };
  }).use(
    httpErrors(logger, { headers: PAGE_HEADERS, fallbackMessage: 'Something went wrong; please try the link again.' }),
  );
}

/** Lambda entry point: deps are built once per cold start from the environment. */
export const handler = onColdStart(async () => buildHandler(await awsConfirmDeps(process.env)));
