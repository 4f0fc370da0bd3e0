/**
 * ses-feedback: SES events published by the configuration set to an SNS topic. Each SNS record
 * holds one SES event; the decisions live in shared/channels/ses-feedback.ts. A record that is
 * not an SES event is logged and skipped (retrying cannot fix it); any other error fails the
 * invocation so SNS/Lambda retry it and, in the end, its DLQ keeps it.
 */
import middy from '@middy/core';
import { parseJsonBody } from '../shared/events/parse-json-body.js';
import { Logger } from '@aws-lambda-powertools/logger';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SNSEvent } from 'aws-lambda';
import { handleSesEvent, sesEventSchema, type FeedbackDeps } from '../shared/channels/ses-feedback.js';
import { createDocumentClient } from '../shared/aws/dynamo-client.js';
import { DynamoEngagementMarks } from '../shared/aws/dynamo-engagement-marks.js';
import { DynamoMessageStats } from '../shared/aws/dynamo-message-stats.js';
import { DynamoProfileStore } from '../shared/aws/dynamo-profile-store.js';
import { DynamoSuppressionList } from '../shared/aws/dynamo-suppression.js';
import { requireEnv } from '../shared/aws/require-env.js';
import { SqsEventQueue } from '../shared/aws/sqs-event-queue.js';
import { systemClock, type Clock } from '../shared/ports.js';

export interface FeedbackHandlerDeps extends FeedbackDeps {
  clock: Clock;
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
  if (!coldStartHandler) {
    const tableName = requireEnv(process.env, 'TABLE_NAME');
    const doc = createDocumentClient({});
    coldStartHandler = buildHandler({
      profiles: new DynamoProfileStore(doc, tableName),
      suppression: new DynamoSuppressionList(doc, tableName),
      stats: new DynamoMessageStats(doc, tableName),
      marks: new DynamoEngagementMarks(doc, tableName),
      events: new SqsEventQueue(new SQSClient({}), requireEnv(process.env, 'EVENTS_QUEUE_URL')),
      clock: systemClock,
    });
  }
  return coldStartHandler(event, context);
};
