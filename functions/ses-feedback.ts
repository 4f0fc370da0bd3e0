/**
 * ses-feedback: SES events published by the configuration set to an SNS topic. Each SNS record
 * holds one SES event; the decisions live in shared/channels/ses-feedback.ts. A record that is
 * not an SES event is logged and skipped (retrying cannot fix it); any other error fails the
 * invocation so SNS/Lambda retry it and, in the end, its DLQ keeps it.
 */
import middy from '@middy/core';
import { parseJsonBody } from '../shared/events/parse-json-body.js';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SNSEvent } from 'aws-lambda';
import { handleSesEvent, sesEventSchema } from '../shared/channels/ses-feedback.js';
import { awsFeedbackDeps } from '../shared/aws/ses-feedback-deps.js';
import type { SesFeedbackDeps } from '../shared/wiring/compose.js';

export interface FeedbackHandlerDeps extends SesFeedbackDeps {
  logger?: Logger;
}

export function buildHandler(deps: FeedbackHandlerDeps) {
  const logger = deps.logger ?? new Logger({ serviceName: 'ses-feedback' });
  return middy(async (event: SNSEvent, _context: Context): Promise<void> => {
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

let coldStartHandler: ReturnType<typeof buildHandler> | undefined;

export const handler = async (event: SNSEvent, context: Context): Promise<void> => {
  coldStartHandler ??= buildHandler(awsFeedbackDeps(process.env));
  return coldStartHandler(event, context);
};
