/**
 * Erasure end to end on the embedded engine with the example campaign: a customer browses
 * anonymously and orders, signs up, orders again and gets the welcome email, then logs in on the
 * first device (merge) through the real
 * send handler; `forgetCustomer` with the DynamoDB adapter then leaves nothing of them but hashed
 * tombstones, and a replayed old order is not counted in the re-created profile while a new one is.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCustomerErasure } from '../../shared/aws/dynamo-customer-erasure.js';
import { unpackProfileItem } from '../../shared/aws/profile-item-codec.js';
import { loadTemplates } from '../../shared/channels/load-templates.js';
import { loadCampaign } from '../../shared/config/campaign.js';
import { isInGlobalHoldout } from '../../shared/experiments/global-holdout.js';
import { requireJourneys } from '../../shared/journeys/campaign-journeys.js';
import { buildLocalHandlers } from '../../shared/local/local-handlers.js';
import { startLocalSending, type LocalSending } from '../../shared/local/local-sending.js';
import { drainQueue } from '../../shared/local/queue-driver.js';
import { startLocalRuntime, type LocalRuntime } from '../../shared/local/runtime.js';
import { VirtualClock } from '../../shared/local/virtual-clock.js';
import { postToIngest, WRITE_KEY } from './spine-harness.js';
import { forgetCustomer, type ErasureReport, type ForgetDeps } from '../../shared/privacy/forget-customer.js';
import { pseudonym } from '../../shared/archive/pseudonym.js';
import { customerHash, orderHash } from '../../shared/privacy/erasure-hashes.js';

/** Every line of every archive file of the folder. */
async function archiveText(dataDir: string): Promise<string> {
  const files = (await readdir(join(dataDir, 'archive'), { recursive: true })).filter((name) =>
    name.endsWith('.jsonl'),
  );
  return (await Promise.all(files.map((name) => readFile(join(dataDir, 'archive', name), 'utf8')))).join('');
}

const HOUR = 3_600_000;
// Outside the 5% global holdout, so the welcome email really goes out; distinctive strings, so a
// scan of the table can tell whether any of them is left.
const [CUSTOMER, NEIGHBOUR] = Array.from({ length: 40 }, (_, i) => `zeynep-${i}-forgettable`).filter(
  (id) => !isInGlobalHoldout(id, 5),
) as [string, string];
const DEVICE = 'device-forgettable-77';
const EMAIL = 'zeynep.forgettable@example.com';
const COMMENT = 'Kargo forgettable-late geldi, kutu ezikti';

