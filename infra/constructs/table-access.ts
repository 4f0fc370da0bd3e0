/**
 * Least-privilege table grants (DESIGN "Trust"): each function gets the DynamoDB actions its
 * adapters call, by name, and — where its items live under known partition prefixes — only those
 * partitions (`dynamodb:LeadingKeys`). `table.grantReadWriteData` would also hand out Scan,
 * BatchWriteItem and every partition, so an exploited function could read or rewrite the table.
 */
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';

export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'Scan'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchWriteItem'
  | 'ConditionCheckItem'
  | 'DescribeTable';

const WRITES: ReadonlySet<TableAction> = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

export interface TableAccess {
  actions: readonly TableAction[];
  /** Partition-key prefixes the function may touch (`C#`, `SUPPRESS#`…); absent: every partition. */
  partitions?: readonly string[];
  /** Global secondary indexes it may Query besides the table (their ARNs are resources of their own). */
  indexes?: readonly string[];
}

/** What each function's adapters call on the table (shared/aws/*; see the function's deps). */
export const TABLE_ACCESS = {
  /**
   * process-events is the one writer of customer state: profiles, orders, runs, identity links,
   * tombstone reads, suppression and stats. Every partition, but no Scan and no table admin.
   */
  processEvents: {
    actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'],
  },
  /** ingest resolves anonymous ids through identity links and writes nothing (process-events does). */
  ingest: { actions: ['GetItem'], partitions: ['ID#'] },
  /** unsubscribe: the profile's atomic consent update, and the address's suppression entry. */
  unsubscribe: { actions: ['GetItem', 'UpdateItem', 'PutItem'], partitions: ['C#', 'SUPPRESS#'] },
  /** confirm: the profile's conditional write moving a confirmed pending address to the channel. */
  confirm: { actions: ['GetItem', 'PutItem'], partitions: ['C#'] },
  /** ses-feedback: engagement marks on the ledger, suppression, the profile's atomic revocation, message stats. */
  feedback: { actions: ['GetItem', 'UpdateItem', 'PutItem'], partitions: ['C#', 'SUPPRESS#', 'STATS#'] },
  /**
   * send: profile read, ledger claim/settle/release, caps, deferrals, rate counters, message stats,
   * suppression reads, double opt-in limits, and the WhatsApp directory's link of a number it
   * messaged (`ID#whatsapp:<peppered number>`, its reverse under the customer).
   */
  send: {
    actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
    partitions: ['C#', 'SUPPRESS#', 'STATS#', 'RATE#', 'LIMIT#', 'ID#'],
  },
  /**
   * whatsapp-events: the WhatsApp directory's lookup of a number (`ID#`), a STOP's suppression of
   * the number (`SUPPRESS#`), and for a status of one of our messages its ledger entry (read,
   * engagement marks, a late failure) and message stats.
   */
  whatsappEvents: {
    actions: ['BatchGetItem', 'GetItem', 'UpdateItem', 'PutItem'],
    partitions: ['ID#', 'C#', 'STATS#', 'SUPPRESS#'],
  },
  /**
   * release-deferred removes the DEFER# items it re-enqueued (under the customer's partition);
   * what comes back without its rate slots takes them (RATE# cursors) and may wait again (DEFER#).
   */
  releaseDeferred: { actions: ['DeleteItem', 'UpdateItem'], partitions: ['C#', 'RATE#'] },
  /**
   * journey-tick reads the runs' wakes after its cursor and moves the cursor (`WAKE#CURSOR`,
   * decision 290); it Queries the `due` index for runs written before 290 (grantIndexQuery).
   */
  journeyTick: { actions: ['GetItem', 'Query', 'PutItem'], partitions: ['WAKE#'] },
  /** send-reconciler settles stale claims and counts them. */
  reconciler: { actions: ['GetItem', 'UpdateItem'], partitions: ['C#', 'STATS#'] },
  /**
   * `sadakat console --table` (console/table-source.ts), run by a person with their own credentials:
   * one customer's partition and the send-decision counters, by Query only — never a Scan; an
   * audience's sample from the `audience` index with the index state's zones (decision 221); sends
   * deferred or in flight from the `due` index (decision 222).
   */
  console: {
    actions: ['Query'],
    partitions: ['C#', 'STATS#MSG#', 'MIGRATION#scale-indexes', 'AUD#', 'DEFER#', 'CLAIM#'],
    indexes: ['audience', 'due'],
  },
} as const satisfies Record<string, TableAccess>;

export function grantTableAccess(grantee: IGrantable, table: ITable, access: TableAccess): void {
  const partitions = access.partitions;
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: access.actions.map((action) => `dynamodb:${action}`),
      resources: [table.tableArn, ...(access.indexes ?? []).map((index) => `${table.tableArn}/index/${index}`)],
      ...(partitions === undefined
        ? {}
        : {
            conditions: {
              'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': partitions.map((prefix) => `${prefix}*`) },
            },
          }),
    }),
  );
  if (access.actions.some((action) => WRITES.has(action))) table.encryptionKey?.grantEncryptDecrypt(grantee);
  else table.encryptionKey?.grantDecrypt(grantee);
}
