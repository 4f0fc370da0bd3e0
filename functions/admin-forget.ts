/**
 * admin-forget: `POST` to a Lambda function URL with AWS_IAM auth (SigV4-signed by an operator
 * role; infra/constructs/admin-forget-api.ts), body `{ "customerId": "…", "dryRun"?, "suppress"? }`.
 * Erases the customer (shared/privacy/forget-customer.ts) and answers with what was removed.
 * A customer with nothing stored is a 200 with `found: false`, so a retried request is harmless.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyStructuredResultV2, Context, LambdaFunctionURLEventWithIAMAuthorizer } from 'aws-lambda';
import { awsForgetDeps } from '../shared/aws/admin-forget-deps.js';
import { parseJsonBody } from '../shared/events/parse-json-body.js';
import { customerHash } from '../shared/privacy/erasure-hashes.js';
import { erasureRequestSchema, forgetRequestOf } from '../shared/privacy/erasure-request.js';
import { forgetCustomer, type ForgetDeps } from '../shared/privacy/forget-customer.js';

type Result = APIGatewayProxyStructuredResultV2;

const json = (statusCode: number, body: unknown): Result => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

export function buildHandler(deps: ForgetDeps & { logger?: Logger }) {
  const logger = deps.logger ?? new Logger({ serviceName: 'admin-forget' });
  return middy(async (event: LambdaFunctionURLEventWithIAMAuthorizer, _context: Context): Promise<Result> => {
    if (event.requestContext.http.method !== 'POST') return json(405, { error: 'method: only POST' });
    const body = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
    const parsed = parseJsonBody(erasureRequestSchema, body);
    if (!parsed.ok) return json(400, { error: parsed.problem });
    try {
      const report = await forgetCustomer(deps, forgetRequestOf(parsed.value));
      // Audit line: who asked, and what went; the customer only as a hash (the tombstone's key).
      logger.info('erasure', {
        caller: event.requestContext.authorizer?.iam?.userArn ?? 'unknown',
        customerHash: customerHash(await deps.pepper.get(), report.customerId),
        dryRun: report.dryRun,
        found: report.found,
        removed: report.removed,
        kept: report.kept,
        remaining: report.remaining,
      });
      return json(200, report);
    } catch (error) {
      logger.error('erasure failed', { error: error instanceof Error ? error.name : 'unknown' });
      return json(500, { error: 'erasure failed part-way; send the same request again (each step is idempotent)' });
    }
  });
}

let coldStartHandler: ReturnType<typeof buildHandler> | undefined;

export const handler = async (event: LambdaFunctionURLEventWithIAMAuthorizer, context: Context): Promise<Result> => {
  coldStartHandler ??= buildHandler(await awsForgetDeps(process.env));
  return coldStartHandler(event, context);
};
