/**
 * ses-feedback: SES events published by the configuration set to an SNS topic. Each SNS record
 * holds one SES event; the decisions live in shared/channels/ses-feedback.ts. A record that is
 * not an SES event is logged and skipped (retrying cannot fix it); any other error fails the
 * invocation so SNS/Lambda retry it and, in the end, its DLQ keeps it.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SNSEvent } from 'aws-lambda';
import { awsFeedbackDeps } from '../shared/aws/ses-feedback-deps.js';
import { handleSesEvent, sesEventSchema } from '../shared/channels/ses-feedback.js';
import { parseJsonBody } from '../shared/events/parse-json-body.js';
import { handlerLogger, lambdaHandler, onColdStart } from '../shared/handlers/lambda-handler.js';
import type { SesFeedbackDeps } from '../shared/wiring/compose.js';

export interface FeedbackHandlerDeps extends SesFeedbackDeps {
  logger?: Logger;
}

export function buildHandler(deps: FeedbackHandlerDeps) {
  const logger = handlerLogger('ses-feedback', deps.logger);
  return lambdaHandler(logger, async (event: SNSEvent): Promise<void> => {
    for (const record of event.Records) {
      const parsed = parseJsonBody(sesEventSchema, record.Sns.Message);
      if (!parsed.ok) {
        logger.error('not an SES event; skipped', { snsMessageId: record.Sns.MessageId, issue: parsed.problem });
        continue;
      }
      const outcome = await handleSesEvent(deps, parsed.value, deps.clock.now());
      logger.info('ses event', { snsMessageId: record.Sns.MessageId, ...outcome });
    }
  });
}

export const handler = onColdStart(() => buildHandler(awsFeedbackDeps(process.env)));
