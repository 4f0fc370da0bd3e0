import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateCampaign } from '../../../shared/config/validate-campaign.js';
import { convertExport } from '../../../shared/migration/pinpoint/convert-export.js';
import {
  abandonedCartJourney,
  cartEmailTemplate,
  cartSegment,
  cartSmsTemplate,
} from '../../fixtures/pinpoint/abandoned-cart.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pinpoint-'));
  for (const folder of ['journeys', 'segments', 'templates'])
    await mkdir(join(dir, 'export', folder), { recursive: true });
  await writeFile(join(dir, 'export/journeys/cart.json'), JSON.stringify({ JourneyResponse: abandonedCartJourney }));
  await writeFile(join(dir, 'export/segments/cart.json'), JSON.stringify({ SegmentResponse: cartSegment }));
  await writeFile(
    join(dir, 'export/templates/email.json'),
    JSON.stringify({ EmailTemplateResponse: cartEmailTemplate }),
  );
  await writeFile(join(dir, 'export/templates/sms.json'), JSON.stringify({ SMSTemplateResponse: cartSmsTemplate }));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function importExport(): Promise<Awaited<ReturnType<typeof convertExport>>> {
  const exportDir = join(dir, 'export');
  return convertExport({
    journeys: join(exportDir, 'journeys'),
    segments: join(exportDir, 'segments'),
    templates: join(exportDir, 'templates'),
    out: join(dir, 'campaign'),
  });
}

describe('import pinpoint: abandoned cart export', () => {
  it('produces a campaign folder that sadakat validate accepts', async () => {
    // Prepare: the export folders written above
    // Act
    await importExport();
    const { errors } = await validateCampaign(join(dir, 'campaign'));
    // Assess
    expect(errors).toEqual([]);
  });

  it('maps holdout, random split, wait, email, open split and SMS to steps in graph order', async () => {
    await importExport();
    const journey = parse(await readFile(join(dir, 'campaign/journeys/abandoned-cart.yaml'), 'utf8')) as {
      steps: Record<string, unknown>[];
    };
    expect(journey.steps).toEqual([
      {
        id: 'holdout1',
        split: {
          experiment: 'abandoned-cart-holdout1',
          variants: [
            { id: 'holdout', weight: 10, holdout: true, next: 'split1' },
            { id: 'treatment', weight: 90, next: 'split1' },
          ],
        },
      },
      {
        id: 'split1',
        split: {
          experiment: 'abandoned-cart-split1',
          variants: [
            { id: 'branch-1', weight: 50, next: 'waithour' },
            { id: 'branch-2', weight: 50, next: 'smsnow' },
          ],
        },
      },
      { id: 'waithour', wait: '1h', next: 'cartemail' },
      { id: 'smsnow', send: { channel: 'sms', template: 'cartremindersms' }, next: 'end' },
      { id: 'cartemail', send: { channel: 'email', template: 'cartreminder' }, next: 'openedsplit' },
      { id: 'openedsplit', branch: { opened: 'cartemail', within: '1d', then: 'end', else: 'cartsms' } },
      { id: 'cartsms', send: { channel: 'sms', template: 'cartremindersms' }, next: 'end' },
      { id: 'end', end: true },
    ]);
  });

  it('maps the event start, audience segment, re-entry interval, limits and quiet time', async () => {
    await importExport();
    const journey = parse(await readFile(join(dir, 'campaign/journeys/abandoned-cart.yaml'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(journey).toMatchObject({
      trigger: { event: 'Product Added' },
      entry: { segment: 'cart_abandoners', reentry: { after: '1w' } },
      limits: { perDay: 2, messagesPerSecond: 50 },
      quietHours: { start: '22:00', end: '08:00' },
    });
  });

  it('reports the CUSTOM activity by id and the unconvertible template helper by file and line', async () => {
    const { report } = await importExport();
    expect(report.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ area: 'journey', source: 'abandoned-cart/Webhook' }),
        expect.objectContaining({ area: 'template', source: 'templates/cartreminder/html.liquid:3' }),
        expect.objectContaining({ area: 'segment', source: 'Cart Abandoners' }),
      ]),
    );
    expect(await readFile(join(dir, 'campaign/migration-report.md'), 'utf8')).toContain('abandoned-cart/Webhook');
  });
});

describe('import pinpoint: two journeys with the same name', () => {
  it('numbers the second so both files exist and the folder still validates', async () => {
    await writeFile(
      join(dir, 'export/journeys/copy.json'),
      JSON.stringify({ JourneyResponse: { ...abandonedCartJourney, Id: 'other' } }),
    );
    const { journeys } = await importExport();
    const { errors } = await validateCampaign(join(dir, 'campaign'));
    expect(journeys).toEqual(['abandoned-cart', 'abandoned-cart-2']);
    expect(errors).toEqual([]);
  });
});
