/**
 * SuppressionList on the single table: `PK=SUPPRESS#<HMAC(pepper, normalized address)>`
 * (shared/channels/suppression-address.ts). Reads look under the peppered key and under the bare
 * sha256 key that entries written before the pepper carry, in one BatchGetItem, so no
 * suppression is lost; writes use the peppered key only. A bounce or complaint is final; an
 * unsubscribe is replaced by a bounce or complaint, and moved by a later unsubscribe.
 */
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SuppressionEntry, SuppressionList, SuppressionReason } from '../channels/ports.js';
import {
  legacySuppressionHash,
  PERMANENT_REASONS,
  strongerEntry,
  suppressionHash,
} from '../channels/suppression-address.js';
import type { PepperSource } from '../privacy/pepper.js';
import { batchGetItems } from './batch-get.js';
import { isConditionalCheckFailed } from './conditional-check.js';
import { suppressionKey } from './table.js';

const REASONS: ReadonlySet<string> = new Set<SuppressionReason>(['bounce', 'complaint', 'sms_opt_out', 'unsubscribe']);

export class DynamoSuppressionList implements SuppressionList {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly pepper: PepperSource,
  ) {}

  async find(address: string): Promise<SuppressionEntry | undefined> {
    const pepper = await this.pepper.get();
    const items = await batchGetItems(
      this.doc,
      this.tableName,
      [suppressionKey(suppressionHash(pepper, address)), suppressionKey(legacySuppressionHash(address))],
      { operation: 'BatchGetItem of suppression entries', consistentRead: true },
    );
    return items.map(entryOf).reduce<SuppressionEntry | undefined>(strongerEntry, undefined);
  }

  async isSuppressed(address: string): Promise<boolean> {
    return (await this.find(address)) !== undefined;
  }

  async suppress(address: string, reason: SuppressionReason, at: string): Promise<void> {
    const permanent = PERMANENT_REASONS.has(reason);
    const pepper = await this.pepper.get();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...suppressionKey(suppressionHash(pepper, address)), reason, at },
          ConditionExpression: permanent
            ? 'attribute_not_exists(PK) OR NOT #reason IN (:bounce, :complaint)'
            : 'attribute_not_exists(PK) OR (NOT #reason IN (:bounce, :complaint) AND #at < :at)',
          ExpressionAttributeNames: { '#reason': 'reason', ...(permanent ? {} : { '#at': 'at' }) },
          ExpressionAttributeValues: {
            ':bounce': 'bounce',
            ':complaint': 'complaint',
            ...(permanent ? {} : { ':at': at }),
          },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}

/** An item as an entry; a legacy item without a known reason still suppresses (as a bounce: final). */
function entryOf(item: Record<string, unknown>): SuppressionEntry {
  const reason =
    typeof item.reason === 'string' && REASONS.has(item.reason) ? (item.reason as SuppressionReason) : 'bounce';
  return { reason, at: typeof item.at === 'string' ? item.at : '' };
}
