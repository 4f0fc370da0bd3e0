/**
 * send: the sends FIFO queue's consumer (DESIGN "Send"). Each record is one SendRequest; the
 * decision and every provider call live in shared/channels/decide-send.ts. A record that is not
 * a SendRequest, or a throttled provider call (nothing went out, claim released), is a batch item
 * failure: SQS retries it after the visibility timeout with the rest of the customer's group held
 * back (shared/handlers/sqs-fifo-batch.ts); a poison record reaches the DLQ with its reason logged.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent } from 'aws-lambda';
import { awsSendDeps } from '../shared/aws/send-deps.js';
import { decideSend, type SendDeps } from '../shared/channels/decide-send.js';
import type { SendResult } from '../shared/channels/send-outcome.js';
import { sendRequestSchema, type SendRequest } from '../shared/channels/send-request.js';
import { handlerLogger, lambdaHandler, onColdStart } from '../shared/handlers/lambda-handler.js';
import { processFifoBatch } from '../shared/handlers/sqs-fifo-batch.js';

export interface SendHandlerDeps extends SendDeps {
  logger?: Logger;
  /** Observes each decision (the local demo's tallies, tests). */
  onResult?: (request: SendRequest, result: SendResult) => void;
}

/** The provider throttled; the record is retried through the queue. */
export class SendThrottledError extends Error {
  override readonly name = 'SendThrottledError';
}

export function buildHandler(deps: SendHandlerDeps) {
  const logger = handlerLogger('send', deps.logger);

  const send = async (request: SendRequest): Promise<void> => {
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
      const why = result.cause === 'rate_limited' ? 'journey at its messagesPerSecond' : 'provider throttled';
      logger.warn(`${why}; will retry`, fields);
      throw new SendThrottledError(`message ${request.messageId}: ${result.detail}`);
    }
    logger.info('send decided', { ...fields, reason: result.reason });
  };

  return lambdaHandler(logger, (event: SQSEvent, context) =>
    processFifoBatch(event, context, { schema: sendRequestSchema, logger }, (record) => send(record.body)),
  );
}

/** Lambda entry point: deps are built once per cold start from the environment. */
export const handler = onColdStart(async () => buildHandler(await awsSendDeps(process.env)));
