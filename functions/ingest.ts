/**
 * ingest: API Gateway HTTP API (payload v2) → the Segment Tracking API core in
 * shared/events/ingest.ts. Maps the request in and the result out; decides nothing itself.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { handleIngestRequest, type IngestDeps } from '../shared/events/ingest.js';
import { awsIngestDeps } from '../shared/aws/ingest-deps.js';

export interface IngestHandlerDeps extends Omit<IngestDeps, 'log'> {
  logger?: Logger;
}

export function buildHandler(deps: IngestHandlerDeps) {
  const logger = deps.logger ?? new Logger({ serviceName: 'ingest' });
  const core: IngestDeps = { ...deps, log: logger };

  return middy(async (event: APIGatewayProxyEventV2, _context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    try {
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
    } catch (error) {
      // Never a stack trace to the client; the operator finds the cause in the log.
      logger.error('ingest failed', { error: error instanceof Error ? error.message : String(error) });
      return json(500, { error: 'internal error; retry the request' });
    }
  }).use(injectLambdaContext(logger));
}

/** Named stages put the stage in front of the path (`/prod/v1/batch`); `$default` does not. */
function withoutStage(path: string, stage: string): string {
  return stage !== '$default' && path.startsWith(`/${stage}/`) ? path.slice(stage.length + 1) : path;
}

function json(statusCode: number, body: object): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

let coldStartHandler: ReturnType<typeof buildHandler> | undefined;

/** Lambda entry point: deps are built once per cold start from the environment. */
export const handler = async (
  event: APIGatewayProxyEventV2,
  context: Context,
): Promise<APIGatewayProxyStructuredResultV2> => {
  coldStartHandler ??= buildHandler(await awsIngestDeps(process.env));
  return coldStartHandler(event, context);
};
