/**
 * The load bench's driver against a real `sadakat serve` child process (dynalite, journeys and
 * sends on, `--trace`): a few hundred events at one rate. Behaviour, not timing: every posted
 * event is traced as processed and is in its customer's profile, and both latencies are reported.
 * serve runs on the real clock, so it gets the example campaign without quiet hours: the welcome
 * email is then sent at any hour of the day (docs/decisions.md, 40).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveStep, keepAliveAgent, type StepResult } from '../../bench/load-driver.js';
import { LoadMix } from '../../bench/load-mix.js';
import { startServeChild, type ChildServer } from '../../bench/serve-child.js';
import { TraceTail } from '../../bench/trace-tail.js';
import { startLocalRuntime } from '../../shared/local/runtime.js';
import { systemClock } from '../../shared/ports.js';
import { anyHourCampaign, type FixtureCampaign } from '../any-hour-campaign.js';

const WRITE_KEY = 'load-test-key';
const RUN_TAG = 'e2e';
const SEED = 3;

describe('load driver against sadakat serve', () => {
  let workDir: string;
  let serve: ChildServer | undefined;
  let step: StepResult;
  let exitCode: number | null;
  let serveOutput: string;
  let campaign: FixtureCampaign;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'sadakat-load-'));
    campaign = await anyHourCampaign();
    const tracePath = join(workDir, 'trace.jsonl');
    await writeFile(tracePath, '');
    serve = await startServeChild({
      dataDir: join(workDir, 'data'),
      writeKey: WRITE_KEY,
      tracePath,
      engine: 'dynalite',
      campaign: campaign.dir,
    });
    const trace = await TraceTail.open(tracePath);
    const agent = keepAliveAgent();
    try {
      step = await driveStep(
        { url: serve.url, writeKey: WRITE_KEY, agent },
        new LoadMix(RUN_TAG, SEED),
        { rate: 25, maxEvents: 300, maxSeconds: 60, settleSeconds: 90 },
        trace,
      );
    } finally {
      agent.destroy();
      await trace.close();
      exitCode = await serve.stop();
      serveOutput = serve.output();
      serve = undefined;
    }
  }, 300_000);

  afterAll(async () => {
    await serve?.stop();
    await rm(workDir, { recursive: true, force: true });
    await campaign?.remove();
  });

  it('traces every posted event as processed, with latencies to profile and to send decision', () => {
    // Prepare: the step ran in beforeAll

    // Act: nothing more

    // Assess
    expect(step.posted).toBeGreaterThanOrEqual(300);
    expect(step.accepted).toBe(step.posted);
    expect(step.late).toBe(0);
    expect(step.eventToProfileMs.count).toBe(step.posted);
    expect(step.eventToProfileMs.p50).toBeGreaterThan(0);
    expect(step.eventToProfileMs.p99).toBeGreaterThanOrEqual(step.eventToProfileMs.p50);
    // Orders of new customers start the welcome journey, whose email is decided at once.
    expect(step.eventToDecisionMs.count).toBeGreaterThan(0);
    expect(step.eventToDecisionMs.p50).toBeGreaterThanOrEqual(0);
    expect(step.decisions.sent).toBeGreaterThan(0);
  });

  it('stops cleanly on SIGTERM after draining', () => {
    // Prepare: serve was stopped in beforeAll

    // Act: nothing more

    // Assess
    expect(exitCode).toBe(0);
    expect(serveOutput).toContain('stopped cleanly');
  });

  it('leaves every posted event in its customer profile', async () => {
    // Prepare: the same seed replays the same sessions the driver posted
    const replay = new LoadMix(RUN_TAG, SEED);
    const expected = new Map<string, { views: number; orders: number }>();
    for (let events = 0; events < step.posted; ) {
      const { calls } = replay.next(new Date());
      events += calls.length;
      const userId = String(calls[0]?.userId);
      expected.set(userId, {
        views: calls.filter((call) => call.event === 'Product Viewed').length,
        orders: calls.filter((call) => call.event === 'Order Completed').length,
      });
    }
    const runtime = await startLocalRuntime({ dataDir: join(workDir, 'data'), engine: 'dynalite', clock: systemClock });

    // Act
    const found = new Map<string, { views: number; orders: number }>();
    try {
      for (const userId of expected.keys()) {
        const profile = await runtime.profiles.getProfile(userId);
        found.set(userId, { views: profile?.events['Product Viewed']?.count ?? 0, orders: profile?.orders.count ?? 0 });
      }
    } finally {
      await runtime.stop();
    }

    // Assess
    expect(found).toEqual(expected);
  });
});
