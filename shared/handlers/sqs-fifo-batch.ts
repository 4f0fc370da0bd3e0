/**
 * A FIFO queue consumer's batch (process-events, send) on Powertools batch processing:
 * - records run one at a time in queue order; after a failure the rest of that message group
 *   fails too (skipGroupOnError: a customer's messages never overtake each other), other groups go
 *   on, and the failures go back as batchItemFailures for SQS to retry (all of them failing fails
 *   the invocation);
 * - each record is parsed by Powertools' batch parser: the SQS record schema with the body read
 *   as JSON and checked by the consumer's zod schema. A record that is not one fails with a
 *   ParsingError that names the field and the reason — never a value: a body that is not JSON
 *   says only `body: not JSON` (JSON.parse's own message quotes the body);
 * - every failed record gets one log line — SQS message id, receive count, error class and, for a
 *   ParsingError, the reason: the line an operator finds for a message in the DLQ. Other errors
 *   are logged by class only (their messages can carry customer ids).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import {
  ParsingError,
  processPartialResponse,
  SqsFifoPartialProcessorAsync,
  type ParsedRecord,
} from '@aws-lambda-powertools/batch';
import { parser } from '@aws-lambda-powertools/batch/parser';
import { SqsRecordSchema } from '@aws-lambda-powertools/parser/schemas/sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';

/** The record as the consumer gets it: its body parsed. */
export type ParsedSqsRecord<Body> = ParsedRecord<SQSRecord, Body>;

export interface FifoBatchOptions<Schema extends z.ZodType> {
  /** What every body must be. */
  schema: Schema;
  logger: Logger;
}

/** A JSON text holding what `schema` accepts; the issue for text that is not JSON quotes none of it. */
function jsonText<Schema extends z.ZodType>(schema: Schema) {
  return z
    .string()
    .transform((text, context): unknown => {
      try {
        return JSON.parse(text);
      } catch {
        context.addIssue({ code: 'custom', message: 'not JSON', input: '' });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

/** SqsFifoPartialProcessorAsync with the batch parser on, which reports each failure as it happens. */
class ParsingFifoProcessor extends SqsFifoPartialProcessorAsync {
  constructor(
    schema: z.ZodType,
    private readonly onFailure: (record: SQSRecord, error: Error) => void,
  ) {
    super();
    this.parserConfig = { parser, schema: SqsRecordSchema.extend({ body: jsonText(schema) }) };
  }

  override failureHandler(
    record: Parameters<SqsFifoPartialProcessorAsync['failureHandler']>[0],
    error: Error,
  ): ReturnType<SqsFifoPartialProcessorAsync['failureHandler']> {
    this.onFailure(record as SQSRecord, error);
    return super.failureHandler(record, error);
  }
}

/** Runs `handle` on each record of `event`, FIFO order kept, and answers with the partial batch response. */
export async function processFifoBatch<Schema extends z.ZodType>(
  event: SQSEvent,
  context: Context,
  options: FifoBatchOptions<Schema>,
  handle: (record: ParsedSqsRecord<z.infer<Schema>>) => Promise<void>,
): Promise<SQSBatchResponse> {
  const { logger } = options;
  const processor = new ParsingFifoProcessor(options.schema, (record, error) => {
    logger.warn('message failed', {
      sqsMessageId: record.messageId,
      receiveCount: record.attributes.ApproximateReceiveCount,
      error: error.name,
      ...(error instanceof ParsingError ? { reason: error.message } : {}),
    });
  });
  const response = await processPartialResponse(
    event,
    (record: ParsedSqsRecord<z.infer<Schema>>) => handle(record),
    processor,
    { context, skipGroupOnError: true },
  );
  const failed = response.batchItemFailures.length;
  if (failed > 0) logger.warn('messages will be retried', { failed, of: event.Records.length });
  else logger.info('batch done', { records: event.Records.length });
  return response;
}
