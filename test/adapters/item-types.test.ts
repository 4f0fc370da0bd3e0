/**
 * The retention table covers every item type (issue 20): each key the adapters write belongs to
 * exactly one entry of ITEM_TYPES, every entry has a row in README "Retention", and nothing that
 * protects a customer expires.
 */
import { readFileSync } from 'node:fs';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoRefundLedger } from '../../shared/aws/dynamo-refund-ledger.js';
import { DynamoSendRateLimiter } from '../../shared/aws/dynamo-send-rate.js';
import { DynamoSurveyAnswers } from '../../shared/aws/dynamo-survey-answers.js';
import { DynamoMessageStats } from '../../shared/aws/dynamo-message-stats.js';
import { tombstonePartition } from '../../shared/aws/dynamo-customer-erasure.js';
import { ITEM_TYPES, itemTypesOf } from '../../shared/aws/item-types.js';
import {
  audienceMembershipKey,
  capKey,
  INDEX_STATE_KEY,
  deferredSendKey,
  identityBackLinkKey,
  identityKey,
  journeyKey,
  ledgerKey,
  messageStatsKey,
  orderKey,
  passSlotKey,
  profileKey,
  sendDecisionKey,
  suppressionKey,
  type ItemKey,
  WAKE_CURSOR_KEY,
  wakeKey,
} from '../../shared/aws/table.js';
import { mockedDocumentClient } from './dynamo-mock.js';

/** Keys the adapters write through the document client (Put items and Update keys). */
async function writtenKeys(write: (doc: ReturnType<typeof mockedDocumentClient>['doc']) => Promise<unknown>) {
  const { doc, mock } = mockedDocumentClient();
  mock.on(PutCommand).resolves({});
  mock.on(UpdateCommand).resolves({ Attributes: { next: 1 } });
  await write(doc);
  return [
    ...mock.commandCalls(PutCommand).map((call) => call.args[0].input.Item as unknown as ItemKey),
    ...mock.commandCalls(UpdateCommand).map((call) => call.args[0].input.Key as unknown as ItemKey),
  ];
}

describe('item types and their retention', () => {
  it('finds exactly one item type for every key the table adapters write', async () => {
    // Prepare
    const keys: ItemKey[] = [
      profileKey('c-1'),
      profileKey('anon:v-1'),
      orderKey('c-1', 'o-1'),
      journeyKey('c-1', 'welcome', 'r-1'),
      identityKey('a-1'),
      identityBackLinkKey('c-1', 'a-1'),
      ledgerKey('c-1', 'welcome#s1#1'),
      capKey('c-1', 'journey:welcome', 20_000),
      suppressionKey('0f'.repeat(32)),
      deferredSendKey('c-1', 'welcome#s1#1'),
      sendDecisionKey('c-1', '2026-12-07T10:00:00.000Z', 'welcome#s1#1'),
      messageStatsKey('welcome', undefined, 's1', 'email', 'sent', 3),
      { PK: 'STATS#MSG#welcome#-', SK: 's1#email#sent#3' },
      passSlotKey('journey-tick', '2026-12-07T10:00:00Z'),
      wakeKey('c-1', 'welcome', 'r-1', '2026-12-07T10:00:00.000Z', '2026-12-07T10:00:00.000Z'),
      WAKE_CURSOR_KEY,
      audienceMembershipKey('c-1', 'churn_risk'),
      INDEX_STATE_KEY,
      { PK: tombstonePartition('ab'.repeat(32)), SK: 'ERASED#2026-12-07T10:00:00.000Z' },
      { PK: tombstonePartition('ab'.repeat(32)), SK: `ORDERHASH#${'cd'.repeat(32)}` },
      { PK: 'LIMIT#mailbox-hash', SK: 'CONFIRM' },
      { PK: 'LIMIT#confirm-key#k1', SK: '493000' },
      { PK: 'LIMIT#confirm-all', SK: '493000' },
      ...(await writtenKeys(async (doc) => {
        const rate = new DynamoSendRateLimiter(doc, 'table');
        await rate.reserve('journey:welcome', 10, new Date(0));
        await rate.reserve('journey:welcome#3', 10, new Date(0));
        await new DynamoRefundLedger(doc, 'table').recordRefund({
          customerId: 'c-1',
          orderId: 'o-1',
          at: '2026-12-07T10:00:00.000Z',
          messageId: 'e-1',
        });
        await new DynamoSurveyAnswers(doc, 'table').recordAnswer({
          customerId: 'c-1',
          surveyId: 'nps',
          messageId: 'e-2',
          score: 9,
          at: '2026-12-07T10:00:00.000Z',
        });
        await new DynamoMessageStats(doc, 'table').increment(
          { journeyId: 'welcome', stepId: 's1', channel: 'email', metric: 'sent' },
          'm-1',
        );
      })),
    ];

    // Act
    const unmatched = keys.filter((key) => itemTypesOf(key).length !== 1);

    // Assess
    expect(keys.length).toBeGreaterThan(20);
    expect(unmatched).toEqual([]);
  });

  it('has a README "Retention" row for every item type', () => {
    // Prepare
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### Retention'), readme.indexOf('### Attacks tried'));
    const firstCells = section
      .split('\n')
      .filter((line) => line.startsWith('| ') && !line.startsWith('| item') && !line.startsWith('|---'))
      .map((line) => line.split(' | ')[0] ?? '');

    // Act
    const missing = ITEM_TYPES.filter((type) => !firstCells.some((cell) => cell.includes(`\`${type.readme}\``)));

    // Assess
    expect(firstCells.length).toBeGreaterThanOrEqual(ITEM_TYPES.length);
    expect(missing.map((type) => type.readme)).toEqual([]);
  });

  it('never expires what protects a customer, except ended runs of journeys that allow re-entry', () => {
    // Act
    const expiring = ITEM_TYPES.filter((type) => type.protects && type.expires !== 'never');

    // Assess: journey runs expire only when ended and their journey allows re-entry (retentionPolicy)
    expect(expiring.map((type) => type.readme)).toEqual(['J#<journeyId>#<runId>']);
  });
});
