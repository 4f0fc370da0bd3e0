/**
 * ingest: API Gateway HTTP API (payload v2) → the Segment Tracking API core in
 * shared/events/ingest.ts. Maps the request in and the result out; decides nothing itself.
 * An unexpected error is a 500 without internals (shared/handlers/http-errors.ts).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { awsIngestDeps } from '../shared/aws/ingest-deps.js';
import { handleIngestRequest, type IngestDeps } from '../shared/events/ingest.js';
import { httpErrors } from '../shared/handlers/http-errors.js';
import { handlerLogger, lambdaHandler, onColdStart } from '../shared/handlers/lambda-handler.js';

export interface IngestHandlerDeps extends Omit<IngestDeps, 'log'> {
  logger?: Logger;
}

export function buildHandler(deps: IngestHandlerDeps) {
  const logger = handlerLogger('ingest', deps.logger);
  const core: IngestDeps = { ...deps, log: logger };
  return lambdaHandler(logger, async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const result = await handleIngestRequest(core, {
      method: event.requestContext.http.method,
      path: withoutStage(event.rawPath, event.requestContext.stage),
      headers: event.headers ?? {},
      body: event.body ?? '',
      isBase64Encoded: event.isBase64Encoded,
    });
    return {
      statusCode: result.statusCode,
      headers: { ...(result.body === undefined ? {} : { 'content-type': 'application/json' }), ...result.headers },
      ...(result.body === undefined ? {} : { body: JSON.stringify(result.body) }),
    };
  }).use(
    httpErrors(logger, {
      headers: {},
      fallbackMessage: JSON.stringify({ error: 'internal error; retry the request' }),
    }),
  );
}

/** Named stages put the stage in front of the path (`/prod/v1/batch`); `$default` does not. */
function withoutStage(path: string, stage: string): string {
  return stage !== '$default' && path.startsWith(`/${stage}/`) ? path.slice(stage.length + 1) : path;
}

/** Lambda entry point: deps are built once per cold start from the environment. */
export const handler = onColdStart(async () => buildHandler(await awsIngestDeps(process.env)));
