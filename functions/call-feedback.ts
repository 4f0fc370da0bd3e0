/**
 * call-feedback: Amazon Connect contact events (EventBridge) for sadakat's call tasks. Each event
 * plus the contact's attributes becomes at most one `engagement` message (type `called`, the
 * agent's outcome); the decisions live in shared/channels/call-feedback.ts. An event that is not
 * a Connect contact event is logged and skipped (retrying cannot fix it); any other error fails
 * the invocation, so EventBridge retries it and, in the end, the function's DLQ keeps it.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { EventBridgeEvent } from 'aws-lambda';
import { awsCallFeedbackDeps } from '../shared/aws/call-feedback-deps.js';
import {
  connectContactEventSchema,
  handleContactEvent,
  type CallFeedbackDeps,
} from '../shared/channels/call-feedback.js';
import { handlerLogger, lambdaHandler, onColdStart } from '../shared/handlers/lambda-handler.js';

export interface CallFeedbackHandlerDeps extends CallFeedbackDeps {
  logger?: Logger;
}

export function buildHandler(deps: CallFeedbackHandlerDeps) {
  const logger = handlerLogger('call-feedback', deps.logger);
  return lambdaHandler(logger, async (event: EventBridgeEvent<string, unknown>): Promise<void> => {
    const parsed = connectContactEventSchema.safeParse(event);
    if (!parsed.success) {
      logger.error('not an Amazon Connect contact event; skipped', {
        issue: parsed.error.issues[0]?.path.join('.') ?? 'event',
      });
      return;
    }
    const outcome = await handleContactEvent(deps, parsed.data);
    logger.info('contact event', { eventType: parsed.data.detail.eventType, ...outcome });
  });
}

export const handler = onColdStart(() => buildHandler(awsCallFeedbackDeps(process.env)));
