/**
 * Decision 225 (issue 20): on a night without orders the score phase writes only the customers a
 * rule could see change, and a rule on a CLV figure still sees the figure of the day it runs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readArtifact, refreshModelSchema } from '../../../shared/analytics/refresh/artifacts.js';
import { dayOfDate } from '../../../shared/analytics/calendar-day.js';
import { clvOf } from '../../../shared/analytics/refresh/clv-scores.js';
import { purchaseHistory } from '../../../shared/analytics/refresh/purchase-history.js';
import { SyntheticShop } from '../../../shared/local/demo/synthetic-shop.js';
import { compileCheckedDefinitions } from '../../../shared/segments/compile.js';
import { applyQueued, changedCount, importInto, newWorld, runRefresh, type World } from './refresh-harness.js';

const GATE = { minRepeatCustomers: 20, minSpanDays: 30 };
const NIGHT_ONE = '2026-11-01';
const NIGHT_TWO = '2026-11-02';

async function shop(customers: number): Promise<World> {
  const world = newWorld();
  const history = new SyntheticShop({ customers, days: 1, seed: 11, liveStart: new Date(`${NIGHT_ONE}T00:00:00Z`) });
  await importInto(world, history.history());
  return world;
}

describe('scores only when a rule can see a change', () => {
  let world: World;
  let legacy: World;
  beforeAll(async () => {
    [world, legacy] = await Promise.all([shop(400), shop(400)]);
  });

  it('writes at most 5% of the profiles on a night without orders, where every-change rewrites most', async () => {
    // A rule on the churn score at tonight's median: a threshold in the thick of the population.
    const first = await runRefresh(world, { asOf: NIGHT_ONE, gate: GATE });
    expect(first.fit.clv.status).toBe('fitted');
    await applyQueued(world);
    const rules = compileCheckedDefinitions([likelyGone(0.6)], undefined, 'UTC').clvRules ?? [];
    expect(rules).toHaveLength(1);
    const second = await runRefresh(world, { asOf: NIGHT_TWO, gate: GATE, clvRules: rules });
    const scored = second.scores.reduce((sum, score) => sum + score.scored, 0);
    expect(scored).toBeGreaterThan(250);
    expect(changedCount(second) / scored).toBeLessThanOrEqual(0.05);

    await runRefresh(legacy, { asOf: NIGHT_ONE, gate: GATE, writes: 'every-change' });
    await applyQueued(legacy);
    const before = await runRefresh(legacy, { asOf: NIGHT_TWO, gate: GATE, writes: 'every-change' });
    expect(changedCount(before) / scored).toBeGreaterThan(0.5);
  });

  it('lets a rule on a CLV figure see the figure of the day it runs, written or not', async () => {
    const threshold = 0.6;
    const segment = compileCheckedDefinitions([likelyGone(threshold)], undefined, 'UTC').byId.get('likely_gone');
    const night = await runRefresh(world, { asOf: NIGHT_TWO, gate: GATE });
    const model = await readArtifact(world.artifacts, night.fit.modelKey, refreshModelSchema);
    if (model.clv.status !== 'fitted' || !segment) throw new Error('CLV was not fitted');
    const day = dayOfDate(NIGHT_TWO);
    if (!day.ok) throw new Error(day.reason);
    const nowMs = Date.parse(`${NIGHT_TWO}T12:00:00Z`);
    let drifted = 0;
    let compared = 0;
    for (const profile of world.profiles.items.values()) {
      const history = purchaseHistory(profile.orders, day.day, 'UTC');
      if (history === undefined || profile.clv === undefined) continue;
      compared++;
      const tonight = clvOf(model.clv, model.clv.tiers, history).pNoPurchase30d as number;
      expect(segment.test(profile, nowMs), profile.id).toBe(tonight >= threshold);
      // Stored: the tier and the parameters only; the figure itself is computed on read.
      expect(profile.clv.pNoPurchase30d).toBeUndefined();
      if (Math.abs(tonight - threshold) > 0.01) drifted++;
    }
    expect(compared).toBeGreaterThan(250);
    expect(drifted).toBeGreaterThan(0);
  });
});

function likelyGone(threshold: number) {
  return {
    id: 'likely_gone',
    rule: { kind: 'attr' as const, path: 'clv.pNoPurchase30d', test: { op: 'gte' as const, value: threshold } },
  };
}
