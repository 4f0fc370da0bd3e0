/**
 * CallTaskSender for teams without Amazon Connect: each call task is written to S3 as a one-row
 * dialler CSV (the columns of `sadakat calls export`, formula characters neutralised in free text,
 * never in the phone) at `call-tasks/<due date>/<queue>/<call id>.csv`, for the team's dialler
 * or a scheduled job to pick up. The object is written only if absent (`If-None-Match: *`), so
 * a retried task is written once — the call id (the ledger's message id) plays ClientToken's part.
 * `SlowDown` (nothing written) is `throttled`: the send is deferred and retried, not failed.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CALL_CSV_COLUMNS, CALL_CSV_FREE_TEXT, callCsvCells } from '../channels/call-task.js';
import type { CallTask, CallTaskSender } from '../channels/ports.js';
import { ProviderError } from '../channels/provider-error.js';
import { toCsv } from '../csv-output.js';
import { errorCode, toProviderError } from './provider-failure.js';

export const CALL_DROP_PREFIX = 'call-tasks/';

export function createS3DropClient(options: { region?: string } = {}): S3Client {
  return new S3Client({ maxAttempts: 1, ...(options.region ? { region: options.region } : {}) });
}

/** Where a task's CSV lands: by due date (UTC) and queue, named by its call id. */
export function callDropKey(task: CallTask): string {
  return `${CALL_DROP_PREFIX}${task.dueAt.slice(0, 10)}/${encodeURIComponent(task.queue)}/${task.clientToken}.csv`;
}

export class S3CallDrop implements CallTaskSender {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async createCallTask(task: CallTask): Promise<{ providerMessageId: string }> {
    const key = callDropKey(task);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: toCsv(CALL_CSV_COLUMNS, [callCsvCells(task)], CALL_CSV_FREE_TEXT),
          ContentType: 'text/csv; charset=utf-8',
          IfNoneMatch: '*',
        }),
      );
    } catch (error) {
      const code = errorCode(error);
      // Written before (a retry after a lost answer): the task exists once, as with a repeated ClientToken.
      if (code === 'PreconditionFailed') return { providerMessageId: key };
      if (code === 'SlowDown') throw new ProviderError('throttled', code);
      throw toProviderError(error);
    }
    return { providerMessageId: key };
  }
}
