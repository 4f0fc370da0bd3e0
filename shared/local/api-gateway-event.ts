/**
 * Builds API Gateway HTTP API (payload v2) events for the local runtime, so `serve` and the demo
 * call the real ingest handler exactly as Lambda would.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export interface LocalHttpRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The body is base64 of binary content (a content-coded body), as API Gateway passes it. */
  isBase64Encoded?: boolean;
  sourceIp?: string;
  at: Date;
}

export function apiGatewayEvent(request: LocalHttpRequest): APIGatewayProxyEventV2 {
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return {
    version: '2.0',
    routeKey: `${request.method} ${request.path}`,
    rawPath: request.path,
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: request.method,
        path: request.path,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: `${request.method} ${request.path}`,
      stage: '$default',
      time: request.at.toUTCString(),
      timeEpoch: request.at.getTime(),
    },
    body: request.body,
    isBase64Encoded: request.isBase64Encoded ?? false,
  };
}

/** Normalizes a handler result (a string result means 200 with that body, as Lambda does). */
export function structuredResult(result: APIGatewayProxyResultV2): APIGatewayProxyStructuredResultV2 {
  return typeof result === 'string' ? { statusCode: 200, body: result } : result;
}
