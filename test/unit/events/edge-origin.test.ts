/**
 * The edge's proof of origin (shared/events/edge-origin.ts) and the authorizer that checks it:
 * only requests carrying CloudFront's secret header reach the API's functions (decision 111).
 */
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { buildHandler } from '../../../functions/edge-origin-authorizer.js';
import { EDGE_ORIGIN_HEADER, isEdgeRequest } from '../../../shared/events/edge-origin.js';
import { localLambdaContext } from '../../../shared/local/lambda-context.js';

const SECRET = 'edge-secret-0123456789abcdefghijklmnop';

function authorizerEvent(headers: Record<string, string>): APIGatewayRequestAuthorizerEventV2 {
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: 'arn:aws:execute-api:eu-central-1:123456789012:api/$default/POST/v1/batch',
    identitySource: Object.values(headers),
    routeKey: 'POST /v1/batch',
    rawPath: '/v1/batch',
    rawQueryString: '',
    cookies: [],
    headers,
    queryStringParameters: {},
    requestContext: {} as APIGatewayRequestAuthorizerEventV2['requestContext'],
    pathParameters: {},
    stageVariables: {},
  };
}

describe('isEdgeRequest', () => {
  it('accepts the secret and nothing else', () => {
    // Assess
    expect(isEdgeRequest(SECRET, SECRET)).toBe(true);
    for (const presented of [undefined, '', SECRET.slice(0, -1), `${SECRET}x`, SECRET.toUpperCase(), ' '])
      expect(isEdgeRequest(presented, SECRET), String(presented)).toBe(false);
  });

  it('accepts nothing when the secret is empty', () => {
    // Assess
    expect(isEdgeRequest('', '')).toBe(false);
  });
});

describe('edge-origin-authorizer', () => {
  const handler = buildHandler({ secret: { get: async () => SECRET } });

  it('authorizes a request that came through CloudFront', async () => {
    // Act
    const answer = await handler(
      authorizerEvent({ [EDGE_ORIGIN_HEADER]: SECRET }),
      localLambdaContext('edge-origin-authorizer'),
    );

    // Assess
    expect(answer).toEqual({ isAuthorized: true });
  });

  it('refuses a request sent to the API directly, with a guessed header or none', async () => {
    // Act
    const guessed = await handler(
      authorizerEvent({ [EDGE_ORIGIN_HEADER]: 'guess' }),
      localLambdaContext('edge-origin-authorizer'),
    );
    const none = await handler(authorizerEvent({}), localLambdaContext('edge-origin-authorizer'));

    // Assess
    expect(guessed).toEqual({ isAuthorized: false });
    expect(none).toEqual({ isAuthorized: false });
  });
});
