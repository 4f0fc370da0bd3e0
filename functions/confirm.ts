/**
 * confirm: API Gateway HTTP API (payload v2), `GET|POST /c/{token}` — the double opt-in link of
 * the confirmation email (DESIGN "Trust"), a sibling of unsubscribe: GET shows a button and
 * never confirms (link scanners), POST confirms. Decisions in
 * shared/channels/confirm/confirm-page.ts; the page handling in shared/handlers/link-page.ts.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { awsConfirmDeps } from '../shared/aws/confirm-deps.js';
import { handleConfirm, type ConfirmDeps } from '../shared/channels/confirm/confirm-page.js';
import { onColdStart } from '../shared/handlers/lambda-handler.js';
import { linkPageHandler } from '../shared/handlers/link-page.js';

export function buildHandler(deps: ConfirmDeps & { logger?: Logger }) {
  return linkPageHandler('confirm', deps.logger, (request) => handleConfirm(deps, request));
}

/** Lambda entry point: deps are built once per cold start from the environment. */
export const handler = onColdStart(async () => buildHandler(await awsConfirmDeps(process.env)));
