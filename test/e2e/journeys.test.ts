/**
 * Journeys end to end on the embedded engine with the example campaign: Segment calls → ingest →
 * process-events (run starts) → journey-tick on the due index → wake → process-events (send to the
 * local outbox). Real handlers, real table, virtual clock.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHandler as buildJourneyTickHandler } from '../../functions/journey-tick.js';
import { DynamoJourneyStore } from '../../shared/aws/dynamo-journey-store.js';
import { loadCampaign } from '../../shared/config/campaign.js';
import { assignVariant } from '../../shared/experiments/assign.js';
import { isInGlobalHoldout } from '../../shared/experiments/global-holdout.js';
import { requireJourneys } from '../../shared/journeys/campaign-journeys.js';
import { localLambdaContext } from '../../shared/local/lambda-context.js';
import { buildLocalHandlers } from '../../shared/local/local-handlers.js';
import { LocalSendOutbox } from '../fakes/local-send-outbox.js';
import { drainQueue } from '../../shared/local/queue-driver.js';
import { startLocalRuntime, type LocalRuntime } from '../../shared/local/runtime.js';
import { VirtualClock } from '../../shared/local/virtual-clock.js';
import { spreadFrom } from '../../shared/spread.js';
import { availableEngines, postToIngest, WRITE_KEY } from './spine-harness.js';

const HOUR = 3_600_000;

describe.each(availableEngines())('journeys on %s', (engine) => {
  let runtime: LocalRuntime;
  let dataDir: string;
  const clock = new VirtualClock(new Date('2026-11-02T10:00:00Z'));
  const outbox = new LocalSendOutbox();
  let store: DynamoJourneyStore;
  let post: (batch: unknown[]) => Promise<void>;
  let drain: () => Promise<void>;
  let tick: () => Promise<void>;
  let spreadMinutes: number;
  // Two customers outside the 5% global holdout of campaign/settings.yaml.
  const [buyer, browser] = Array.from({ length: 50 }, (_, i) => `cust-${i}`).filter(
    (id) => !isInGlobalHoldout(id, 5),
  ) as [string, string];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sadakat-journeys-'));
    runtime = await startLocalRuntime({ dataDir, engine, clock, fresh: true });
    const campaign = await loadCampaign('campaign');
    spreadMinutes = campaign.settings.spreadMinutes;
    const definitions = await requireJourneys('campaign', campaign.settings, campaign.segments);
    store = new DynamoJourneyStore(runtime.doc, runtime.tableName);
    const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
    const { ingest, processEvents } = buildLocalHandlers(runtime, {
      campaign,
      writeKeys: [WRITE_KEY],
      journeys: { definitions, sends: outbox },
    });
    const journeyTick = buildJourneyTickHandler({ index: store, queue: runtime.eventsQueue, clock, logger });
    post = async (batch) => {
      expect((await postToIngest(ingest, clock, '/v1/batch', { batch })).statusCode).toBe(200);
    };
    drain = async () => {
      await drainQueue(runtime.eventsQueue, processEvents, { concurrency: 4, clock });
    };
    tick = async () => {
      await journeyTick({}, localLambdaContext('journey-tick'));
    };
  });

  afterAll(async () => {
    await runtime?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('waits two hours after a product view, then sends the variant the hash assigns; an order in between exits', async () => {
    // Prepare: both can be emailed and view a product; the buyer orders an hour later.
    const now = () => clock.now().toISOString();
    await post(
      [buyer, browser].flatMap((id) => [
        {
          type: 'identify',
          messageId: `${id}-id`,
          userId: id,
          timestamp: now(),
          traits: { email: `${id}@example.com`, firstName: 'Ayşe', consent: { email: true } },
        },
        {
          type: 'track',
          messageId: `${id}-view`,
          userId: id,
          event: 'Product Viewed',
          timestamp: now(),
          properties: { product_id: 'p1', category: 'shoes' },
        },
      ]),
    );
    await drain();
    expect((await store.listRuns(browser)).map((run) => [run.journeyId, run.status])).toEqual([
      ['viewed-not-bought', 'waiting'],
    ]);
    clock.advance(HOUR);
    await post([
      {
        type: 'track',
        messageId: `${buyer}-order`,
        userId: buyer,
        event: 'Order Completed',
        timestamp: now(),
        properties: { order_id: 'o1', revenue: 50 },
      },
    ]);
    await drain();

    // Act
    clock.advance(HOUR);
    await tick();
    await drain();

    // Assess
    const variant = ['reminder', 'discount10'][assignVariant({ key: 'vnb-offer', weights: [50, 50] }, browser)];
    const vnbSends = outbox.requests.filter((request) => request.journeyId === 'viewed-not-bought');
    expect(vnbSends.map((request) => [request.customerId, request.variant, request.template])).toEqual([
      [browser, variant, variant === 'reminder' ? 'vnb-reminder' : 'vnb-discount'],
    ]);
    expect((await runtime.profiles.getProfile(browser))?.experiments['vnb-offer']?.variant).toBe(variant);
    const buyerRun = (await store.listRuns(buyer)).find((run) => run.journeyId === 'viewed-not-bought');
    expect(buyerRun).toMatchObject({ status: 'exited', convertedAt: expect.any(String) });
  });

  it('leaves nothing due once the runs have moved on, so another tick sends nothing', async () => {
    const before = outbox.enqueued.length;
    await tick();
    await drain();
    expect(outbox.enqueued.length).toBe(before);
    // The runs' wakes stay until their TTL, but the ticks' cursor has moved past them
    const due: unknown[] = [];
    const pass = await store.openPass();
    for (let shard = 0; shard < pass.shards; shard++)
      for await (const run of pass.due(shard, clock.now().toISOString(), 100)) due.push(run);
    expect(due.filter((run) => (run as { journeyId: string }).journeyId === 'viewed-not-bought')).toEqual([]);
  });

  it('starts post-purchase NPS on the order and sends the survey three days later at 11:00 local time', async () => {
    const runTo = async (iso: string) => {
      clock.advance(Date.parse(iso) - clock.now().getTime());
      await tick();
      await drain();
    };
    // The order was at 2026-11-02T11:00Z; three days later (the parcel has arrived) the run waits
    // for 11:00 in Europe/Istanbul (the default timezone, UTC+3), which is 08:00 UTC the next morning,
    // plus the buyer's own offset within settings.spreadMinutes (decision 177).
    const release = spreadFrom(new Date('2026-11-06T08:00:00.000Z'), buyer, spreadMinutes).toISOString();
    await runTo('2026-11-05T12:00:00.000Z');
    await runTo(new Date(Date.parse(release) - 1000).toISOString());
    expect(outbox.requests.some((request) => request.journeyId === 'post-purchase-nps')).toBe(false);
    await runTo(release);
    const survey = outbox.requests.find((request) => request.journeyId === 'post-purchase-nps');
    expect(survey).toMatchObject({ customerId: buyer, template: 'nps-survey' });
    expect(survey?.requestedAt).toBe(release);
  });
});
