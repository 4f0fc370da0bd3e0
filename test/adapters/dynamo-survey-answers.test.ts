/** Survey answers on the table: `SV#<surveyId>#<at>#<messageId>` under the customer, the whole comment there (issue 22). */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoSurveyAnswers } from '../../shared/aws/dynamo-survey-answers.js';
import { mockedDocumentClient, TABLE } from './dynamo-mock.js';

describe('DynamoSurveyAnswers', () => {
  it('puts one item per answer under the customer, keyed by survey, time and event, and returns its capacity', async () => {
    // Prepare
    const context = mockedDocumentClient();
    context.mock.on(PutCommand).resolves({ ConsumedCapacity: { TableName: TABLE, CapacityUnits: 1 } });
    const answer = {
      customerId: 'u1',
      surveyId: 'nps',
      messageId: 'm1',
      score: 4,
      at: '2026-11-09T10:00:00.000Z',
      comment: 'geç geldi',
    };

    // Act
    const receipt = await new DynamoSurveyAnswers(context.doc, TABLE).recordAnswer(answer);

    // Assess
    expect(receipt).toEqual({ capacityUnits: 1 });
    const input = context.mock.commandCalls(PutCommand)[0]!.args[0].input;
    expect(input.Item).toEqual({ PK: 'C#u1', SK: 'SV#nps#2026-11-09T10:00:00.000Z#m1', ...answer });
  });
});
