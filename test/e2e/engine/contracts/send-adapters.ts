/**
 * The send path's adapters on a real engine: the ledger's claim and settle conditions and its
 * CLAIM# index entries, engagement marks, cap counters (BatchGet past its 100-key limit), the
 * suppression list's precedence and legacy keys, deferred sends in the due index (removed only at
 * the version released), the rate cursors and the message-stats counters.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoCapCounters } from '../../../../shared/aws/dynamo-cap-counters.js';
import { DynamoDueSends } from '../../../../shared/aws/dynamo-due-sends.js';
import { DynamoEngagementMarks } from '../../../../shared/aws/dynamo-engagement-marks.js';
import { DynamoMessageStats } from '../../../../shared/aws/dynamo-message-stats.js';
import { DynamoSendLedger } from '../../../../shared/aws/dynamo-send-ledger.js';
import { DynamoSendRateLimiter } from '../../../../shared/aws/dynamo-send-rate.js';
import { DynamoSuppressionList } from '../../../../shared/aws/dynamo-suppression.js';
import { messageStatsPartitions, suppressionKey } from '../../../../shared/aws/table.js';
import type { CapScope, LedgerClaim } from '../../../../shared/ports.js';
import { sendMessageId } from '../../../../shared/channels/send-request.js';
import { legacySuppressionHash } from '../../../../shared/channels/suppression-address.js';
import { TEST_PEPPER } from '../../../fakes/test-pepper.js';
import { sendRequest } from '../../../unit/channels/send-harness.js';
import { collect, type EngineContext } from './context.js';

function claimOf(customerId: string, messageId: string): LedgerClaim {
  return {
    customerId,
    messageId,
    channel: 'email',
    journeyId: 'welcome',
    runId: 'r1',
    stepId: 's1',
    claimedAt: '2026-11-02T09:00:00.000Z',
  };
}

export function sendAdapterContracts(table: EngineContext): void {
  describe('DynamoSendLedger', () => {
    it('claims a message once, lists it as a stale claim until it settles, and settles only a claim', async () => {
      // Prepare
      const { doc, tableName } = table();
      const ledger = new DynamoSendLedger(doc, tableName);
      const claim = claimOf('ledger-1', 'm-ledger-1');
      const stale = async (before: string) =>
        (await collect(ledger.staleClaims(before))).filter((entry) => entry.customerId === 'ledger-1');

      // Act
      const first = await ledger.claim(claim);
      const again = await ledger.claim(claim);
      const claimed = await ledger.find('ledger-1', 'm-ledger-1');
      const staleAtClaim = await stale(claim.claimedAt);
      const staleBeforeClaim = await stale('2026-11-02T08:59:59.999Z');
      await ledger.settle('ledger-1', 'm-ledger-1', 'sent', '2026-11-02T09:00:01.000Z', { providerMessageId: 'ses-1' });
      const settled = await ledger.find('ledger-1', 'm-ledger-1');

      // Assess
      expect([first, again]).toEqual([true, false]);
      expect(claimed).toEqual({ ...claim, status: 'claimed', updatedAt: claim.claimedAt });
      expect(staleAtClaim).toEqual([claimed]);
      expect(staleBeforeClaim).toEqual([]);
      expect(settled).toEqual({
        ...claim,
        status: 'sent',
        updatedAt: '2026-11-02T09:00:01.000Z',
        providerMessageId: 'ses-1',
      });
      expect(await stale(claim.claimedAt)).toEqual([]);
      await expect(ledger.settle('ledger-1', 'm-ledger-1', 'failed', '2026-11-02T09:00:02.000Z')).rejects.toThrow();
      await expect(ledger.release('ledger-1', 'm-ledger-1')).rejects.toThrow();
      expect((await ledger.find('ledger-1', 'm-ledger-1'))?.status).toBe('sent');
    });

    it('releases a claim so the message can be claimed again', async () => {
      // Prepare
      const { doc, tableName } = table();
      const ledger = new DynamoSendLedger(doc, tableName);
      await ledger.claim(claimOf('ledger-2', 'm-ledger-2'));

      // Act
      await ledger.release('ledger-2', 'm-ledger-2');

      // Assess
      expect(await ledger.find('ledger-2', 'm-ledger-2')).toBeUndefined();
      expect(await ledger.claim(claimOf('ledger-2', 'm-ledger-2'))).toBe(true);
    });
  });

  describe('DynamoEngagementMarks', () => {
    it('keeps the first time of each engagement on an existing ledger entry and creates nothing for a stray one', async () => {
      // Prepare
      const { doc, tableName } = table();
      const ledger = new DynamoSendLedger(doc, tableName);
      const marks = new DynamoEngagementMarks(doc, tableName);
      await ledger.claim(claimOf('marks-1', 'm-marks-1'));

      // Act
      await marks.mark('marks-1', 'm-marks-1', 'delivered', '2026-11-02T09:01:00.000Z');
      await marks.mark('marks-1', 'm-marks-1', 'delivered', '2026-11-02T09:05:00.000Z');
      await marks.mark('marks-1', 'm-marks-1', 'opened', '2026-11-02T10:00:00.000Z');
      await marks.mark('marks-1', 'm-never-sent', 'delivered', '2026-11-02T09:01:00.000Z');

      // Assess
      expect(await ledger.find('marks-1', 'm-marks-1')).toMatchObject({
        status: 'claimed',
        deliveredAt: '2026-11-02T09:01:00.000Z',
        openedAt: '2026-11-02T10:00:00.000Z',
      });
      expect(await ledger.find('marks-1', 'm-never-sent')).toBeUndefined();
    });
  });

  describe('DynamoCapCounters', () => {
    it('counts sends per scope and day, reading more keys than one BatchGetItem takes', async () => {
      // Prepare: 15 scopes × 7 days = 105 keys, past BatchGetItem's 100.
      const { doc, tableName } = table();
      const caps = new DynamoCapCounters(doc, tableName);
      const journeys = Array.from({ length: 13 }, (_, index): CapScope => `journey:j${index}`);
      const scopes: CapScope[] = ['email', 'all', ...journeys];
      const days = Array.from({ length: 7 }, (_, index) => 20_390 + index);

      // Act
      await caps.add('caps-1', ['email', 'all', 'journey:j12'], 20_390);
      await caps.add('caps-1', ['email', 'all'], 20_390);
      await caps.add('caps-1', ['email'], 20_396);
      await caps.add('caps-other', ['email'], 20_390);
      const counts = await caps.counts('caps-1', scopes, days);

      // Assess
      expect(counts).toEqual(
        new Map([
          ['email#20390', 2],
          ['all#20390', 2],
          ['journey:j12#20390', 1],
          ['email#20396', 1],
        ]),
      );
    });
  });

  describe('DynamoSuppressionList', () => {
    it('lets a bounce replace an unsubscribe, never the reverse, and moves an unsubscribe only forward', async () => {
      // Prepare
      const { doc, tableName } = table();
      const list = new DynamoSuppressionList(doc, tableName, TEST_PEPPER);
      const address = 'suppressed@example.com';
      const before = await list.isSuppressed(address);

      // Act
      await list.suppress(address, 'unsubscribe', '2026-11-02T09:00:00.000Z');
      const unsubscribed = await list.find(' Suppressed@Example.com ');
      await list.suppress(address, 'unsubscribe', '2026-11-01T09:00:00.000Z');
      const notMovedBack = await list.find(address);
      await list.suppress(address, 'bounce', '2026-11-02T10:00:00.000Z');
      await list.suppress(address, 'unsubscribe', '2026-11-03T09:00:00.000Z');
      const bounced = await list.find(address);

      // Assess
      expect(before).toBe(false);
      expect(unsubscribed).toEqual({ reason: 'unsubscribe', at: '2026-11-02T09:00:00.000Z' });
      expect(notMovedBack).toEqual(unsubscribed);
      expect(bounced).toEqual({ reason: 'bounce', at: '2026-11-02T10:00:00.000Z' });
      expect(await list.isSuppressed(address)).toBe(true);
    });

    it('still reads an entry written under the bare sha256 key before the pepper', async () => {
      // Prepare
      const { doc, tableName } = table();
      const list = new DynamoSuppressionList(doc, tableName, TEST_PEPPER);
      const address = 'legacy@example.com';
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...suppressionKey(legacySuppressionHash(address)),
            reason: 'complaint',
            at: '2026-01-01T00:00:00.000Z',
          },
        }),
      );

      // Act
      const found = await list.find(address);

      // Assess
      expect(found).toEqual({ reason: 'complaint', at: '2026-01-01T00:00:00.000Z' });
    });
  });

  describe('DynamoDueSends', () => {
    it('lists deferred sends due by a time from every shard, one wake per message, until removed', async () => {
      // Prepare
      const { doc, tableName } = table();
      const due = new DynamoDueSends(doc, tableName);
      const early = sendRequest({ customerId: 'defer-1', messageId: sendMessageId('welcome', 'r-early', 's1', 0) });
      const late = sendRequest({ customerId: 'defer-2', messageId: sendMessageId('welcome', 'r-late', 's1', 0) });
      const name = (messageId: string) => (messageId === early.messageId ? 'early' : 'late');
      const listed = async (until: string) =>
        (await collect(due.due(until)))
          .filter(({ request }) => request.customerId.startsWith('defer-'))
          .map(({ request, wakeAt }) => [name(request.messageId), wakeAt])
          .sort();

      // Act
      await due.defer(early, '2026-11-03T06:00:00.000Z');
      await due.defer(late, '2026-11-03T07:00:00.000Z');
      const atSix = await listed('2026-11-03T06:00:00.000Z');
      await due.defer(early, '2026-11-03T08:00:00.000Z');
      const atEight = await listed('2026-11-03T08:00:00.000Z');
      const [lateDeferral] = (await collect(due.due('2026-11-03T07:00:00.000Z'))).filter(
        ({ request }) => request.customerId === 'defer-2',
      );
      const removed = lateDeferral ? await due.remove(lateDeferral) : false;
      const afterRemove = await listed('2026-11-03T08:00:00.000Z');

      // Assess
      expect(atSix).toEqual([['early', '2026-11-03T06:00:00.000Z']]);
      expect(atEight).toEqual([
        ['early', '2026-11-03T08:00:00.000Z'],
        ['late', '2026-11-03T07:00:00.000Z'],
      ]);
      expect(removed).toBe(true);
      expect(afterRemove).toEqual([['early', '2026-11-03T08:00:00.000Z']]);
    });

    it('keeps a deferral written again while its release was under way (removal at the released version)', async () => {
      // Prepare
      const { doc, tableName } = table();
      const due = new DynamoDueSends(doc, tableName);
      const request = sendRequest({ customerId: 'defer-race', messageId: sendMessageId('welcome', 'r-race', 's1', 0) });
      const mine = async (until: string) =>
        (await collect(due.due(until))).filter((deferred) => deferred.request.customerId === 'defer-race');
      await due.defer(request, '2026-11-03T06:00:00.000Z');
      const [released] = await mine('2026-11-03T06:00:00.000Z');

      // Act: the release enqueued it, the send was throttled and deferred it again, then the release removes what it read
      await due.defer({ ...request, pacedAt: '2026-11-03T06:01:00.000Z' }, '2026-11-03T06:01:00.000Z');
      const removedStale = released ? await due.remove(released) : true;
      const [kept] = await mine('2026-11-03T06:01:00.000Z');
      const removedCurrent = kept ? await due.remove(kept) : false;

      // Assess
      expect(released).toMatchObject({ wakeAt: '2026-11-03T06:00:00.000Z', version: 1 });
      expect(removedStale).toBe(false);
      expect(kept).toMatchObject({ wakeAt: '2026-11-03T06:01:00.000Z', version: 2 });
      expect(kept?.request.pacedAt).toBe('2026-11-03T06:01:00.000Z');
      expect(removedCurrent).toBe(true);
      expect(await mine('2026-11-03T06:01:00.000Z')).toEqual([]);
    });
  });

  describe('DynamoSendRateLimiter', () => {
    it('hands out slots one interval apart per scope, and now again once the scope is idle', async () => {
      // Prepare
      const { doc, tableName } = table();
      const rate = new DynamoSendRateLimiter(doc, tableName);
      const at = (ms: number) => new Date(Date.parse('2026-11-02T09:00:00.000Z') + ms);

      // Act
      const busy = [
        await rate.reserve('journey:rate-j', 2, at(250)),
        await rate.reserve('journey:rate-j', 2, at(250)),
        await rate.reserve('journey:rate-j', 2, at(300)),
      ];
      const idleAgain = await rate.reserve('journey:rate-j', 2, at(5000));
      const otherScope = await rate.reserve('account:email', 2, at(250));
      const slow = [
        await rate.reserve('journey:rate-slow', 0.5, at(0)),
        await rate.reserve('journey:rate-slow', 0.5, at(0)),
      ];

      // Assess
      expect(busy).toEqual([at(250), at(750), at(1250)]);
      expect(idleAgain).toEqual(at(5000));
      expect(otherScope).toEqual(at(250));
      expect(slow).toEqual([at(0), at(2000)]);
    });
  });

  describe('DynamoMessageStats', () => {
    it('adds one per call to the step’s counters, spread over shard partitions, read back with one Query each', async () => {
      // Prepare
      const { doc, tableName } = table();
      const stats = new DynamoMessageStats(doc, tableName);
      const key = {
        journeyId: 'stats-j',
        variant: 'A',
        stepId: 's1',
        channel: 'email' as const,
        metric: 'sent' as const,
      };

      // Act
      for (const seed of ['m1', 'm2', 'm3', 'm4', 'm5']) await stats.increment(key, seed);
      await stats.increment({ ...key, metric: 'delivered' }, 'm1');
      const Items: Record<string, unknown>[] = [];
      const partitionsWritten = new Set<string>();
      for (const pk of messageStatsPartitions('stats-j', 'A')) {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'PK = :pk',
            ExpressionAttributeValues: { ':pk': pk },
            ConsistentRead: true,
          }),
        );
        for (const item of page.Items ?? []) {
          Items.push(item);
          partitionsWritten.add(pk);
        }
      }
      const byMetric: Record<string, number> = {};
      for (const item of Items) {
        const metric = String(item.SK).split('#')[2] ?? '';
        byMetric[metric] = (byMetric[metric] ?? 0) + Number(item.count);
      }

      // Assess
      expect(byMetric).toEqual({ sent: 5, delivered: 1 });
      // sha256 puts m1…m5 in shards 1, 1, 6, 5, 6: three `sent` items and one `delivered`, in three partitions.
      expect(Items).toHaveLength(4);
      expect([...partitionsWritten].sort()).toEqual([
        'STATS#MSG#stats-j#A#1',
        'STATS#MSG#stats-j#A#5',
        'STATS#MSG#stats-j#A#6',
      ]);
    });
  });
}
