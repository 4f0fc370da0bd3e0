/**
 * The least DynamoDB work one event needs: a consistent GetItem of the profile and an UpdateItem
 * conditional on the version read. The spine and load benches measure our pipeline against it.
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export async function bareProfilePair(
  doc: DynamoDBDocumentClient,
  tableName: string,
  key: { PK: string; SK: string },
  body: unknown,
): Promise<void> {
  const stored = await doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
  const version = Number(stored.Item?.version ?? -1);
  await doc.send(
    new UpdateCommand({
      TableName: tableName,
      Key: key,
      UpdateExpression: 'SET body = :body, version = :next',
      ConditionExpression: version < 0 ? 'attribute_not_exists(PK)' : 'version = :version',
      ExpressionAttributeValues: {
        ':body': body,
        ':next': version + 1,
        ...(version < 0 ? {} : { ':version': version }),
      },
    }),
  );
}
