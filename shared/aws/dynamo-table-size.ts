/** The table's approximate item count (DescribeTable; DynamoDB refreshes it about every six hours). */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export async function approximateItemCount(
  client: DynamoDBClient | DynamoDBDocumentClient,
  tableName: string,
): Promise<number> {
  // The document client forwards plain DynamoDB commands unchanged; its send() is typed only for its own.
  const send = client.send.bind(client) as DynamoDBClient['send'];
  const { Table } = await send(new DescribeTableCommand({ TableName: tableName }));
  return Table?.ItemCount ?? 0;
}
