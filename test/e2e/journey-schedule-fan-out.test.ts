/**
 * The hourly schedule pass fanned out (issue 16, 1): on dynalite, 5,000 audience members, the
 * plan handler claims the slot and lists 16 shards, journey-schedule runs once per shard as the
 * Step Functions Map would, and every profile is found exactly once. A second delivery of the
 * same scheduled time plans nothing (the slot is claimed in the table).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHandler as buildShardHandler } from '../../functions/journey-schedule.js';
import { buildHandler as buildPlanHandler } from '../../functions/journey-schedule-plan.js';
import { batchWriteItems } from '../../shared/aws/batch-write.js';
import { DynamoPassSlots } from '../../shared/aws/dynamo-pass-slots.js';
import { scanProfiles } from '../../shared/aws/dynamo-profile-scan.js';
import { profileKey } from '../../shared/aws/table.js';
import type { CustomerMessage } from '../../shared/events/messages.js';
import type { SchedulePlan } from '../../shared/journeys/schedule-shards.js';
import { localLambdaContext } from '../../shared/local/lambda-context.js';
import { startLocalRuntime, type LocalRuntime } from '../../shared/local/runtime.js';
import { VirtualClock } from '../../shared/local/virtual-clock.js';
import { emptyProfile } from '../../shared/profiles/schema.js';
import { journeyFrom } from '../unit/journeys/journey-builders.js';

const PROFILES = 5_000;
const SHARDS = 16;
/** Monday 10:00 in Istanbul is 07:00 UTC; the pass at 07:00 covers the hour before it. */
const SCHEDULED_TIME = '2026-03-02T07:00:00Z';
const winBack = journeyFrom(
  'id: win-back\ntrigger: { schedule: "0 10 * * MON", audience: churn_risk }\nentry: { reentry: { after: 30d } }\nsteps:\n  - send: { channel: email, template: t }\n',
);

describe('journey-schedule fanned out over shards (dynalite)', () => {
  let dataDir: string;
  let runtime: LocalRuntime;
  // The Lambda clock is late on purpose: shards compute their window from the scheduled time.
  const clock = new VirtualClock(new Date('2026-03-02T07:04:00Z'));

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sadakat-schedule-'));
    runtime = await startLocalRuntime({ dataDir, engine: 'dynalite', clock, fresh: true });
    const at = '2026-01-01T00:00:00.000Z';
    await batchWriteItems(
      runtime.doc,
      runtime.tableName,
      Array.from({ length: PROFILES }, (_, index) => {
        const id = `c${index}`;
        return {
          PutRequest: {
            Item: {
              ...profileKey(id),
              ...emptyProfile(id, at),
              timezone: 'Europe/Istanbul',
              segments: { churn_risk: { enteredAt: at } },
            },
          },
        };
      }),
      { operation: 'seed profiles' },
    );
  }, 240_000);

  afterAll(async () => {
    await runtime?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('finds every profile exactly once over 16 shards, and a repeated delivery plans nothing', async () => {
    // Prepare
    const logger = (serviceName: string) => new Logger({ serviceName, logLevel: 'SILENT' });
    const plan = buildPlanHandler({
      slots: new DynamoPassSlots(runtime.doc, runtime.tableName, clock),
      clock,
      shards: SHARDS,
      logger: logger('journey-schedule-plan'),
    });
    const queued: CustomerMessage[] = [];
    const shard = buildShardHandler({
      scanProfiles: (slice) => scanProfiles(runtime.doc, runtime.tableName, slice, clock.now()),
      journeys: [winBack],
      queue: { enqueue: async (messages) => void queued.push(...messages) },
      clock,
      defaultTimezone: 'UTC',
      logger: logger('journey-schedule'),
    });

    // Act
    const planned = (await plan({ scheduledTime: SCHEDULED_TIME }, localLambdaContext('p'))) as SchedulePlan;
    if (!planned.run) throw new Error('the first delivery must plan the pass');
    const results = await Promise.all(
      planned.shards.map((item) => shard(item, localLambdaContext('journey-schedule'))),
    );
    const repeated = await plan({ scheduledTime: SCHEDULED_TIME }, localLambdaContext('p'));

    // Assess
    expect(planned.shards).toHaveLength(SHARDS);
    const perShard = results.map((result) => result.scanned);
    expect(perShard.every((scanned) => scanned < PROFILES)).toBe(true);
    expect(perShard.reduce((sum, scanned) => sum + scanned, 0)).toBe(PROFILES);
    const customers = queued.map((message) => message.customerId);
    expect(customers).toHaveLength(PROFILES);
    expect(new Set(customers).size).toBe(PROFILES);
    expect(queued[0]).toMatchObject({ kind: 'schedule', journeyId: 'win-back', slot: '2026-03-02T07:00:00.000Z' });
    expect(repeated).toEqual({ run: false, at: SCHEDULED_TIME, reason: 'slot already claimed' });
  }, 240_000);
});
