/**
 * process-events: the events FIFO queue's consumer and the only writer of customer state.
 * Partial batch failures: a failed message is retried with the rest of its customer's group,
 * other customers in the batch are not held back; a message that can never be processed reaches
 * the DLQ with its reason logged (shared/handlers/sqs-fifo-batch.ts).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent } from 'aws-lambda';
import { ARCHIVE_FAILED } from '../shared/archive/ports.js';
import { awsProcessDeps } from '../shared/aws/process-deps.js';
import { customerMessageSchema, type CustomerMessage } from '../shared/events/messages.js';
import { handlerLogger, lambdaHandler, onColdStart } from '../shared/handlers/lambda-handler.js';
import { processFifoBatch } from '../shared/handlers/sqs-fifo-batch.js';
import { BatchProfileCache } from '../shared/profiles/batch-profile-cache.js';
import {
  processCustomerMessage,
  type ProcessDeps,
  type ProcessOutcome,
} from '../shared/profiles/process-customer-message.js';

export interface ProcessEventsDeps extends ProcessDeps {
  logger?: Logger;
  /** Observes each message's outcome (metrics; the local demo's WCU summary). */
  onOutcome?: (outcome: ProcessOutcome & { kind: string; eventName?: string; eventMessageId?: string }) => void;
}

export function buildHandler(deps: ProcessEventsDeps) {
  const logger = handlerLogger('process-events', deps.logger);

  const apply = async (batchDeps: ProcessDeps, message: CustomerMessage): Promise<void> => {
    const outcome = await processCustomerMessage(batchDeps, message);
    deps.onOutcome?.({
      ...outcome,
      kind: message.kind,
      ...(message.kind === 'event'
        ? {
            eventName: message.event.type === 'track' ? (message.event.event ?? 'track') : message.event.type,
            eventMessageId: message.event.messageId,
          }
        : {}),
    });
  };

  return lambdaHandler(logger, async (event: SQSEvent, context) => {
    // One cache per invocation: a customer's messages come together (see BatchProfileCache).
    const batchDeps: ProcessDeps = { ...deps, profiles: new BatchProfileCache(deps.profiles) };
    const response = await processFifoBatch(event, context, { schema: customerMessageSchema, logger }, (record) =>
      apply(batchDeps, record.body),
    );
    // The batch's archive rows in one write per stream; a failed write is logged and counted, never a batch failure.
    const archived = await deps.archive?.flush();
    if (archived?.failed) logger.error(ARCHIVE_FAILED, { rows: archived.failed });
    return response;
  });
}

/** Lambda entry point: deps are built once per cold start from the environment. */
export const handler = onColdStart(async () => buildHandler(await awsProcessDeps(process.env)));
