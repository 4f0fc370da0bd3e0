/**
 * EngagementMarks on the send ledger's own items (`PK=C#<customerId>, SK=M#<messageId>`): one
 * `<metric>At` attribute per engagement, set only if absent, so a repeated SES event keeps the
 * first time. The entry must exist: a stray event never creates a half ledger item.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EngagementMarks } from '../channels/engagement-marks.js';
import type { EngagementMetric } from '../channels/ports.js';
import { isConditionalCheckFailed } from './conditional-check.js';
import { ledgerKey } from './table.js';

/** The ledger attribute holding a metric's first time, e.g. `deliveredAt`. */
export function engagementAttribute(metric: EngagementMetric): string {
  return `${metric}At`;
}

export class DynamoEngagementMarks implements EngagementMarks {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async mark(customerId: string, messageId: string, metric: EngagementMetric, at: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: ledgerKey(customerId, messageId),
          UpdateExpression: 'SET #metric = if_not_exists(#metric, :at)',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeNames: { '#metric': engagementAttribute(metric) },
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}
