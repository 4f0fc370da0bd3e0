/**
 * process-events: the events FIFO queue's consumer and the only writer of customer state.
 * Partial batch failures: a failed message is retried with the rest of its customer's group
 * (skipGroupOnError), other customers in the batch are not held back.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { SqsFifoPartialProcessorAsync, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { customerMessageSchema } from '../shared/events/messages.js';
import { parseJsonBody } from '../shared/events/parse-json-body.js';
import {
  processCustomerMessage,
  type ProcessDeps,
  type ProcessOutcome,
} from '../shared/profiles/process-customer-message.js';
import { awsProcessDeps } from '../shared/aws/process-deps.js';
import { BatchProfileCache } from '../shared/profiles/batch-profile-cache.js';

export interface ProcessEventsDeps extends ProcessDeps {
  logger?: Logger;
  /** Observes each message's outcome (metrics; the local demo's WCU summary). */
  onOutcome?: (outcome: ProcessOutcome & { kind: string; eventName?: string; eventMessageId?: string }) => void;
}

/** A message that can never be processed; it reaches the DLQ after maxReceiveCount with this reason. */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
}

export function buildHandler(deps: ProcessEventsDeps) {
  const logger = deps.logger ?? new Logger({ serviceName: 'process-events' });

  const handleRecord = async (batchDeps: ProcessDeps, record: SQSRecord): Promise<void> => {
    const parsed = parseJsonBody(customerMessageSchema, record.body);
    if (!parsed.ok) throw new PoisonMessageError(`message ${record.messageId}: ${parsed.problem}`);
    const message = parsed.value;
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

  /**
   * Why a record failed, for the operator reading the DLQ: its SQS message id, receive count and
   * the error's class — a poison message's parse problem too, which names a field, never a value.
   * Other errors can carry customer ids, so only their name is logged.
   */
  const logFailure = async (record: SQSRecord, handle: () => Promise<void>): Promise<void> => {
    try {
      await handle();
    } catch (error) {
      logger.warn('message failed', {
        sqsMessageId: record.messageId,
        receiveCount: record.attributes.ApproximateReceiveCount,
        error: error instanceof Error ? error.name : 'unknown',
        ...(error instanceof PoisonMessageError ? { reason: error.message } : {}),
      });
      throw error;
    }
  };

  return middy(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const processor = new SqsFifoPartialProcessorAsync();
    // One cache per invocation: a customer's messages come together (see BatchProfileCache).
    const batchDeps: ProcessDeps = { ...deps, profiles: new BatchProfileCache(deps.profiles) };
    const response = await processPartialResponse(
      event,
      (record: SQSRecord) => logFailure(record, () => handleRecord(batchDeps, record)),
      processor,
      {
        context,
        skipGroupOnError: true,
      },
    );
    if (response.batchItemFailures.length > 0) {
      logger.warn('messages will be retried', { failed: response.batchItemFailures.length, of: event.Records.length });
    }
    return response;
  });
}

let coldStartHandler: ReturnType<typeof buildHandler> | undefined;

/** Lambda entry point: deps are built once per cold start from the environment. */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  coldStartHandler ??= buildHandler(await awsProcessDeps(process.env));
  return coldStartHandler(event, context);
};
