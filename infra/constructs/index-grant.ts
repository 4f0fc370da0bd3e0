/**
 * Query permission on one named index of the table (and decryption with its key), for the
 * scheduled tasks that find due work through an index and never read the table itself.
 */
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { PASS_SLOT_PREFIX } from '../../shared/aws/table.js';

export function grantIndexQuery(grantee: IGrantable, table: ITable, indexName: string): Grant {
  table.encryptionKey?.grantDecrypt(grantee);
  return Grant.addToPrincipal({
    grantee,
    actions: ['dynamodb:Query'],
    resourceArns: [`${table.tableArn}/index/${indexName}`],
  });
}

/**
 * PutItem of a scheduled pass's own slot items only (`PK=PASS#<pass>`, shared/aws/dynamo-pass-slots.ts):
 * the leading-key condition keeps the grant off every customer's items.
 */
export function grantPassSlotClaim(grantee: IGrantable, table: ITable, pass: string): void {
  table.encryptionKey?.grantEncryptDecrypt(grantee);
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['dynamodb:PutItem'],
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [`${PASS_SLOT_PREFIX}${pass}`] } },
    }),
  );
}
