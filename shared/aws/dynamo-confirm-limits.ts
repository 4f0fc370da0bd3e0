/**
 * ConfirmLimits on the single table (shared/channels/confirm/limits.ts). The mailbox entry
 * (`PK=LIMIT#<peppered mailbox hash>, SK=CONFIRM`) keeps the last three confirmation times,
 * written conditionally on what was read; the hourly budgets are counters
 * (`PK=LIMIT#confirm-key#<keyId>` and `PK=LIMIT#confirm-all`, `SK=<epoch hour>`) taken with a
 * conditional ADD. Everything expires by TTL once no window reads it (31 days, 2 hours).
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  mailboxAllows,
  type ConfirmBudgets,
  type ConfirmLimitResult,
  type ConfirmLimits,
} from '../channels/confirm/limits.js';
import { isConditionalCheckFailed } from './conditional-check.js';
import { TTL_ATTRIBUTE } from './table.js';

const MAILBOX_TTL_SECONDS = 31 * 86_400;
const BUDGET_TTL_SECONDS = 2 * 3600;

export class DynamoConfirmLimits implements ConfirmLimits {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async take(request: {
    mailboxKey: string;
    keyId: string;
    now: Date;
    budgets: ConfirmBudgets;
  }): Promise<ConfirmLimitResult> {
    const key = { PK: `LIMIT#${request.mailboxKey}`, SK: 'CONFIRM' };
    const stored = (await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true })))
      .Item;
    const sentAt = Array.isArray(stored?.sentAt) ? (stored.sentAt as string[]) : [];
    const mailbox = mailboxAllows(sentAt, request.now);
    if (!mailbox.allowed) return { ok: false, limit: 'address' };

    const hour = Math.floor(request.now.getTime() / 3_600_000);
    if (!(await this.takeBudget(`LIMIT#confirm-key#${request.keyId}`, hour, request.budgets.perKeyPerHour)))
      return { ok: false, limit: 'key' };
    if (!(await this.takeBudget('LIMIT#confirm-all', hour, request.budgets.perHour)))
      return { ok: false, limit: 'global' };

    const seconds = Math.floor(request.now.getTime() / 1000);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key, sentAt: mailbox.kept, [TTL_ATTRIBUTE]: seconds + MAILBOX_TTL_SECONDS },
          // Another send of the same mailbox between our read and this write: that one counts, this one is refused.
          ConditionExpression: stored ? '#sentAt = :read' : 'attribute_not_exists(PK)',
          ...(stored
            ? { ExpressionAttributeNames: { '#sentAt': 'sentAt' }, ExpressionAttributeValues: { ':read': sentAt } }
            : {}),
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) return { ok: false, limit: 'address' };
      throw error;
    }
    return { ok: true };
  }

  private async takeBudget(partition: string, hour: number, limit: number): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: partition, SK: String(hour) },
          UpdateExpression: 'ADD #count :one SET #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'count', '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':one': 1,
            ':limit': Math.max(0, Math.floor(limit)),
            ':ttl': (hour + 1) * 3600 + BUDGET_TTL_SECONDS,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}
