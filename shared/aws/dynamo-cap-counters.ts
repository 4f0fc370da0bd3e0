/**
 * CapCounters on the single table: one item per customer and UTC day, `SK=CAP#*#<day>`, with a
 * number attribute per scope (`n#<scope>`: a channel, `all`, `journey:<id>`). A send marked sent
 * ADDs one to each of its scopes in one UpdateItem — one write, where an item per scope made two
 * or three (decision 307) — and a check reads all the customer's counters with one consistent
 * Query. Counters expire by TTL a few days after they leave the rolling week.
 *
 * Items of the shape before decision 307 (`SK=CAP#<scope>#<day>`, `count`) come with the same
 * Query and are added in, so the week a deploy starts still counts the sends before it; they
 * expire by TTL within 9 days.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CapCounters, CapScope } from '../channels/ports.js';
import { queryPartition } from './query-pages.js';
import { capDayKey, customerPartition, TTL_ATTRIBUTE } from './table.js';

const DAY_SECONDS = 86_400;
/** Kept a little past the 7-day window so a late reader never sees a counter vanish early. */
const KEEP_DAYS = 9;
/** The attribute of a day's item that counts a scope. */
const SCOPE_ATTRIBUTE = 'n#';
const DAY_ITEM = /^CAP#\*#(\d+)$/;
const LEGACY_ITEM = /^CAP#(.+)#(\d+)$/;

export class DynamoCapCounters implements CapCounters {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async counts(customerId: string, scopes: readonly CapScope[], days: readonly number[]): Promise<Map<string, number>> {
    const wanted = new Set(days.map(String));
    const result = new Map<string, number>();
    const count = (scope: string, day: string, value: unknown): void => {
      // A scope the day's item has no attribute for was not sent to: absent, as a missing key was.
      if (value === undefined || !wanted.has(day) || !scopes.includes(scope as CapScope)) return;
      const key = `${scope}#${day}`;
      result.set(key, (result.get(key) ?? 0) + Number(value));
    };
    // All the customer's counters in one Query: billed by the bytes read (a few dozen small items,
    // one unit), where a BatchGet bills every key asked for, present or not.
    for await (const item of queryPartition(this.doc, this.tableName, {
      partition: customerPartition(customerId),
      sortKeyPrefix: 'CAP#',
      consistentRead: true,
    })) {
      if (typeof item.SK !== 'string') continue;
      const day = DAY_ITEM.exec(item.SK)?.[1];
      if (day !== undefined) {
        for (const scope of scopes) count(scope, day, item[`${SCOPE_ATTRIBUTE}${scope}`]);
        continue;
      }
      const legacy = LEGACY_ITEM.exec(item.SK);
      if (legacy?.[1] !== undefined && legacy[2] !== undefined) count(legacy[1], legacy[2], item.count);
    }
    return result;
  }

  async add(customerId: string, scopes: readonly CapScope[], day: number): Promise<void> {
    const unique = [...new Set(scopes)];
    if (unique.length === 0) return;
    const names = Object.fromEntries(unique.map((scope, index) => [`#s${index}`, `${SCOPE_ATTRIBUTE}${scope}`]));
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: capDayKey(customerId, day),
        UpdateExpression: `ADD ${unique.map((_, index) => `#s${index} :one`).join(', ')} SET #ttl = :ttl`,
        ExpressionAttributeNames: { ...names, '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':one': 1, ':ttl': (day + KEEP_DAYS) * DAY_SECONDS },
      }),
    );
  }
}
