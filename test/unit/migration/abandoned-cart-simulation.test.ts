import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCampaign } from '../../../shared/config/campaign.js';
import { requireJourneys } from '../../../shared/journeys/campaign-journeys.js';
import { simulateJourney, type SimulationResult } from '../../../shared/journeys/simulation/simulate.js';
import { convertExport } from '../../../shared/migration/pinpoint/convert-export.js';
import { abandonedCartJourney, cartEmailTemplate, cartSegment, cartSmsTemplate } from '../../fixtures/pinpoint/abandoned-cart.js';

// Round trip: the imported journey, played through the real engine, walks the paths the Pinpoint
// definition has: Holdout → RandomSplit → (wait 1h → email → not opened in 1d → SMS) or (SMS now).
const CUSTOMERS = Array.from({ length: 40 }, (_, index) => `c${index}`);
const EMAIL_PATH = ['holdout1', 'split1', 'waithour', 'cartemail', 'openedsplit', 'cartsms', 'end'];
const SMS_PATH = ['holdout1', 'split1', 'smsnow', 'end'];

let dir: string;
let result: SimulationResult;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pinpoint-sim-'));
  await mkdir(join(dir, 'export'));
  await writeFile(join(dir, 'export/journey.json'), JSON.stringify({ JourneyResponse: abandonedCartJourney }));
  await writeFile(join(dir, 'export/segment.json'), JSON.stringify({ SegmentResponse: cartSegment }));
  await writeFile(join(dir, 'export/email.json'), JSON.stringify({ EmailTemplateResponse: cartEmailTemplate }));
  await writeFile(join(dir, 'export/sms.json'), JSON.stringify({ SMSTemplateResponse: cartSmsTemplate }));
  const out = join(dir, 'campaign');
  await convertExport({ journeys: join(dir, 'export'), segments: join(dir, 'export'), templates: join(dir, 'export'), out });
  const campaign = await loadCampaign(out);
  const [journey] = await requireJourneys(out, campaign.settings, campaign.segments);
  const calls = CUSTOMERS.flatMap((id, index) => [
    { type: 'identify', messageId: `i-${id}`, userId: id, timestamp: `2026-11-02T09:${String(index).padStart(2, '0')}:00Z`, traits: { email: `${id}@example.com`, phone: '+905551112233', CartStatus: 'abandoned', consent: { email: true, sms: true } } },
    { type: 'track', messageId: `t-${id}`, userId: id, event: 'Product Added', timestamp: `2026-11-02T09:${String(index).padStart(2, '0')}:30Z`, properties: { product_id: 'p1', price: 10, quantity: 1 } },
  ]);
  result = await simulateJourney({ journey: journey as NonNullable<typeof journey>, settings: campaign.settings, segments: campaign.segments, calls });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Step ids in order; a branch that waits for an open shows twice (start and decision), kept once. */
function stepsOf(customerId: string): string[] {
  const ids = (result.paths.get(customerId) ?? []).flatMap((entry) => (entry.kind === 'effect' && entry.effect.kind === 'step' ? [entry.effect.stepId] : []));
  return ids.filter((id, index) => id !== ids[index - 1]);
}

describe('imported abandoned-cart journey in sadakat simulate', () => {
  it('lets every customer of the audience segment in on Product Added', () => {
    expect([...result.paths.keys()].sort()).toEqual([...CUSTOMERS].sort());
  });

  it('walks each customer along one of the two Pinpoint branches, and both branches are used', () => {
    const paths = CUSTOMERS.map(stepsOf);
    expect(paths.every((path) => JSON.stringify(path) === JSON.stringify(EMAIL_PATH) || JSON.stringify(path) === JSON.stringify(SMS_PATH))).toBe(true);
    expect(paths.some((path) => path.includes('waithour'))).toBe(true);
    expect(paths.some((path) => path.includes('smsnow'))).toBe(true);
  });

  it('sends the email an hour after entry and the SMS a day after an unopened email', () => {
    const customer = CUSTOMERS.find((id) => stepsOf(id).includes('cartemail')) as string;
    const sends = result.sends.filter((request) => request.customerId === customer);
    const entered = (result.paths.get(customer) ?? [])[0]?.at as string;
    expect(sends.map((request) => [request.channel, Date.parse(request.requestedAt) - Date.parse(entered)])).toEqual([
      ['email', 3_600_000],
      ['sms', 3_600_000 + 86_400_000],
    ]);
  });

  it('skips every send of holdout customers', () => {
    const holdout = new Set([...result.paths].filter(([, path]) => path[0]?.kind === 'entered' && path[0].holdout).map(([id]) => id));
    const holdoutSends = result.sends.filter((request) => holdout.has(request.customerId));
    expect(holdoutSends.every((request) => request.holdout)).toBe(true);
  });
});