describe('forget on dynalite', () => {
  let dataDir: string;
  let runtime: LocalRuntime;
  let sending: LocalSending;
  const clock = new VirtualClock(new Date('2026-11-02T08:00:00Z'));
  let post: (batch: unknown[]) => Promise<void>;
  let drain: () => Promise<void>;
  let deps: ForgetDeps;
  let report: ErasureReport;
  let dryRun: ErasureReport;
  const now = () => clock.now().toISOString();
  const order = (
    messageId: string,
    ids: Record<string, string>,
    orderId: string,
    revenue: number,
    timestamp: string,
  ) => ({
    type: 'track',
    messageId,
    ...ids,
    event: 'Order Completed',
    timestamp,
    properties: { order_id: orderId, revenue },
  });
  let before: { keys: string[]; ledger: Record<string, unknown>[] };
  let firstOrderAt: string;
  let anonymousOrderAt: string;

  async function scanAll(): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await runtime.doc.send(
        new ScanCommand({ TableName: runtime.tableName, ExclusiveStartKey: startKey }),
      );
      // Profiles opened (their compressed document), so a search of the text sees what they hold.
      items.push(...(page.Items ?? []).map(unpackProfileItem));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sadakat-forget-'));
    runtime = await startLocalRuntime({ dataDir, engine: 'dynalite', clock, fresh: true });
    const campaign = await loadCampaign('campaign');
    const journeys = await requireJourneys('campaign', campaign.settings, campaign.segments);
    sending = await startLocalSending(runtime, {
      campaign: { settings: campaign.settings, journeys },
      templates: await loadTemplates('campaign/templates'),
    });
    const { ingest, processEvents } = buildLocalHandlers(runtime, {
      campaign,
      writeKeys: [WRITE_KEY],
      journeys: { definitions: journeys, sends: sending.sends },
    });
    post = async (batch) => {
      expect((await postToIngest(ingest, clock, '/v1/batch', { batch })).statusCode).toBe(200);
    };
    drain = async () => {
      await drainQueue(runtime.eventsQueue, processEvents, { concurrency: 2, clock });
      await sending.drain();
      await drainQueue(runtime.eventsQueue, processEvents, { concurrency: 2, clock });
    };
    deps = {
      profiles: runtime.profiles,
      identity: runtime.identity,
      erasure: new DynamoCustomerErasure(runtime.doc, runtime.tableName),
      pepper: runtime.pepper,
      clock,
    };

    // Prepare: anonymous browsing and an anonymous order; sign-up, an order and the welcome email;
    // login on the first device (merge); a neighbour with the same order id, who must be left alone.
    anonymousOrderAt = now();
    await post([
      {
        type: 'track',
        messageId: 'anon-view',
        anonymousId: DEVICE,
        event: 'Product Viewed',
        timestamp: now(),
        properties: { product_id: 'p1', category: 'shoes' },
      },
      order('anon-order', { anonymousId: DEVICE }, 'order-anon-forgettable', 30, anonymousOrderAt),
    ]);
    await drain();
    clock.advance(HOUR);
    firstOrderAt = now();
    await post([
      {
        type: 'identify',
        messageId: 'signup',
        userId: CUSTOMER,
        timestamp: now(),
        traits: { email: EMAIL, firstName: 'Zeynep', consent: { email: true } },
      },
      order('order-1', { userId: CUSTOMER }, 'order-1-forgettable', 50, firstOrderAt),
      {
        type: 'track',
        messageId: 'survey-1',
        userId: CUSTOMER,
        event: 'Survey Answered',
        timestamp: now(),
        properties: { survey_id: 'nps-order', score: 3, order_id: 'order-1-forgettable', comment: COMMENT },
      },
      {
        type: 'identify',
        messageId: 'n-login',
        userId: NEIGHBOUR,
        timestamp: now(),
        traits: { email: 'neighbour@example.com', firstName: 'Ada', consent: { email: true } },
      },
      order('n-order', { userId: NEIGHBOUR }, 'order-1-forgettable', 70, now()),
    ]);
    await drain();
    // The merge comes after the welcome email (a merge's segment entries start no journey).
    clock.advance(HOUR);
    await post([{ type: 'identify', messageId: 'login', userId: CUSTOMER, anonymousId: DEVICE, timestamp: now() }]);
    await drain();

    // What the archive's pseudonyms were made from, taken before the erasure (issue 23).
    before = {
      keys: [
        (await runtime.profiles.getProfile(CUSTOMER))?.archiveKey ?? '',
        (await runtime.profiles.getProfile(`anon:${DEVICE}`))?.archiveKey ?? '',
      ],
      ledger: (await scanAll()).filter((item) => item.PK === `C#${CUSTOMER}` && String(item.SK).startsWith('M#')),
    };
    await runtime.adapters.archive?.flush();

    // Act
    dryRun = await forgetCustomer(deps, { customerId: CUSTOMER, dryRun: true });
    report = await forgetCustomer(deps, { customerId: CUSTOMER });
  }, 120_000);

  afterAll(async () => {
    await sending?.stop();
    await runtime?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('had a merged, ordering, emailed customer to forget', async () => {
    // Assess: the traffic did what the erasure is about to undo
    expect(dryRun.removed).toMatchObject({ profile: 1, anonymousProfiles: 1, identityLinks: 1 });
    expect(dryRun.removed.sendLedgerEntries).toBeGreaterThanOrEqual(1);
    expect(dryRun.removed.journeyRuns).toBeGreaterThanOrEqual(1);
    // The survey answer: its whole comment as its own item, an excerpt only on the profile (issue 22).
    expect(dryRun.removed.other).toBeGreaterThanOrEqual(1);
    expect((await sending.ses.emails()).map((email) => email.destination.to)).toContainEqual([EMAIL]);
  });

  it('reports each kind it removed, as the dry run predicted', () => {
    // Assess: the anonymous order, its copy under the customer (merge) and the second order
    expect(report.removed.orders).toBe(3);
    expect(report.kept.orderTombstones).toBe(3);
    expect(report.removed).toEqual(dryRun.removed);
    expect(report.removed.capCounters).toBeGreaterThanOrEqual(1);
    expect(report.found).toBe(true);
    expect(report.remaining).toBe(0);
  });

  it('leaves no item holding the customer id, anonymous id, order ids or email; the neighbour is untouched', async () => {
    // Act
    const items = await scanAll();

    // Assess
    const text = JSON.stringify(items);
    for (const raw of [CUSTOMER, DEVICE, 'order-anon-forgettable', EMAIL, 'forgettable-late'])
      expect(text).not.toContain(raw);
    const tombstones = items.filter((item) => String(item.PK).startsWith('FORGOTTEN#'));
    expect(tombstones.length).toBeGreaterThanOrEqual(4);
    // Order scans pick `O#` sort keys; a tombstone must never look like an order.
    expect(tombstones.filter((item) => String(item.SK).startsWith('O#'))).toEqual([]);
    expect((await runtime.profiles.getProfile(NEIGHBOUR))?.orders.count).toBe(1);
    expect((await runtime.identity.resolve([DEVICE])).size).toBe(0);
  });

  it('leaves nothing in the archive that links back to the customer once the archive keys are gone', async () => {
    // Prepare: the customer's archive rows, found by the pseudonyms their keys made
    const [userKey, anonymousKey] = before.keys as [string, string];
    expect(userKey).not.toBe('');
    expect(anonymousKey).not.toBe('');
    const rows = (await archiveText(dataDir)).split('\n').filter(Boolean);
    const theirs = rows.filter(
      (line) =>
        line.includes(pseudonym(userKey, 'customer', CUSTOMER)) ||
        line.includes(pseudonym(anonymousKey, 'customer', `anon:${DEVICE}`)),
    );
    // The sign-up, the order, the survey answer, the login; the anonymous view and order; the welcome email.
    expect(theirs.length).toBeGreaterThanOrEqual(7);
    const archived = await archiveText(dataDir);
    const pepper = await runtime.pepper.get();
    const orderIds = ['order-anon-forgettable', 'order-1-forgettable'];
    const messageIds = before.ledger.flatMap((item) => [String(item.messageId), String(item.providerMessageId ?? '')]);
    expect(messageIds.filter(Boolean).length).toBeGreaterThanOrEqual(2);

    // Assess: no raw value, bare hash or kept (peppered) hash of anything that was theirs is archived
    const raw = [CUSTOMER, DEVICE, `anon:${DEVICE}`, EMAIL, 'Zeynep', 'forgettable-late', ...orderIds, ...messageIds];
    const derived = [
      ...raw.filter(Boolean).map((value) => createHash('sha256').update(value).digest('hex')),
      customerHash(pepper, CUSTOMER),
      ...orderIds.map((orderId) => orderHash(pepper, CUSTOMER, orderId)),
      ...before.keys,
    ];
    for (const value of [...raw, ...derived].filter(Boolean)) expect(archived).not.toContain(value);

    // Assess: the keys are gone, and nothing kept outside the archive names a pseudonym of their rows
    const pseudonyms = new Set(
      theirs
        .flatMap((line) => Object.values(JSON.parse(line) as Record<string, unknown>))
        .filter((value): value is string => typeof value === 'string' && /^[A-Za-z0-9_-]{22}$/.test(value)),
    );
    expect(pseudonyms.size).toBeGreaterThanOrEqual(5);
    const kept = JSON.stringify(await scanAll());
    for (const value of [...pseudonyms, ...before.keys]) expect(kept).not.toContain(value);
  });

  it('does not count replayed old orders in the re-created profile, but counts a new order', async () => {
    // Prepare: long after FIFO deduplication's five minutes, the storefront replays old events
    clock.advance(2 * HOUR);

    // Act
    await post([
      order('order-1', { userId: CUSTOMER }, 'order-1-forgettable', 50, firstOrderAt),
      order('anon-order', { anonymousId: DEVICE }, 'order-anon-forgettable', 30, anonymousOrderAt),
      order('order-2', { userId: CUSTOMER }, 'order-2-forgettable', 20, now()),
    ]);
    await drain();

    // Assess
    expect((await runtime.profiles.getProfile(CUSTOMER))?.orders).toMatchObject({ count: 1, revenue: 20 });
    expect((await runtime.orders.listOrders(CUSTOMER)).map((stored) => stored.orderId)).toEqual([
      'order-2-forgettable',
    ]);
    expect(await runtime.profiles.getProfile(`anon:${DEVICE}`)).toBeUndefined();
  });

  it('names the earlier erasure when asked again, and removes only what came since', async () => {
    // Act
    const again = await forgetCustomer(deps, { customerId: CUSTOMER });

    // Assess
    expect(again.previousErasures).toEqual([report.erasedAt]);
    expect(again.removed).toMatchObject({ profile: 1, orders: 1, anonymousProfiles: 0 });
  });
});
