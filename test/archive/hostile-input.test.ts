/**
 * Hostile input end to end (issue 23, "Privacy by design"): a server key posts identify, track
 * and page calls with an email address and a phone number hidden everywhere a caller can put
 * them — traits, free-text traits, properties, event and page names, product ids, page URLs and
 * their query strings, percent-encoded — through the real ingest and process-events on the
 * embedded engine. Not one archive file holds the address, the number or the raw ids.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCampaign } from '../../shared/config/campaign.js';
import { buildLocalHandlers } from '../../shared/local/local-handlers.js';
import { drainQueue } from '../../shared/local/queue-driver.js';
import { startLocalRuntime, type LocalRuntime } from '../../shared/local/runtime.js';
import { VirtualClock } from '../../shared/local/virtual-clock.js';
import { postToIngest, WRITE_KEY } from '../e2e/spine-harness.js';

const EMAIL = 'hostile.person@example.com';
const PHONE = '+905551112233';
const USER = 'hostile-user-4711';
const ANONYMOUS = 'hostile-anon-0815';
const ORDER = 'hostile-order-9001';
const ENCODED = encodeURIComponent(EMAIL);

describe('hostile input never reaches the archive', () => {
  let dataDir: string;
  let runtime: LocalRuntime;
  let archive: string;
  let accepted = 0;
  const clock = new VirtualClock(new Date('2026-11-02T10:00:00Z'));

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sadakat-hostile-'));
    runtime = await startLocalRuntime({ dataDir, engine: 'dynalite', clock, fresh: true });
    const { ingest, processEvents } = buildLocalHandlers(runtime, {
      campaign: await loadCampaign('campaign'),
      writeKeys: [WRITE_KEY],
      journeys: null,
    });
    const at = clock.now().toISOString();
    const context = {
      page: { url: `https://shop.example/account?email=${ENCODED}&phone=${PHONE}`, referrer: `mailto:${EMAIL}` },
      userAgent: `Mozilla/5.0 (${EMAIL})`,
      locale: 'tr-TR',
    };
    const batch = [
      {
        type: 'page',
        messageId: 'h-1',
        anonymousId: ANONYMOUS,
        name: `Welcome ${EMAIL}`,
        timestamp: at,
        context,
        properties: {
          url: `https://shop.example/u/${EMAIL}/orders?e=${ENCODED}#${PHONE}`,
          path: `/u/${ENCODED}/orders`,
          search: `?email=${EMAIL}`,
          title: `Orders of ${EMAIL}`,
        },
      },
      {
        type: 'identify',
        messageId: 'h-2',
        userId: USER,
        anonymousId: ANONYMOUS,
        timestamp: at,
        context,
        traits: {
          email: EMAIL,
          phone: PHONE,
          firstName: EMAIL,
          bio: `write to ${EMAIL} or call ${PHONE}`,
          address: { street: EMAIL, city: PHONE },
          consent: { email: true, sms: true },
          nested: { deeper: [EMAIL, PHONE] },
        },
      },
      {
        type: 'track',
        messageId: 'h-3',
        userId: USER,
        event: `Product Viewed ${EMAIL}`,
        timestamp: at,
        context,
        properties: { product_id: EMAIL, category: ENCODED, note: `${EMAIL} ${PHONE}`, price: 10, email: EMAIL },
      },
      {
        type: 'track',
        messageId: 'h-4',
        userId: USER,
        event: 'Order Completed',
        timestamp: at,
        context,
        properties: {
          order_id: ORDER,
          revenue: 120,
          currency: 'TRY',
          coupon: EMAIL,
          products: [{ product_id: PHONE, sku: EMAIL, category: `gifts for ${EMAIL}`, price: 120, quantity: 1 }],
          shipping: { email: EMAIL, phone: PHONE },
        },
      },
    ];
    const answer = await postToIngest(ingest, clock, '/v1/batch', { batch });
    expect(answer.statusCode).toBe(200);
    accepted = answer.body.accepted ?? 0;
    await drainQueue(runtime.eventsQueue, processEvents, { concurrency: 1, clock });
    await runtime.stop();
    const files = (await readdir(join(dataDir, 'archive'), { recursive: true })).filter((name) =>
      name.endsWith('.jsonl'),
    );
    archive = (await Promise.all(files.map((name) => readFile(join(dataDir, 'archive', name), 'utf8')))).join('');
  }, 120_000);

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('archives every accepted call', () => {
    expect(accepted).toBe(4);
    expect(archive.split('\n').filter(Boolean)).toHaveLength(4);
  });

  it('holds no address, number or raw id in any form', () => {
    const lower = archive.toLowerCase();
    for (const value of [
      EMAIL,
      ENCODED.toLowerCase(),
      'hostile.person',
      '%40',
      '@',
      PHONE,
      '5551112233',
      USER,
      ANONYMOUS,
      ORDER,
    ])
      expect(lower, value).not.toContain(value.toLowerCase());
  });

  it('still keeps what the analyst needs: the order, its revenue and a scrubbed page path', () => {
    const rows = archive
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const order = rows.find((row) => row.event === 'Order Completed');
    expect(order).toMatchObject({ revenue: 120, currency: 'TRY', has_email: null });
    expect(typeof order?.order_id).toBe('string');
    const identify = rows.find((row) => row.type === 'identify');
    expect(identify).toMatchObject({ has_email: true, has_phone: true, consent_email: true });
  });
});
