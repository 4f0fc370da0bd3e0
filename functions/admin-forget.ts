/**
 * admin-forget: `POST` to a Lambda function URL with AWS_IAM auth (SigV4-signed by an operator
 * role; infra/constructs/admin-forget-api.ts), body `{ "customerId": "…", "dryRun"?, "suppress"? }`.
 * Erases the customer (shared/privacy/forget-customer.ts) and answers with what was removed.
 * A customer with nothing stored is a 200 with `found: false`, so a retried request is harmless.
 * Bad input answers 4xx naming the field; a failure part-way a 500 (shared/handlers/http-errors.ts).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyStructuredResultV2, LambdaFunctionURLEventWithIAMAuthorizer } from 'aws-lambda';
import { awsForgetDeps } from '../shared/aws/admin-forget-deps.js';
import { parseJsonBody } from '../shared/events/parse-json-body.js';
import { badRequest, httpErrors } from '../shared/handlers/http-errors.js';
import { handlerLogger, lambdaHandler, onColdStart } from '../shared/handlers/lambda-handler.js';
import { customerHash } from '../shared/privacy/erasure-hashes.js';
import { erasureRequestSchema, forgetRequestOf } from '../shared/privacy/erasure-request.js';
import { forgetCustomer, type ForgetDeps } from '../shared/privacy/forget-customer.js';

const FAILED = 'erasure failed part-way; send the same request again (each step is idempotent)';

export function buildHandler(deps: ForgetDeps & { logger?: Logger }) {
  const logger = handlerLogger('admin-forget', deps.logger);
  return lambdaHandler(
    logger,
    async (event: LambdaFunctionURLEventWithIAMAuthorizer): Promise<APIGatewayProxyStructuredResultV2> => {
      if (event.requestContext.http.method !== 'POST') throw badRequest(405, 'method: only POST');
      const body = event.isBase64Encoded
        ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
        : (event.body ?? '');
      const parsed = parseJsonBody(erasureRequestSchema, body);
      if (!parsed.ok) throw badRequest(400, parsed.problem);
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
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(report) };
    },
  ).use(
    httpErrors(logger, {
      headers: { 'cache-control': 'no-store' },
      fallbackMessage: JSON.stringify({ error: FAILED }),
    }),
  );
}

/** Lambda entry point: deps are built once per cold start from the environment. */
export const handler = onColdStart(() => buildHandler(awsForgetDeps(process.env)));
