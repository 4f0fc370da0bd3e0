/**
 * whatsapp-events: the WhatsApp Business Account's event destination (AWS End User Messaging
 * Social → SNS). Each SNS record holds one Meta webhook entry in an AWS header; inbound messages
 * of known numbers go to process-events as `whatsapp_inbound` (shared/channels/whatsapp/). An
 * unreadable record is counted and skipped (retrying cannot fix it); any other error fails the
 * invocation so SNS/Lambda retry it and, in the end, its DLQ keeps it. Nothing a customer wrote is logged.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SNSEvent } from 'aws-lambda';
import { awsWhatsAppEventsDeps } from '../shared/aws/whatsapp-events-deps.js';
import { handleWhatsAppEvents, type WhatsAppEventsDeps } from '../shared/channels/whatsapp/events.js';
import { readWhatsAppEvent } from '../shared/channels/whatsapp/inbound.js';
import { handlerLogger, lambdaHandler, onColdStart } from '../shared/handlers/lambda-handler.js';

export interface WhatsAppEventsHandlerDeps extends WhatsAppEventsDeps {
  logger?: Logger;
}

export function buildHandler(deps: WhatsAppEventsHandlerDeps) {
  const logger = handlerLogger('whatsapp-events', deps.logger);
  return lambdaHandler(logger, async (event: SNSEvent): Promise<void> => {
    for (const record of event.Records) {
      const read = readWhatsAppEvent(record.Sns.Message);
      const outcome = await handleWhatsAppEvents(deps, read);
      logger.info('whatsapp event', { snsMessageId: record.Sns.MessageId, ...outcome });
    }
  });
}

export const handler = onColdStart(() => buildHandler(awsWhatsAppEventsDeps(process.env)));
