import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { archiveRow, type ArchiveRow } from '../../shared/archive/columns.js';
import {
  aggregateRows,
  awsArchive,
  firehoseArchive,
  RECORD_BYTES,
  ROWS_PER_RECORD,
} from '../../shared/aws/firehose-archive.js';

const STREAMS = { events: 'sadakat-events', decisions: 'sadakat-decisions', engagement: 'sadakat-engagement' };

function eventRow(index: number, padding = ''): ArchiveRow {
  return archiveRow('events', {
    event_id: `e${index}`,
    type: 'track',
    event: `Product Viewed${padding}`,
    customer: `c${index % 7}`,
    timestamp: '2026-12-07T10:00:00.000Z',
    received_at: '2026-12-07T10:00:01.000Z',
  });
}

function decisionRow(index: number): ArchiveRow {
  return archiveRow('decisions', { message_id: `m${index}`, customer: 'c1', reason: 'sent', channel: 'email' });
}

/** The rows a record carries: the JSON lines Firehose's de-aggregation splits. */
function rowsOf(data: Uint8Array | undefined): ArchiveRow[] {
  return Buffer.from(data ?? new Uint8Array())
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as ArchiveRow);
}

describe('firehoseArchive', () => {
  it('puts each stream’s rows as records of at most 500 JSON lines, in one call per stream', async () => {
    // Arrange
    const firehose = mockClient(FirehoseClient);
    firehose.on(PutRecordBatchCommand).resolves({ FailedPutCount: 0, RequestResponses: [] });
    const archive = firehoseArchive(firehose as unknown as FirehoseClient, STREAMS);
    const events = Array.from({ length: 1_203 }, (_, index) => eventRow(index));
    for (const row of events) archive.add('events', row);
    archive.add('decisions', decisionRow(1));

    // Act
    const flushed = await archive.flush();

    // Assess
    expect(flushed).toEqual({ written: 1_204, failed: 0 });
    const calls = firehose.commandCalls(PutRecordBatchCommand).map((call) => call.args[0].input);
    const eventCall = calls.find((input) => input.DeliveryStreamName === STREAMS.events);
    expect(eventCall?.Records?.map((record) => rowsOf(record.Data).length)).toEqual([500, 500, 203]);
    expect(eventCall?.Records?.flatMap((record) => rowsOf(record.Data))).toEqual(events);
    expect(calls.find((input) => input.DeliveryStreamName === STREAMS.decisions)?.Records).toHaveLength(1);
    expect(calls).toHaveLength(2);
    // Nothing left to write.
    expect(await archive.flush()).toEqual({ written: 0, failed: 0 });
  });

  it('keeps every record under Firehose’s size limit, however long the rows', () => {
    const rows = Array.from({ length: 300 }, (_, index) => eventRow(index, 'x'.repeat(8_000)));
    const records = aggregateRows(rows);
    expect(records.length).toBeGreaterThan(1);
    expect(Math.max(...records.map((record) => record.data.length))).toBeLessThanOrEqual(RECORD_BYTES);
    expect(Math.max(...records.map((record) => record.rows))).toBeLessThanOrEqual(ROWS_PER_RECORD);
    expect(records.reduce((sum, record) => sum + record.rows, 0)).toBe(300);
  });

  it('puts a refused record once more, and counts the rows of one refused twice as failed', async () => {
    // Arrange: the first call refuses both records; the second refuses the first again.
    const firehose = mockClient(FirehoseClient);
    firehose
      .on(PutRecordBatchCommand)
      .resolvesOnce({
        FailedPutCount: 1,
        RequestResponses: [{ ErrorCode: 'ServiceUnavailableException' }, { RecordId: 'r2' }],
      })
      .resolvesOnce({ FailedPutCount: 1, RequestResponses: [{ ErrorCode: 'ServiceUnavailableException' }] });
    const failures: number[] = [];
    const archive = firehoseArchive(firehose as unknown as FirehoseClient, STREAMS, (_error, rows) =>
      failures.push(rows),
    );
    for (let index = 0; index < 700; index++) archive.add('events', eventRow(index));

    // Act
    const flushed = await archive.flush();

    // Assess: 500 rows lost, 200 written; reported once.
    expect(flushed).toEqual({ written: 200, failed: 500 });
    expect(failures).toEqual([500]);
    expect(archive.failedRows).toBe(500);
    const retried = firehose.commandCalls(PutRecordBatchCommand)[1]?.args[0].input.Records ?? [];
    expect(retried.map((record) => rowsOf(record.Data).length)).toEqual([500]);
  });

  it('never throws when Firehose is down: the rows are counted as failed, the other stream is still written', async () => {
    // Arrange
    const firehose = mockClient(FirehoseClient);
    firehose
      .on(PutRecordBatchCommand, { DeliveryStreamName: STREAMS.events })
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'LimitExceededException' }))
      .on(PutRecordBatchCommand, { DeliveryStreamName: STREAMS.decisions })
      .resolves({ FailedPutCount: 0, RequestResponses: [] });
    const failures: unknown[] = [];
    const archive = firehoseArchive(firehose as unknown as FirehoseClient, STREAMS, (error) => failures.push(error));
    for (let index = 0; index < 3; index++) archive.add('events', eventRow(index));
    archive.add('decisions', decisionRow(1));

    // Act
    const flushed = await archive.flush();

    // Assess
    expect(flushed).toEqual({ written: 1, failed: 3 });
    expect(failures).toHaveLength(1);
  });
});

describe('awsArchive', () => {
  it('is absent when the stack names no delivery stream, and names the variable it lacks', () => {
    expect(awsArchive({})).toBeUndefined();
    expect(() => awsArchive({ ARCHIVE_EVENTS_STREAM: 'a', ARCHIVE_DECISIONS_STREAM: 'b' })).toThrow(
      'environment variable ARCHIVE_ENGAGEMENT_STREAM is not set',
    );
    const client = new FirehoseClient({ region: 'eu-central-1' });
    expect(
      awsArchive({ ARCHIVE_EVENTS_STREAM: 'a', ARCHIVE_DECISIONS_STREAM: 'b', ARCHIVE_ENGAGEMENT_STREAM: 'c' }, client),
    ).toBeDefined();
  });
});
