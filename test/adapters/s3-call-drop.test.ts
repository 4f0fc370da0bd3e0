/** The S3 CSV drop for teams without Connect (issue 22): one object per task, written once. */
import { PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { S3CallDrop } from '../../shared/aws/s3-call-drop.js';
import type { CallTask } from '../../shared/channels/ports.js';

const TOKEN = 'b'.repeat(64);
const TASK: CallTask = {
  clientToken: TOKEN,
  customerId: 'c1',
  phone: '+905551112233',
  name: '=Ayşe',
  queue: 'win-back',
  priority: 'high',
  reason: 'win-back/call',
  script: 'Merhaba, size özel GERIDON15.',
  createdAt: '2026-11-04T07:00:00.000Z',
  dueAt: '2026-11-04T11:00:00.000Z',
  tags: { customerId: 'c1', messageId: TOKEN, journeyId: 'win-back', runId: 'r1', stepId: 'call' },
};
const s3Error = (name: string, status: number) =>
  new S3ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message: name,
  });

describe('S3CallDrop', () => {
  it('writes the task as a one-row dialler CSV, only if absent, under its due date and queue', async () => {
    const client = new S3Client({ region: 'eu-central-1' });
    const s3 = mockClient(client);
    s3.on(PutObjectCommand).resolves({});
    const result = await new S3CallDrop(client, 'artifacts').createCallTask(TASK);
    const key = `call-tasks/2026-11-04/win-back/${TOKEN}.csv`;
    expect(result).toEqual({ providerMessageId: key });
    const input = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ Bucket: 'artifacts', Key: key, IfNoneMatch: '*' });
    expect(parse(String(input?.Body), { columns: true })).toEqual([
      expect.objectContaining({ customer_id: 'c1', phone: '+905551112233', name: "'=Ayşe", call_id: TOKEN }),
    ]);
  });

  it('takes an object already there as the task created before (a retry), and SlowDown as throttled', async () => {
    const client = new S3Client({ region: 'eu-central-1' });
    const s3 = mockClient(client);
    s3.on(PutObjectCommand).rejectsOnce(s3Error('PreconditionFailed', 412)).rejectsOnce(s3Error('SlowDown', 503));
    const drop = new S3CallDrop(client, 'artifacts');
    await expect(drop.createCallTask(TASK)).resolves.toMatchObject({
      providerMessageId: expect.stringContaining(TOKEN),
    });
    await expect(drop.createCallTask(TASK)).rejects.toMatchObject({ failure: 'throttled', code: 'SlowDown' });
  });
});
