/**
 * edge-origin-authorizer: the HTTP API's Lambda authorizer when CloudFront is in front of it
 * (context `edgeWebAclArn`). Identity source: the `x-sadakat-edge` header CloudFront adds; a
 * request without it never reaches this function (API Gateway answers 401), and a result is
 * cached per header value for an hour, so CloudFront's traffic costs one invocation an hour.
 * Simple responses (`{ isAuthorized }`), payload version 2.0.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerResult } from 'aws-lambda';
import { edgeOriginSecretFrom } from '../shared/aws/edge-origin-deps.js';
import { EDGE_ORIGIN_HEADER, isEdgeRequest } from '../shared/events/edge-origin.js';
import { handlerLogger, lambdaHandler, onColdStart } from '../shared/handlers/lambda-handler.js';

export interface EdgeOriginAuthorizerDeps {
  /** The secret CloudFront sends in the header. */
  secret: { get(): Promise<string> };
  logger?: Logger;
}

export function buildHandler(deps: EdgeOriginAuthorizerDeps) {
  const logger = handlerLogger('edge-origin-authorizer', deps.logger);
  return lambdaHandler(
    logger,
    async (event: APIGatewayRequestAuthorizerEventV2): Promise<APIGatewaySimpleAuthorizerResult> => {
      const isAuthorized = isEdgeRequest(event.headers?.[EDGE_ORIGIN_HEADER], await deps.secret.get());
      // Never the header's value: it is the secret, or an attacker's guess at it.
      if (!isAuthorized) logger.warn('request without the edge secret refused', { routeKey: event.routeKey });
      return { isAuthorized };
    },
  );
}

export const handler = onColdStart(() => buildHandler({ secret: edgeOriginSecretFrom(process.env) }));
