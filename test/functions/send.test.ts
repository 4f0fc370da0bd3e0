import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { Logger } from '@aws-lambda-powertools/logger';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it, vi } from 'vitest';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { buildHandler } from '../../functions/send.js';
import { ARCHIVE_FAILED } from '../../shared/archive/ports.js';
import { DynamoSendDecisions } from '../../shared/aws/dynamo-send-decisions.js';
import { firehoseArchive } from '../../shared/aws/firehose-archive.js';
import { retentionPolicy } from '../../shared/privacy/retention.js';
import { ProviderError } from '../../shared/channels/provider-error.js';
import { localLambdaContext } from '../../shared/local/lambda-context.js';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockedDocumentClient } from '../adapters/dynamo-mock.js';
import { sqsRecord } from '../fakes/sqs-record.js';
import { consentingProfile, sendHarness, sendRequest } from '../unit/channels/send-harness.js';

function record(id: string, body: unknown, group = 'g1'): SQSRecord {
  return sqsRecord(id, body, { group });
}

describe('send handler', () => {
  it('sends each request and reports no failures', async () => {
    const h = sendHarness();
    const handler = buildHandler(h.deps);
    const response = await handler({ Records: [record('1', sendRequest())] } as SQSEvent, localLambdaContext('send'));
    expect(response.batchItemFailures).toEqual([]);
    expect(h.email.sent).toHaveLength(1);
  });

  it('reads a batch’s ledger entries and profiles ahead in one call each, and sends a message delivered twice in it once', async () => {
    // Prepare
    const h = sendHarness();
    const second = consentingProfile('c2');
    second.channels.email = 'c2@example.com';
    h.profiles.items.set('c2', second);
    const single = { getProfile: vi.spyOn(h.profiles, 'getProfile'), find: vi.spyOn(h.ledger, 'find') };
    const first = sendRequest();
    const other = sendRequest({ customerId: 'c2', runId: 'r2', messageId: 'e'.repeat(64) });

    // Act
    const response = await buildHandler(h.deps)(
      { Records: [record('1', first, 'g1'), record('2', other, 'g2'), record('3', first, 'g1')] } as SQSEvent,
      localLambdaContext('send'),
    );

    // Assess: the repeated message read the ledger itself, found the first one's entry and stopped there.
    expect(response.batchItemFailures).toEqual([]);
    expect(h.email.sent.map((email) => email.to)).toEqual(['ayse@example.com', 'c2@example.com']);
    expect([...h.ledger.entries.values()].map((entry) => [entry.customerId, entry.status])).toEqual([
      ['c1', 'sent'],
      ['c2', 'sent'],
    ]);
    expect([single.find.mock.calls.length, single.getProfile.mock.calls.length]).toEqual([1, 0]);
  });

  it('defers a throttled send through `due` instead of failing it, and lets the rest of the batch go', async () => {
    const h = sendHarness();
    h.email.fault = () => new ProviderError('throttled', 'Throttling');
    const sms = sendRequest({ channel: 'sms', stepId: 's2', messageId: 'b'.repeat(64) });
    const response = await buildHandler(h.deps)(
      { Records: [record('1', sendRequest(), 'g1'), record('2', sms, 'g2')] } as SQSEvent,
      localLambdaContext('send'),
    );
    expect(response.batchItemFailures).toEqual([]);
    expect([...h.ledger.entries.values()].map((entry) => entry.channel)).toEqual(['sms']);
    expect([...h.due.items.values()].map((deferred) => deferred.request.channel)).toEqual(['email']);
  });

  it('answers without failures when every record was throttled: none comes back through the queue', async () => {
    const h = sendHarness();
    h.email.fault = () => new ProviderError('throttled', 'Throttling');
    const response = await buildHandler(h.deps)(
      { Records: [record('1', sendRequest())] } as SQSEvent,
      localLambdaContext('send'),
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(h.due.items.size).toBe(1);
  });

  it('fails a record that is not a SendRequest without touching the others of other groups', async () => {
    const h = sendHarness();
    const other = sendRequest({ customerId: 'c1' });
    const response = await buildHandler(h.deps)(
      { Records: [record('bad', { hello: 1 }, 'g0'), record('1', other, 'g1')] } as SQSEvent,
      localLambdaContext('send'),
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
    expect(h.email.sent).toHaveLength(1);
  });

  it('fails no record when Firehose refuses the archive write: the lost decision is counted and logged for the alarm', async () => {
    // Arrange: every put is refused (the stream's quota is used up).
    const h = sendHarness();
    const firehose = mockClient(FirehoseClient);
    firehose
      .on(PutRecordBatchCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'LimitExceededException' }));
    const archive = firehoseArchive(firehose as unknown as FirehoseClient, {
      events: 'events',
      decisions: 'decisions',
      engagement: 'engagement',
    });
    const logger = new Logger({ serviceName: 'send', logLevel: 'SILENT' });
    const errors = vi.spyOn(logger, 'error');

    // Act
    const response = await buildHandler({ ...h.deps, archive, logger })(
      { Records: [record('1', sendRequest())] } as SQSEvent,
      localLambdaContext('send'),
    );

    // Assess: the message was sent and acknowledged; the archive row is counted as lost.
    expect(response.batchItemFailures).toEqual([]);
    expect(h.email.sent).toHaveLength(1);
    expect(firehose.commandCalls(PutRecordBatchCommand)).toHaveLength(1);
    expect(archive.failedRows).toBe(1);
    expect(errors).toHaveBeenCalledWith(ARCHIVE_FAILED, { rows: 1 });
  });
  it('keeps each decision that sent nothing under the customer, with its reason and a TTL; nothing for a sent one', async () => {
    // Arrange: the real adapter on a recorded client; a holdout send, a capped second email, a sent first one.
    const h = sendHarness();
    const { doc, mock } = mockedDocumentClient();
    mock.on(PutCommand).resolves({});
    const policy = retentionPolicy({ retention: { anonymousProfileDays: 90, historyDays: 400, decisionDays: 7 } }, []);
    const decisions = new DynamoSendDecisions(doc, 'table', { clock: h.clock, policy });
    const holdout = sendRequest({ holdout: true, stepId: 'h1', messageId: 'c'.repeat(64) });
    const second = sendRequest({ stepId: 's2', messageId: 'd'.repeat(64) });

    // Act
    const response = await buildHandler({ ...h.deps, decisions })(
      { Records: [record('1', sendRequest()), record('2', holdout), record('3', second)] } as SQSEvent,
      localLambdaContext('send'),
    );

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(h.email.sent).toHaveLength(1);
    const items = mock.commandCalls(PutCommand).map((call) => call.args[0].input.Item ?? {});
    const at = h.clock.now().toISOString();
    expect(items.map((item) => [item.PK, item.SK, item.reason, item.stepId])).toEqual([
      ['C#c1', `D#${at}#${'c'.repeat(64)}`, 'holdout', 'h1'],
      ['C#c1', `D#${at}#${'d'.repeat(64)}`, 'frequency_cap', 's2'],
    ]);
    expect(items[1]?.detail).toBeTruthy();
    expect(items[0]?.ttl).toBe(Math.floor(h.clock.now().getTime() / 1000) + 7 * 86_400);
  });

  it('fails no record when the decision cannot be kept: the refusal is counted once, and logged by message id', async () => {
    // Arrange
    const h = sendHarness();
    const { doc, mock } = mockedDocumentClient();
    mock
      .on(PutCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' }));
    const logger = new Logger({ serviceName: 'send', logLevel: 'SILENT' });
    const warnings = vi.spyOn(logger, 'warn');
    const holdout = sendRequest({ holdout: true });

    // Act
    const response = await buildHandler({ ...h.deps, decisions: new DynamoSendDecisions(doc, 'table'), logger })(
      { Records: [record('1', holdout)] } as SQSEvent,
      localLambdaContext('send'),
    );

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(h.stats.metrics()).toEqual(['holdout']);
    expect(warnings).toHaveBeenCalledWith('send decision not kept', {
      messageId: holdout.messageId,
      error: 'ProvisionedThroughputExceededException',
    });
  });
});
