/**
 * The demo runs the send handler with the deps Lambda gets (shared/wiring/compose.ts), so a
 * journey's own `limits` and `quietHours` hold locally too. campaign/journeys/abandoned-cart.yaml
 * sets quiet hours of 20:00–10:00 (the campaign's are 21:00–09:00) and at most one message a day,
 * two a week, per customer.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileFromItem } from '../../shared/aws/dynamo-profile-store.js';
import type { DemoSummary } from '../../shared/local/demo/run-demo.js';
import { startLocalRuntime } from '../../shared/local/runtime.js';
import { VirtualClock } from '../../shared/local/virtual-clock.js';
import { loadRuntimeCampaign } from '../../shared/wiring/runtime-campaign.js';
import { type SeededDemo, seededDemo } from '../seeded-demo.js';

const JOURNEY = 'abandoned-cart';
const DAY_MS = 86_400_000;

interface Item {
  PK: string;
  SK: string;
  [key: string]: unknown;
}

describe(`the demo honours ${JOURNEY}'s own limits and quiet hours`, () => {
  let demo: SeededDemo;
  let summary: DemoSummary;
  let items: Item[];

  beforeAll(async () => {
    demo = await seededDemo();
    summary = demo.summary;
    // The demo leaves its table in the data folder: read the ledger, cap counters and profiles back.
    const runtime = await startLocalRuntime({
      dataDir: demo.dataDir,
      engine: 'dynalite',
      clock: new VirtualClock(new Date(0)),
    });
    try {
      items = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await runtime.doc.send(
          new ScanCommand({ TableName: runtime.tableName, ExclusiveStartKey: startKey }),
        );
        items.push(...((page.Items ?? []) as Item[]));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    } finally {
      await runtime.stop();
    }
  }, 600_000);

  afterAll(async () => {
    await demo?.remove();
  });

  it('reads the policy from the example campaign', async () => {
    const journey = (await loadRuntimeCampaign('campaign')).journeys.find((entry) => entry.id === JOURNEY);
    expect(journey?.quietHours).toEqual({ start: '20:00', end: '10:00' });
    expect(journey?.limits).toEqual({ perDay: 1, perWeek: 2 });
  });

  it("sends the journey's messages only inside its own hours, in each customer's timezone", () => {
    const timezones = new Map(
      items
        .filter((item) => item.SK === 'PROFILE')
        .map((item) => [item.PK, profileFromItem(item.PK.slice(2), item).timezone ?? 'Europe/Istanbul']),
    );
    const sent = items.filter(
      (item) => item.SK.startsWith('M#') && item.journeyId === JOURNEY && item.status === 'sent',
    );
    expect(sent.length).toBeGreaterThan(0);
    for (const item of sent) {
      const local = DateTime.fromISO(String(item.updatedAt), { zone: timezones.get(item.PK) ?? 'Europe/Istanbul' });
      // 09:00–10:00 and 20:00–21:00 are allowed by the campaign's settings, not by this journey.
      expect(local.hour >= 10 && local.hour < 20, `${item.SK} at ${local.toISO()}`).toBe(true);
    }
  });

  it('reports the deferrals under the journey', () => {
    expect(summary.journeys[JOURNEY]?.refusals.deferred).toBeGreaterThan(0);
  });

  it('counts the journey against its own limits per customer, and never goes over them', () => {
    // One cap item per customer and day, `CAP#*#<day>`, a counter attribute per scope (decision 307).
    const scope = `n#journey:${JOURNEY}`;
    const counters = items.filter((item) => item.SK.startsWith('CAP#*#') && item[scope] !== undefined);
    expect(counters.length).toBeGreaterThan(0);
    const byCustomer = new Map<string, Map<number, number>>();
    for (const item of counters) {
      const day = Number(item.SK.split('#').pop());
      const days = byCustomer.get(item.PK) ?? new Map<number, number>();
      days.set(day, Number(item[scope]));
      byCustomer.set(item.PK, days);
    }
    for (const [customer, days] of byCustomer) {
      for (const [day, count] of days) {
        expect(count, `${customer} on day ${day}`).toBeLessThanOrEqual(1);
        const week = [...days].filter(([other]) => other <= day && other > day - 7).reduce((sum, [, n]) => sum + n, 0);
        expect(week, `${customer} in the week to ${new Date(day * DAY_MS).toISOString()}`).toBeLessThanOrEqual(2);
      }
    }
  });
});
