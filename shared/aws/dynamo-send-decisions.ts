/**
 * SendDecisionLog on the single table: `PK=C#<customerId>, SK=D#<decidedAt>#<messageId>`, one
 * PutItem per send decision that sent nothing (decision 205). Every item carries a TTL
 * (`retention.decisionDays` after the decision; DEFAULT_DECISION_DAYS for a writer without the
 * campaign's policy); erasure removes them with the rest of the customer's partition.
 */
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SendDecisionLog, SendDecisionRecord } from '../channels/ports.js';
import { DAY_MS, DEFAULT_DECISION_DAYS } from '../privacy/retention.js';
import { sendDecisionKey, TTL_ATTRIBUTE } from './table.js';
import { READ_ONLY_RETENTION, type TableRetention } from './table-retention.js';

export class DynamoSendDecisions implements SendDecisionLog {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retention: TableRetention = READ_ONLY_RETENTION,
  ) {}

  async record(decision: SendDecisionRecord): Promise<void> {
    const decidedAt = new Date(decision.decidedAt);
    const ttl =
      this.retention.policy?.decisionExpiresAt(decidedAt) ??
      Math.floor((decidedAt.getTime() + DEFAULT_DECISION_DAYS * DAY_MS) / 1000);
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...sendDecisionKey(decision.customerId, decision.decidedAt, decision.messageId),
          ...decision,
          [TTL_ATTRIBUTE]: ttl,
        },
      }),
    );
  }
}
