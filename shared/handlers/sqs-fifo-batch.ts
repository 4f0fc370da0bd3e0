/**
 * A FIFO queue consumer's batch (process-events, send) on Powertools batch processing:
 * - records run one at a time in queue order; after a failure the rest of that message group
 *   fails too (skipGroupOnError: a customer's messages never overtake each other), other groups go
 *   on, and the failures go back as batchItemFailures for SQS to retry (all of them failing fails
 *   the invocation);
 * - each record is read with Powertools parser's SQS record schema (restated in sqs-record-schema.ts,
 *   which keeps zod's locales out of the bundle), its body as JSON checked by the consumer's zod
 *   schema. A record that is not one fails with Powertools' ParsingError naming each field and reason — never a value: a body that is not JSON says only `body: not JSON`
 *   (JSON.parse's own message, which the parser's JSON helper passes on, quotes the body). The
 *   batch processor's own parser hook is not used: it imports the parser anew for every record,
 *   which costs a millisecond a record where modules load through a loader (tsx, the local runtime);
 * - every failed record gets one log line — SQS message id, receive count, error class and, for a
 *   ParsingError, the reason: the line an operator finds for a message in the DLQ. Other errors
 *   are logged by class only (their messages can carry customer ids).
 */
import {
  ParsingError,
  processPartialResponse,
  SqsFifoPartialProcessorAsync,
  type ParsedRecord,
} from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { SqsRecordSchema } from './sqs-record-schema.js';

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

/** The SQS record schema around each body schema, built once: zod compiles a schema on its first use. */
const recordSchemas = new WeakMap<z.ZodType, z.ZodType>();

function recordSchema<Schema extends z.ZodType>(body: Schema): z.ZodType<ParsedSqsRecord<z.infer<Schema>>> {
  let schema = recordSchemas.get(body);
  if (schema === undefined) {
    schema = SqsRecordSchema.extend({ body: jsonText(body) });
    recordSchemas.set(body, schema);
  }
  return schema as z.ZodType<ParsedSqsRecord<z.infer<Schema>>>;
}

/**
 * What each record of the batch being handled parsed to, by record and body schema: a consumer
 * that looks at the bodies first (peekBodies) and then processes them parses each record once.
 */
const parsedRecords = new WeakMap<SQSRecord, { body: z.ZodType; parsed: z.ZodSafeParseResult<unknown> }>();

function safeParseRecord<Schema extends z.ZodType>(
  schema: Schema,
  record: SQSRecord,
): z.ZodSafeParseResult<ParsedSqsRecord<z.infer<Schema>>> {
  const known = parsedRecords.get(record);
  if (known?.body === schema) return known.parsed as z.ZodSafeParseResult<ParsedSqsRecord<z.infer<Schema>>>;
  const parsed = recordSchema(schema).safeParse(record);
  parsedRecords.set(record, { body: schema, parsed });
  return parsed;
}

/** The record parsed, or a ParsingError saying `path: reason` for each issue (Powertools' wording). */
function parseRecord<Schema extends z.ZodType>(schema: Schema, record: SQSRecord): ParsedSqsRecord<z.infer<Schema>> {
  const parsed = safeParseRecord(schema, record);
  if (parsed.success) return parsed.data;
  throw new ParsingError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
}

/** Each record's body as `schema` reads it, or undefined where it does not (its turn in processFifoBatch says why). */
export function peekBodies<Schema extends z.ZodType>(
  schema: Schema,
  records: readonly SQSRecord[],
): (z.infer<Schema> | undefined)[] {
  return records.map((record) => {
    const parsed = safeParseRecord(schema, record);
    return parsed.success ? parsed.data.body : undefined;
  });
}

/** Runs `handle` on each record of `event`, FIFO order kept, and answers with the partial batch response. */
export async function processFifoBatch<Schema extends z.ZodType>(
  event: SQSEvent,
  context: Context,
  options: FifoBatchOptions<Schema>,
  handle: (record: ParsedSqsRecord<z.infer<Schema>>) => Promise<void>,
): Promise<SQSBatchResponse> {
  const { logger, schema } = options;
  const processRecord = async (record: SQSRecord): Promise<void> => {
    try {
      await handle(parseRecord(schema, record));
    } catch (error) {
      logger.warn('message failed', {
        sqsMessageId: record.messageId,
        receiveCount: record.attributes.ApproximateReceiveCount,
        error: error instanceof Error ? error.name : 'unknown',
        ...(error instanceof ParsingError ? { reason: error.message } : {}),
      });
      throw error;
    }
  };
  const processor = new SqsFifoPartialProcessorAsync();
  const response = await processPartialResponse(event, processRecord, processor, { context, skipGroupOnError: true });
  const failed = response.batchItemFailures.length;
  if (failed > 0) logger.warn('messages will be retried', { failed, of: event.Records.length });
  else logger.info('batch done', { records: event.Records.length });
  return response;
}
