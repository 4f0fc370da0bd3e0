/** admin-forget: the function URL handler — body validation, the report, the audit log line. */
import { Logger } from '@aws-lambda-powertools/logger';
import type { LambdaFunctionURLEventWithIAMAuthorizer } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { buildHandler } from '../../functions/admin-forget.js';
import { apiGatewayEvent, structuredResult } from '../../shared/local/api-gateway-event.js';
import { localLambdaContext } from '../../shared/local/lambda-context.js';
import { emptyProfile } from '../../shared/profiles/schema.js';
import { customerHash } from '../../shared/privacy/erasure-hashes.js';
import { InMemorySuppressionList } from '../fakes/in-memory-channels.js';
import { InMemoryCustomerErasure } from '../fakes/in-memory-erasure.js';
import { InMemoryIdentityMap, InMemoryOrderLedger, InMemoryProfileStore } from '../fakes/in-memory-ports.js';
import { TEST_PEPPER } from '../fakes/test-pepper.js';

const OPERATOR = 'arn:aws:sts::123456789012:assumed-role/privacy-officer/ayse';

function request(body: string, method = 'POST'): LambdaFunctionURLEventWithIAMAuthorizer {
  const event = apiGatewayEvent({
    method,
    path: '/',
    headers: { 'content-type': 'application/json' },
    body,
    at: new Date('2026-11-02T12:00:00Z'),
  });
  return {
    ...event,
    requestContext: { ...event.requestContext, authorizer: { iam: { userArn: OPERATOR } } },
  } as LambdaFunctionURLEventWithIAMAuthorizer;
}

describe('admin-forget', () => {
  let profiles: InMemoryProfileStore;
  let orders: InMemoryOrderLedger;
  let logs: { message: string; attributes: Record<string, unknown> }[];
  let handler: ReturnType<typeof buildHandler>;

  beforeEach(async () => {
    profiles = new InMemoryProfileStore();
    orders = new InMemoryOrderLedger();
    const identity = new InMemoryIdentityMap();
    logs = [];
    const record = (...[message, attributes]: unknown[]): void => {
      logs.push({ message: String(message), attributes: (attributes ?? {}) as Record<string, unknown> });
    };
    const logger = new Logger({ serviceName: 'admin-forget', logLevel: 'SILENT' });
    vi.spyOn(logger, 'info').mockImplementation(record);
    vi.spyOn(logger, 'error').mockImplementation(record);
    handler = buildHandler({
      profiles,
      identity,
      erasure: new InMemoryCustomerErasure({ profiles, orders, identity }),
      suppression: new InMemorySuppressionList(),
      pepper: TEST_PEPPER,
      clock: { now: () => new Date('2026-11-02T12:00:00Z') },
      logger,
    });
    await profiles.putProfile(
      { ...emptyProfile('cust-42', '2026-11-01T00:00:00Z'), channels: { email: 'cust42@example.com', push: [] } },
      undefined,
    );
    await orders.claimOrder({
      customerId: 'cust-42',
      orderId: 'o1',
      at: '2026-11-01T00:00:00Z',
      amount: 10,
      products: [],
      messageId: 'm1',
      status: 'applied',
    });
  });

  const call = async (event: LambdaFunctionURLEventWithIAMAuthorizer) => {
    const result = structuredResult(await handler(event, localLambdaContext('admin-forget')));
    return { statusCode: result.statusCode, body: JSON.parse(String(result.body)) as Record<string, unknown> };
  };

  it('erases the customer and answers with what was removed', async () => {
    // Act
    const response = await call(request(JSON.stringify({ customerId: 'cust-42' })));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({
      found: true,
      dryRun: false,
      removed: { profile: 1, orders: 1 },
      kept: { orderTombstones: 1 },
    });
    expect(await profiles.getProfile('cust-42')).toBeUndefined();
  });

  it('answers 400 naming customerId when it is missing', async () => {
    // Act
    const response = await call(request(JSON.stringify({ dryRun: true })));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body.error).toMatch(/^customerId: /);
    expect(await profiles.getProfile('cust-42')).toBeDefined();
  });

  it('answers 400 naming customerId when it is blank', async () => {
    // Act
    const response = await call(request(JSON.stringify({ customerId: '   ' })));

    // Assess
    expect(response).toEqual({ statusCode: 400, body: { error: 'customerId: must not be empty' } });
  });

  it('answers 400 naming an unknown key, so a misspelt dryRun never erases', async () => {
    // Act
    const response = await call(request(JSON.stringify({ customerId: 'cust-42', dryrun: true })));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body.error).toContain('dryrun');
    expect(await profiles.getProfile('cust-42')).toBeDefined();
  });

  it('answers 400 when the body is not JSON', async () => {
    // Act
    const response = await call(request('customerId=cust-42'));

    // Assess
    expect(response).toEqual({ statusCode: 400, body: { error: 'body: not JSON' } });
  });

  it('answers 405 to anything but POST', async () => {
    // Act
    const response = await call(request('', 'GET'));

    // Assess
    expect(response.statusCode).toBe(405);
  });

  it('reads a base64-encoded body, as function URLs send non-text content types', async () => {
    // Prepare
    const event = {
      ...request(''),
      body: Buffer.from(JSON.stringify({ customerId: 'cust-42', dryRun: true })).toString('base64'),
      isBase64Encoded: true,
    };

    // Act
    const response = await call(event);

    // Assess
    expect(response.body).toMatchObject({ dryRun: true, removed: { profile: 1 } });
  });

  it('answers 200 with found: false for a customer with nothing stored, so a retry is harmless', async () => {
    // Act
    const response = await call(request(JSON.stringify({ customerId: 'nobody' })));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body.found).toBe(false);
  });

  it('logs who asked and the customer hash, never the customer id or email', async () => {
    // Act
    await call(request(JSON.stringify({ customerId: 'cust-42' })));

    // Assess
    const audit = logs.filter((line) => line.message === 'erasure');
    expect(audit).toHaveLength(1);
    expect(audit[0]?.attributes).toMatchObject({
      caller: OPERATOR,
      customerHash: customerHash(TEST_PEPPER, 'cust-42'),
      removed: { profile: 1 },
    });
    expect(JSON.stringify(logs)).not.toMatch(/cust-42|cust42@example\.com/);
  });

  it('answers 500 with the retry advice when erasure fails part-way, and logs the error class only', async () => {
    // Prepare: a storage error whose message names the customer.
    vi.spyOn(profiles, 'getProfile').mockRejectedValue(new TypeError('profile cust-42 unreadable'));

    // Act
    const result = structuredResult(
      await handler(request(JSON.stringify({ customerId: 'cust-42' })), localLambdaContext('admin-forget')),
    );

    // Assess
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(String(result.body))).toEqual({
      error: 'erasure failed part-way; send the same request again (each step is idempotent)',
    });
    expect(result.headers).toMatchObject({ 'content-type': 'application/json', 'cache-control': 'no-store' });
    expect(logs.find((line) => line.message === 'request failed')?.attributes).toEqual({ error: 'TypeError' });
    expect(JSON.stringify(logs)).not.toContain('cust-42');
    expect(String(result.body)).not.toContain('TypeError');
  });

  it('answers 400 with JSON and no-store, as every answer of the function', async () => {
    // Act
    const result = structuredResult(
      await handler(request(JSON.stringify({ dryRun: true })), localLambdaContext('admin-forget')),
    );

    // Assess
    expect(result.headers).toMatchObject({ 'content-type': 'application/json', 'cache-control': 'no-store' });
    expect(logs.find((line) => line.message === 'answered')?.attributes).toEqual({ method: 'POST', statusCode: 400 });
  });
});
