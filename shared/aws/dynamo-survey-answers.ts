/**
 * SurveyAnswerLedger on the single table: `PK=C#<customerId>, SK=SV#<surveyId>#<at>#<messageId>`
 * (issue 22). Keyed by the event's message id, so a redelivery rewrites the same item. Permanent
 * like orders and refunds, until `forget` erases the customer's partition.
 */
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { WriteReceipt } from '../ports.js';
import type { SurveyAnswerLedger, SurveyAnswerRecord } from '../profiles/survey-answers.js';
import { capacityUnits } from './capacity.js';
import { customerPartition } from './table.js';

export const SURVEY_ANSWER_SK_PREFIX = 'SV#';

export class DynamoSurveyAnswers implements SurveyAnswerLedger {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async recordAnswer(answer: SurveyAnswerRecord): Promise<WriteReceipt> {
    const response = await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          PK: customerPartition(answer.customerId),
          SK: `${SURVEY_ANSWER_SK_PREFIX}${answer.surveyId}#${answer.at}#${answer.messageId}`,
          ...answer,
        },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return { capacityUnits: capacityUnits(response.ConsumedCapacity) };
  }
}
