/**
 * The archive in AWS (issue 23): each flush puts the invocation's rows into the stream's Firehose
 * delivery stream (infra/constructs/event-archive.ts), which converts them to Parquet with the
 * Glue table's schema and writes them to the archive bucket partitioned by the rows' own day.
 *
 * Rows are aggregated: a Firehose record holds up to 500 rows as JSON lines (Firehose bills each
 * record rounded up to 5 KB, and its multi-record de-aggregation takes at most 500 per record), a
 * `PutRecordBatch` call up to 500 records and 4 MiB. Records Firehose refuses (throttled past the
 * stream's quota, an internal error) are put once more; what still fails is counted as failed
 * rows, which the handler logs (`ARCHIVE_FAILED`, a metric filter alarms on it). Nothing here
 * fails the customer's message.
 */
import { FirehoseClient, PutRecordBatchCommand, type _Record } from '@aws-sdk/client-firehose';
import { ARCHIVE_STREAMS, type ArchiveRow, type ArchiveStream } from '../archive/columns.js';
import { BufferedArchive, type ArchiveFailureHandler, type ArchiveFlush } from '../archive/ports.js';

/** Firehose's de-aggregation limit per record (JSON sub-records). */
export const ROWS_PER_RECORD = 500;
/** Firehose's record size limit is 1,000 KiB; stay below it. */
export const RECORD_BYTES = 1_000 * 1024 - 1024;
/** PutRecordBatch: at most 500 records and 4 MiB per call. */
export const RECORDS_PER_CALL = 500;
export const CALL_BYTES = 4 * 1024 * 1024;

/** The environment variable naming each stream's delivery stream (set by the CDK stack). */
export const ARCHIVE_STREAM_ENV: Readonly<Record<ArchiveStream, string>> = {
  events: 'ARCHIVE_EVENTS_STREAM',
  decisions: 'ARCHIVE_DECISIONS_STREAM',
  engagement: 'ARCHIVE_ENGAGEMENT_STREAM',
};

interface Chunk {
  data: Uint8Array;
  rows: number;
}

/** Rows as JSON lines in records of at most ROWS_PER_RECORD rows and RECORD_BYTES bytes. */
export function aggregateRows(rows: readonly ArchiveRow[]): Chunk[] {
  const chunks: Chunk[] = [];
  let lines: string[] = [];
  let bytes = 0;
  const close = () => {
    if (lines.length === 0) return;
    chunks.push({ data: Buffer.from(`${lines.join('\n')}\n`, 'utf8'), rows: lines.length });
    lines = [];
    bytes = 0;
  };
  for (const row of rows) {
    const line = JSON.stringify(row);
    const size = Buffer.byteLength(line, 'utf8') + 1;
    if (lines.length === ROWS_PER_RECORD || (lines.length > 0 && bytes + size > RECORD_BYTES)) close();
    lines.push(line);
    bytes += size;
  }
  close();
  return chunks;
}

/** Records grouped into PutRecordBatch calls of at most RECORDS_PER_CALL records and CALL_BYTES bytes. */
function calls(chunks: readonly Chunk[]): Chunk[][] {
  const out: Chunk[][] = [];
  let current: Chunk[] = [];
  let bytes = 0;
  for (const chunk of chunks) {
    if (current.length === RECORDS_PER_CALL || (current.length > 0 && bytes + chunk.data.length > CALL_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(chunk);
    bytes += chunk.data.length;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** Puts the chunks, then once more the ones Firehose refused; returns the rows still refused. */
async function put(client: FirehoseClient, streamName: string, chunks: readonly Chunk[]): Promise<number> {
  let pending = chunks;
  for (let attempt = 0; attempt < 2 && pending.length > 0; attempt++) {
    const refused: Chunk[] = [];
    for (const call of calls(pending)) {
      const records: _Record[] = call.map((chunk) => ({ Data: chunk.data }));
      const answer = await client.send(new PutRecordBatchCommand({ DeliveryStreamName: streamName, Records: records }));
      if (!answer.FailedPutCount) continue;
      (answer.RequestResponses ?? []).forEach((response, index) => {
        const chunk = call[index];
        if (response.ErrorCode && chunk) refused.push(chunk);
      });
    }
    pending = refused;
  }
  return pending.reduce((sum, chunk) => sum + chunk.rows, 0);
}

export function firehoseArchive(
  client: FirehoseClient,
  streams: Readonly<Record<ArchiveStream, string>>,
  onFailure?: ArchiveFailureHandler,
): BufferedArchive {
  return new BufferedArchive(async (rows): Promise<ArchiveFlush> => {
    let written = 0;
    let failed = 0;
    // Streams independently: one stream's outage does not lose another's rows.
    await Promise.all(
      [...rows].map(async ([stream, streamRows]) => {
        try {
          const refused = await put(client, streams[stream], aggregateRows(streamRows));
          failed += refused;
          written += streamRows.length - refused;
        } catch {
          failed += streamRows.length;
        }
      }),
    );
    return { written, failed };
  }, onFailure);
}

/**
 * The archive of a function whose stack names the delivery streams (ARCHIVE_*_STREAM); undefined
 * when it names none (a stack deployed without the archive, a function that archives nothing).
 */
export function awsArchive(env: NodeJS.ProcessEnv, client?: FirehoseClient): BufferedArchive | undefined {
  const names = ARCHIVE_STREAMS.map((stream) => [stream, env[ARCHIVE_STREAM_ENV[stream]]] as const);
  if (names.every(([, name]) => !name)) return undefined;
  const missing = names.filter(([, name]) => !name).map(([stream]) => ARCHIVE_STREAM_ENV[stream]);
  if (missing.length > 0)
    throw new Error(`environment variable ${missing.join(', ')} is not set (the CDK stack sets it)`);
  return firehoseArchive(client ?? new FirehoseClient({}), Object.fromEntries(names) as Record<ArchiveStream, string>);
}
