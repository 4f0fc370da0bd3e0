/**
 * The example campaign's win-back audience (campaign/segments.yaml, decisions 195–196): churn_risk
 * is the MBG/NBD churn score where the nightly refresh could fit the model, and RFM's low-recency
 * segments where it could not (a shop with too few repeat buyers: no `clv` on any profile);
 * high_value, whom win-back calls, includes the frequent buyers who went quiet.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../../shared/config/load-settings.js';
import type { Clv, Rfm } from '../../../shared/profiles/schema.js';
import { loadSegments } from '../../../shared/segments/load-segments.js';
import type { CompiledSegments } from '../../../shared/segments/evaluate.js';
import { NOW, profileWith } from './profiles.js';

let compiled: CompiledSegments;
beforeAll(async () => {
  const settings = await loadSettings('campaign');
  if (!settings.ok) throw new Error('campaign/settings.yaml is invalid');
  const result = await loadSegments('campaign', settings.settings);
  if (!result.ok) throw new Error('campaign/segments.yaml is invalid');
  compiled = result.compiled;
});

const CLV: Clv = { pAlive: 0.2, expectedPurchases30d: 0.01, value12m: 40, tier: 'low', pNoPurchase30d: 0.99 };

function inSegment(id: string, rfm: Rfm['segment'] | undefined, clv: Clv | undefined): boolean {
  const profile = profileWith((p) => {
    if (rfm !== undefined) p.rfm = { r: 1, f: 3, m: 3, segment: rfm };
    if (clv !== undefined) p.clv = clv;
  });
  const segment = compiled.byId.get(id);
  if (!segment) throw new Error(`no segment ${id}`);
  return segment.test(profile, NOW);
}

describe('churn_risk', () => {
  it.each([
    ['at_risk', true],
    ['cant_lose', true],
    ['about_to_sleep', true],
    ['hibernating', true],
    ['champions', false],
    ['loyal_customers', false],
    ['need_attention', false],
    [undefined, false],
  ] as const)('without a churn score: RFM %s → %s', (rfm, expected) => {
    expect(inSegment('churn_risk', rfm, undefined)).toBe(expected);
  });

  it('with a churn score, follows the score and not RFM', () => {
    expect(inSegment('churn_risk', 'champions', CLV)).toBe(true);
    expect(inSegment('churn_risk', 'hibernating', { ...CLV, pNoPurchase30d: 0.5 })).toBe(false);
  });
});

describe('high_value', () => {
  it.each([
    ['cant_lose', true],
    ['at_risk', true],
    ['champions', true],
    ['loyal_customers', true],
    ['hibernating', false],
    ['about_to_sleep', false],
  ] as const)('RFM %s → %s', (rfm, expected) => {
    expect(inSegment('high_value', rfm, undefined)).toBe(expected);
  });

  it('a high predicted value counts whatever RFM says', () => {
    expect(inSegment('high_value', 'hibernating', { ...CLV, tier: 'high' })).toBe(true);
  });
});
