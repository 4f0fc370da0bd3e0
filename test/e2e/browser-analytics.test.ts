/**
 * In real Chromium (issue 17): the browser build of Segment's analytics.js (`@segment/analytics-next`,
 * its standalone bundle served as a storefront would load it) on a page of another origin listed
 * on the browser key identifies and tracks into `sadakat serve`'s server, configured only with
 * the CDN (`_cdn`, sadakat's host: settings come from there) — and a page of an unlisted origin
 * is refused by CORS.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCampaign } from '../../shared/config/campaign.js';
import { startIngestServer, type RunningIngestServer } from '../../shared/local/ingest-server.js';
import { buildLocalHandlers } from '../../shared/local/local-handlers.js';
import { startLocalRuntime, type LocalRuntime } from '../../shared/local/runtime.js';
import { systemClock } from '../../shared/ports.js';

const CHROMIUM = '/usr/bin/chromium';
const BROWSER_KEY = 'browser-key-for-chromium';
const STANDALONE = 'node_modules/@segment/analytics-next/dist/umd/standalone.js';

/** A storefront page: the analytics.js snippet's call buffer, the key, the CDN, then the bundle. */
function storefrontPage(sadakatUrl: string, userId: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>shop</title></head><body>
<script>
  var analytics = (window.analytics = []);
  analytics.methods = ['identify', 'track', 'page'];
  analytics.factory = function (method) {
    return function () {
      var args = Array.prototype.slice.call(arguments);
      args.unshift(method);
      analytics.push(args);
      return analytics;
    };
  };
  for (var i = 0; i < analytics.methods.length; i++) analytics[analytics.methods[i]] = analytics.factory(analytics.methods[i]);
  analytics.invoked = true;
  analytics._writeKey = ${JSON.stringify(BROWSER_KEY)};
  analytics._cdn = ${JSON.stringify(sadakatUrl)};
  analytics.identify(${JSON.stringify(userId)}, { firstName: 'Ayşe' });
  analytics.track('Product Viewed', { product_id: 'p-42', category: 'shoes' });
</script>
<script src="/analytics.js/v1/${BROWSER_KEY}/analytics.min.js"></script>
</body></html>`;
}

async function startPageServer(sadakatUrl: () => string, userId: string): Promise<{ server: Server; origin: string }> {
  const bundle = await readFile(STANDALONE);
  const server = createServer((request, response) => {
    if (request.url?.endsWith('/analytics.min.js')) {
      response.writeHead(200, { 'content-type': 'text/javascript' });
      response.end(bundle);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(storefrontPage(sadakatUrl(), userId));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('analytics.js in Chromium', () => {
  let dataDir: string;
  let runtime: LocalRuntime;
  let sadakat: RunningIngestServer;
  let sadakatUrl = '';
  let shop: { server: Server; origin: string };
  let stranger: { server: Server; origin: string };
  let browser: BrowserContext;

  beforeAll(async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is not installed: apt-get install -y chromium`).toBe(true);
    shop = await startPageServer(() => sadakatUrl, 'shopper-1');
    stranger = await startPageServer(() => sadakatUrl, 'stranger-1');
    dataDir = await mkdtemp(join(tmpdir(), 'sadakat-browser-'));
    runtime = await startLocalRuntime({ dataDir, engine: 'dynalite', clock: systemClock, fresh: true });
    const handlers = buildLocalHandlers(runtime, {
      campaign: await loadCampaign('campaign'),
      writeKeys: ['server-key-for-chromium'],
      browserKeys: [{ key: BROWSER_KEY, origins: [shop.origin] }],
      journeys: null,
    });
    sadakat = await startIngestServer(
      {
        ingest: handlers.ingest,
        processEvents: handlers.processEvents,
        writeKeys: handlers.writeKeys,
        queue: runtime.eventsQueue,
        clock: systemClock,
      },
      0,
    );
    sadakatUrl = `http://127.0.0.1:${sadakat.port}`;
    browser = await chromium.launchPersistentContext(join(dataDir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await sadakat?.close();
    await runtime?.stop();
    shop?.server.close();
    stranger?.server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function profileOf(userId: string, within: number) {
    const until = Date.now() + within;
    for (;;) {
      const profile = await runtime.profiles.getProfile(userId);
      if ((profile?.events?.['Product Viewed'] && profile.name?.first) || Date.now() > until) return profile;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it('identifies and tracks from a page of a listed origin', async () => {
    // Prepare
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(`${request.method()} ${new URL(request.url()).pathname}`));

    // Act
    await page.goto(shop.origin);
    const profile = await profileOf('shopper-1', 15_000);

    // Assess
    expect(requests).toContain(`GET /v1/projects/${BROWSER_KEY}/settings`);
    expect(profile?.name?.first).toBe('Ayşe');
    expect(profile?.events?.['Product Viewed']).toBeDefined();
    await page.close();
  }, 30_000);

  it('is refused by CORS from a page of an unlisted origin', async () => {
    // Prepare
    const page = await browser.newPage();
    await page.goto(stranger.origin);

    // Act
    const direct = await page.evaluate(
      async ({ url, key }) => {
        try {
          const response = await fetch(`${url}/v1/t`, {
            method: 'POST',
            headers: { 'content-type': 'text/plain' },
            body: JSON.stringify({ writeKey: key, userId: 'stranger-2', event: 'Product Viewed' }),
          });
          return `status ${response.status}`;
        } catch (error) {
          return `refused: ${String(error)}`;
        }
      },
      { url: sadakatUrl, key: BROWSER_KEY },
    );
    await new Promise((resolve) => setTimeout(resolve, 2000));

    // Assess
    expect(direct).toMatch(/^refused: TypeError/);
    expect(await runtime.profiles.getProfile('stranger-1')).toBeUndefined();
    expect(await runtime.profiles.getProfile('stranger-2')).toBeUndefined();
    await page.close();
  }, 30_000);
});
