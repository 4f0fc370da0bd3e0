/**
 * process-events: the events FIFO queue's consumer and the only writer of customer state.
 * A customer's consecutive profile edits in a batch share one profile write (process-customer-batch.ts;
 * a failed group is replayed one message at a time).
 * A storefront request's message carries a customer's events of that request (decision 285): it
 * is expanded into one `event` message per event, each processed as if it had come alone.
 * Partial batch failures: a failed message is retried with the rest of its customer's group,
 * other customers in the batch are not held back; a message that can never be processed reaches
 * the DLQ with its reason logged (shared/handlers/sqs-fifo-batch.ts) — and on a request
 * message's last receive, an event that still fails goes to the DLQ alone while the request's
 * other events go on (decision 286).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ARCHIVE_FAILED } from '../shared/archive/ports.js';
import { awsProcessDeps } from '../shared/aws/process-deps.js';
import type { CustomerMessage } from '../shared/events/messages.js';
import { eventQueueMessageSchema, type EventQueueMessage } from '../shared/events/request-events-message.js';
import { deadLetterAlone, type RecordPart, recordParts } from '../shared/handlers/request-message-parts.js';
import { handlerLogger, lambdaHandler, onColdStart } from '../shared/handlers/lambda-handler.js';
import { peekBodies, processFifoBatch, type ParsedSqsRecord } from '../shared/handlers/sqs-fifo-batch.js';
import { BatchRunCache } from '../shared/journeys/batch-run-cache.js';
import type { EventDeadLetters } from '../shared/ports.js';
import { BatchProfileCache } from '../shared/profiles/batch-profile-cache.js';
import { readJourneysAhead } from '../shared/profiles/journey-reads-ahead.js';
import { BatchCoalescer, type BatchMessage } from '../shared/profiles/process-customer-batch.js';
import {
  processCustomerMessage,
  processPhases,
  type ProcessDeps,
  type ProcessOutcome,
} from '../shared/profiles/process-customer-message.js';

export interface ProcessEventsDeps extends ProcessDeps {
  logger?: Logger;
  /**
   * false: every message through the phases alone, as before issue 19 (the bench's baseline).
   * Default: a customer's consecutive profile edits in a batch share one profile write.
   */
  coalesce?: boolean;
  /** The events DLQ, for a request's event that fails on the message's last receive; absent: the whole message goes there. */
  deadLetters?: EventDeadLetters;
  /** Observes each message's outcome (metrics; the local demo's WCU summary). */
  onOutcome?: (outcome: ProcessOutcome & { kind: string; eventName?: string; eventMessageId?: string }) => void;
}

export function buildHandler(deps: ProcessEventsDeps) {
  const logger = handlerLogger('process-events', deps.logger);

  const report = (message: CustomerMessage, outcome: ProcessOutcome): void => {
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

  /** The batch's archive rows in one write per stream; a failed write is logged and counted, never a batch failure. */
  const archivedBatch = async (processed: Promise<SQSBatchResponse>): Promise<SQSBatchResponse> => {
    const response = await processed;
    const archived = await deps.archive?.flush();
    if (archived?.failed) logger.error(ARCHIVE_FAILED, { rows: archived.failed });
    return response;
  };

  return lambdaHandler(logger, (event: SQSEvent, context) => {
    // One cache per invocation: a customer's messages come together (see BatchProfileCache, BatchRunCache).
    const profiles = new BatchProfileCache(deps.profiles);
    const runs = deps.journeys && new BatchRunCache(deps.journeys.store);
    const batchDeps: ProcessDeps = {
      ...deps,
      profiles,
      journeys: deps.journeys && runs && { ...deps.journeys, store: runs },
    };
    const options = { schema: eventQueueMessageSchema, logger };
    /** Each part of the record in order; a request's event that fails on the last receive is set aside. */
    const processParts = async (
      record: ParsedSqsRecord<EventQueueMessage>,
      process: (part: RecordPart) => Promise<ProcessOutcome>,
    ): Promise<void> => {
      for (const part of recordParts(record.messageId, record.body)) {
        try {
          report(part.message, await process(part));
        } catch (error) {
          if (!(await deadLetterAlone(deps.deadLetters, logger, record, part, error))) throw error;
        }
      }
    };
    if (deps.coalesce === false)
      return archivedBatch(
        processFifoBatch(event, context, options, (record) =>
          processParts(record, (part) => processPhases(batchDeps, part.message)),
        ),
      );
    const bodies = peekBodies(eventQueueMessageSchema, event.Records);
    const parts = event.Records.flatMap((record, index): BatchMessage[] => {
      const group = record.attributes.MessageGroupId ?? record.messageId;
      const body = bodies[index];
      if (body === undefined) return [{ id: record.messageId, group, message: undefined }];
      return recordParts(record.messageId, body).map(({ id, message }) => ({ id, group, message }));
    });
    const coalescer = new BatchCoalescer(batchDeps, parts, processCustomerMessage);
    // The runs wakes name and the profiles journey messages read, in two requests (decision 256).
    const aheadRuns = deps.journeys?.runReads === 'list' ? null : runs;
    return archivedBatch(
      readJourneysAhead(
        { profiles, runs: aheadRuns },
        parts.map((part) => part.message),
      ).then(() =>
        processFifoBatch(event, context, options, (record) =>
          processParts(record, (part) => coalescer.process(part.id, part.message)),
        ),
      ),
    );
  });
}

/** Lambda entry point: deps are built once per cold start from the environment. */
export const handler = onColdStart(async () => buildHandler(await awsProcessDeps(process.env)));
