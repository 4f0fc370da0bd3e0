import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { buildHandler } from '../../functions/ingest.js';
import { apiGatewayEvent } from '../../shared/local/api-gateway-event.js';
import { localLambdaContext } from '../../shared/local/lambda-context.js';
import { basicAuth, fakeDeps, NOW, track, WRITE_KEY } from '../unit/ingest/in-memory-ports.js';

const silent = () => new Logger({ serviceName: 'ingest-test', logLevel: 'SILENT' });

function request(path: string, body: string, overrides: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 {
  return {
    ...apiGatewayEvent({ method: 'POST', path, headers: { authorization: basicAuth(WRITE_KEY) }, body, at: NOW }),
    ...overrides,
  };
}

async function invoke(event: APIGatewayProxyEventV2, deps = fakeDeps().deps) {
  const handler = buildHandler({ ...deps, logger: silent() });
  const result = await handler(event, localLambdaContext('ingest'));
  return { ...result, json: JSON.parse(String(result.body)) as unknown };
}

describe('ingest handler', () => {
  it('answers an HTTP API v2 request with a JSON result', async () => {
    // Act
    const result = await invoke(request('/v1/batch', JSON.stringify({ batch: [track()] })));

    // Assess
    expect(result.statusCode).toBe(200);
    expect(result.headers).toEqual({ 'content-type': 'application/json' });
    expect(result.json).toEqual({ accepted: 1, rejected: [] });
  });

  it('decodes a body API Gateway marked as base64', async () => {
    // Prepare
    const body = Buffer.from(JSON.stringify({ batch: [track()] })).toString('base64');

    // Act
    const result = await invoke(request('/v1/batch', body, { isBase64Encoded: true }));

    // Assess
    expect(result.json).toEqual({ accepted: 1, rejected: [] });
  });

  it('routes paths under a named stage', async () => {
    // Prepare
    const event = request('/prod/v1/track', JSON.stringify(track()));
    event.requestContext.stage = 'prod';

    // Act
    const result = await invoke(event);

    // Assess
    expect(result.statusCode).toBe(200);
  });

  it('answers 401 through the handler without a write key', async () => {
    // Prepare
    const event = request('/v1/track', JSON.stringify(track()), { headers: { 'content-type': 'application/json' } });

    // Act
    const result = await invoke(event);

    // Assess
    expect(result.statusCode).toBe(401);
  });

  it('answers 500 without internals when something unexpected throws', async () => {
    // Prepare
    const { deps } = fakeDeps();
    const exploded = () => Promise.reject(new Error('secret store exploded at /var/task/x.js:1'));
    deps.writeKeys = { verify: exploded, browserOrigins: exploded };

    // Act
    const result = await invoke(request('/v1/track', JSON.stringify(track())), deps);

    // Assess
    expect(result.statusCode).toBe(500);
    expect(result.json).toEqual({ error: 'internal error; retry the request' });
  });
});
