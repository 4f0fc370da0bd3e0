/**
 * unsubscribe: API Gateway HTTP API (payload v2), `GET|POST /u/{token}` — the link and the
 * one-click target of every marketing email. Decisions in shared/channels/unsubscribe.ts; the
 * page handling in shared/handlers/link-page.ts.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { awsUnsubscribeDeps } from '../shared/aws/unsubscribe-deps.js';
import { handleUnsubscribe, type UnsubscribeDeps } from '../shared/channels/unsubscribe.js';
import { onColdStart } from '../shared/handlers/lambda-handler.js';
import { linkPageHandler } from '../shared/handlers/link-page.js';

export function buildHandler(deps: UnsubscribeDeps & { logger?: Logger }) {
  return linkPageHandler('unsubscribe', deps.logger, (request) => handleUnsubscribe(deps, request));
}

/** Lambda entry point: deps are built once per cold start from the environment. */
export const handler = onColdStart(async () => buildHandler(await awsUnsubscribeDeps(process.env)));
