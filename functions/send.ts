/**
 * send: the sends FIFO queue's consumer (DESIGN "Send"). Each record is one SendRequest; the
 * decision and every provider call live in shared/channels/decide-send.ts. Every decision ends
 * the record's delivery: a throttled or over-rate send is deferred through the `due` index (and
 * released by release-deferred), never thrown back to the queue — a retry through the queue
 * would use up receives towards the DLQ and hold the rest of the customer's group back. Only a
 * record that is not a SendRequest, or an infrastructure error, is a batch item failure
 * (shared/handlers/sqs-fifo-batch.ts); a poison record reaches the DLQ with its reason logged.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent } from 'aws-lambda';
import { archiveDecision } from '../shared/archive/archive-decision.js';
import { ARCHIVE_FAILED, type ArchiveSink } from '../shared/archive/ports.js';
import { awsSendDeps } from '../shared/aws/send-deps.js';
import { readSendsAhead } from '../shared/channels/batch-send-reads.js';
import { decideSend, type SendDeps } from '../shared/channels/decide-send.js';
import { sendDecisionRecord } from '../shared/channels/decision-record.js';
import type { SendResult } from '../shared/channels/send-outcome.js';
import { sendRequestSchema, type SendRequest } from '../shared/channels/send-request.js';
import { handlerLogger, lambdaHandler, onColdStart } from '../shared/handlers/lambda-handler.js';
import { peekBodies, processFifoBatch } from '../shared/handlers/sqs-fifo-batch.js';

export interface SendHandlerDeps extends SendDeps {
  logger?: Logger;
  /** Where each decision is archived (issue 23); absent: nothing is. */
  archive?: ArchiveSink;
  /** Observes each decision (the local demo's tallies, tests). */
  onResult?: (request: SendRequest, result: SendResult) => void;
}

export function buildHandler(deps: SendHandlerDeps) {
  const logger = handlerLogger('send', deps.logger);

  // A send that sent nothing is kept under the customer (decision 205). Diagnostic only: a failed
  // write is logged, never a batch failure — the queue's retry would decide and count it again.
  const keepDecision = async (request: SendRequest, result: SendResult): Promise<void> => {
    const record = deps.decisions && sendDecisionRecord(request, result, deps.clock.now().toISOString());
    if (!record) return;
    try {
      await deps.decisions?.record(record);
    } catch (error) {
      logger.warn('send decision not kept', {
        messageId: request.messageId,
        error: error instanceof Error ? error.name : 'error',
      });
    }
  };

  const send = async (batch: SendDeps, request: SendRequest): Promise<void> => {
    const result = await decideSend(batch, request);
    deps.onResult?.(request, result);
    await archiveDecision(deps, request, result);
    await keepDecision(request, result);
    // Ids only: never an address or a rendered message in the log.
    const fields = {
      messageId: request.messageId,
      journeyId: request.journeyId,
      stepId: request.stepId,
      channel: result.channel,
      detail: result.detail,
      ...(result.cause ? { cause: result.cause, wakeAt: result.wakeAt } : {}),
    };
    logger.info('send decided', { ...fields, reason: result.reason });
  };

  return lambdaHandler(logger, async (event: SQSEvent, context) => {
    // The batch's ledger entries and profiles in two requests instead of two per record (decision 306).
    const batch = await readSendsAhead(deps, peekBodies(sendRequestSchema, event.Records));
    const response = await processFifoBatch(event, context, { schema: sendRequestSchema, logger }, (record) =>
      send(batch, record.body),
    );
    // The batch's decisions in one archive write; a failed write is logged and counted, never a batch failure.
    const archived = await deps.archive?.flush();
    if (archived?.failed) logger.error(ARCHIVE_FAILED, { rows: archived.failed });
    return response;
  });
}

/** Lambda entry point: deps are built once per cold start from the environment. */
export const handler = onColdStart(async () => buildHandler(await awsSendDeps(process.env)));
