/**
 * send: the sends FIFO queue's consumer (DESIGN "Send"). Each record is one SendRequest; the
 * decision and every provider call live in shared/channels/decide-send.ts. A throttled provider
 * call (nothing went out, claim released) is reported as a batch item failure, so SQS retries it
 * after the visibility timeout with the rest of the customer's group held back (skipGroupOnError).
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { SqsFifoPartialProcessorAsync, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { decideSend, type SendDeps } from '../shared/channels/decide-send.js';
import type { SendResult } from '../shared/channels/send-outcome.js';
import { sendRequestSchema, type SendRequest } from '../shared/channels/send-request.js';
import { parseJsonBody } from '../shared/events/parse-json-body.js';
import { awsSendDeps } from '../shared/aws/send-deps.js';

export interface SendHandlerDeps extends SendDeps {
  logger?: Logger;
  /** Observes each decision (the local demo's tallies, tests). */
  onResult?: (request: SendRequest, result: SendResult) => void;
}

/** A record that is not a SendRequest: it can never be sent, and reaches the DLQ after maxReceiveCount. */
export class PoisonSendError extends Error {
  override readonly name = 'PoisonSendError';
}

/** The provider throttled; the record is retried through the queue. */
export class SendThrottledError extends Error {
  override readonly name = 'SendThrottledError';
}

export function buildHandler(deps: SendHandlerDeps) {
  const logger = deps.logger ?? new Logger({ serviceName: 'send' });

  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const parsed = parseJsonBody(sendRequestSchema, record.body);
    if (!parsed.ok) throw new PoisonSendError(`record ${record.messageId}: ${parsed.problem}`);
    const request = parsed.value;
    const result = await decideSend(deps, request);
    deps.onResult?.(request, result);
    // Ids only: never an address or a rendered message in the log.
    const fields = {
      messageId: request.messageId,
      journeyId: request.journeyId,
      stepId: request.stepId,
      channel: result.channel,
      detail: result.detail,
    };
    if (result.kind === 'retry') {
      logger.warn(
        result.cause === 'rate_limited'
          ? 'journey at its messagesPerSecond; will retry'
          : 'provider throttled; will retry',
        fields,
      );
      throw new SendThrottledError(`message ${request.messageId}: ${result.detail}`);
    }
    logger.info('send decided', { ...fields, reason: result.reason });
  };

  return middy(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const processor = new SqsFifoPartialProcessorAsync();
    return processPartialResponse(event, recordHandler, processor, { context, skipGroupOnError: true });
  });
}

let coldStartHandler: ReturnType<typeof buildHandler> | undefined;

/** Lambda entry point: deps are built once per cold start from the environment. */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  coldStartHandler ??= buildHandler(await awsSendDeps(process.env));
  return coldStartHandler(event, context);
};
