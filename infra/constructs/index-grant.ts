/**
 * Query permission on one named index of the table (and decryption with its key), for the
 * scheduled tasks that find due work through an index and never read the table itself.
 */
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';

export function grantIndexQuery(grantee: IGrantable, table: ITable, indexName: string): Grant {
  table.encryptionKey?.grantDecrypt(grantee);
  return Grant.addToPrincipal({
    grantee,
    actions: ['dynamodb:Query'],
    resourceArns: [`${table.tableArn}/index/${indexName}`],
  });
}
