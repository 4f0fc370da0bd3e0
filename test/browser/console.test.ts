/**
 * `sadakat console` in real headless Chromium (Debian's, through playwright-core), on one seeded
 * demo folder and one browser for the whole file: the guard (no token, a foreign Host), every
 * route, each example journey's diagram, a customer found by id with their messages, an email
 * preview, a seeded campaign error on /problems, and axe-core on every page. Without Chromium the
 * test fails (saying how to install it), never skips.
 *
 * Screenshots for README go to docs/console/ when SADAKAT_CONSOLE_SCREENSHOTS=1, else to the
 * temporary folder.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleRun, runConsole } from '../../cli/commands/console.js';
import { loadCampaign } from '../../shared/config/campaign.js';
import type { Journey } from '../../shared/journeys/ast.js';
import { requireJourneys } from '../../shared/journeys/campaign-journeys.js';
import { DEMO_LIVE_START, runDemo } from '../../shared/local/demo/run-demo.js';
import { VirtualClock } from '../../shared/local/virtual-clock.js';

const CHROMIUM = '/usr/bin/chromium';
const ROUTES = ['/', '/customers', '/segments', '/journeys', '/messages', '/experiments', '/problems'];
const axeSource = (createRequire(import.meta.url)('axe-core') as { source: string }).source;

let folder: string;
let campaignDir: string;
let run: ConsoleRun;
let firstLine: string;
let browser: BrowserContext;
let page: Page;
let journeys: Journey[];
let segmentIds: string[];
let shots: string;
const problems: string[] = [];

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is not installed: apt-get install -y chromium`).toBe(true);
  folder = await mkdtemp(join(tmpdir(), 'sadakat-console-'));
  campaignDir = join(folder, 'campaign');
  await cp('campaign', campaignDir, { recursive: true });
  const dataDir = join(folder, 'data');
  await runDemo({ customers: 150, days: 2, seed: 7, dataDir, engine: 'dynalite', campaignDir });
  const campaign = await loadCampaign(campaignDir);
  journeys = await requireJourneys(campaignDir, campaign.settings, campaign.segments);
  segmentIds = [...campaign.segments.byId.keys()];
  const lines: string[] = [];
  // "Now" is after the demo's last day (its clock is fixed, so items with a TTL — decisions
  // that sent nothing keep 30 days — are read as they were, whatever the date of the run).
  const clock = new VirtualClock(new Date(DEMO_LIVE_START.getTime() + 10 * 86_400_000));
  run = await runConsole(
    { port: 0, dataDir, campaign: campaignDir, clock },
    (line) => lines.push(line),
    () => {},
  );
  firstLine = lines[0] ?? '';
  shots = process.env.SADAKAT_CONSOLE_SCREENSHOTS ? 'docs/console' : join(folder, 'shots');
  await mkdir(shots, { recursive: true });
  browser = await chromium.launchPersistentContext(join(folder, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  page = await browser.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
  page.on('request', (sent) => {
    if (!sent.url().startsWith(`http://127.0.0.1:${run.port}/`))
      problems.push(`request outside the console: ${sent.url()}`);
  });
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await run?.stop();
  await rm(folder, { recursive: true, force: true });
});

/** A GET with any Host header (fetch cannot set Host). */
function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const sent = request({ host: '127.0.0.1', port: run.port, path, headers }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    sent.on('error', reject);
    sent.end();
  });
}

async function visit(path: string): Promise<number> {
  const response = await page.goto(`http://127.0.0.1:${run.port}${path}`, { waitUntil: 'load' });
  return response?.status() ?? 0;
}

async function seriousViolations(): Promise<string[]> {
  await page.evaluate(axeSource);
  const results = (await page.evaluate(() =>
    (window as unknown as { axe: { run(context: Document): Promise<unknown> } }).axe.run(document),
  )) as { violations: { id: string; impact: string | null; nodes: { target: unknown }[] }[] };
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${page.url()} ${violation.id} (${violation.impact}): ${JSON.stringify(violation.nodes[0]?.target)}`,
    );
}

describe('sadakat console in headless Chromium', () => {
  it('prints its address with the token first, and refuses requests without the token or for another host', async () => {
    // Assess
    expect(firstLine).toMatch(/^sadakat console: http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}\n$/);
    const token = new URL(firstLine.slice('sadakat console: '.length).trim()).searchParams.get('token') as string;
    const host = `127.0.0.1:${run.port}`;
    expect((await rawGet('/', { Host: host })).status).toBe(401);
    expect((await rawGet('/customers', { Host: host, Cookie: `sadakat_console_${run.port}=wrong` })).status).toBe(401);
    expect((await rawGet(`/?token=${token}x`, { Host: host })).status).toBe(401);
    // A DNS-rebinding page reaches the port under its own name: refused even with the token.
    const rebound = await rawGet(`/?token=${token}`, { Host: `attacker.example:${run.port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.body).not.toContain('sadakat_console');
    expect((await rawGet('/', { Host: `192.168.1.5:${run.port}` })).status).toBe(403);
    // With the token: a cookie, and the token leaves the address.
    const opened = await rawGet(`/?token=${token}`, { Host: host });
    expect(opened.status).toBe(303);
  });

  it('renders every route after opening the printed address, with no serious accessibility violation', async () => {
    // Act
    await page.goto(firstLine.slice('sadakat console: '.length).trim(), { waitUntil: 'load' });
    const landed = new URL(page.url());
    const statuses: Record<string, number> = {};
    const headings: Record<string, string> = {};
    const violations: string[] = [];
    for (const route of ROUTES) {
      statuses[route] = await visit(route);
      headings[route] = (await page.textContent('h1')) ?? '';
      violations.push(...(await seriousViolations()));
      await page.screenshot({
        path: join(shots, `${route === '/' ? 'overview' : route.slice(1)}.png`),
        fullPage: false,
      });
    }

    // The detail page not walked by the tests below: a segment.
    const segmentRoute = `/segments/${encodeURIComponent(segmentIds[0] ?? '')}`;
    statuses[segmentRoute] = await visit(segmentRoute);
    const definition = (await page.textContent('pre.yaml')) ?? '';
    violations.push(...(await seriousViolations()));
    await page.screenshot({ path: join(shots, 'segment.png'), fullPage: false });

    // Assess
    expect(segmentIds.length).toBeGreaterThan(0);
    expect(definition).toContain(`id: ${segmentIds[0]}`);
    expect(definition).toContain('description:');
    expect(landed.pathname).toBe('/');
    expect(landed.search).toBe('');
    expect(statuses).toEqual(Object.fromEntries([...ROUTES, segmentRoute].map((route) => [route, 200])));
    expect(headings).toMatchObject({ '/': 'Overview', '/journeys': 'Journeys', '/problems': 'Problems' });
    expect(violations).toEqual([]);
    expect(problems).toEqual([]);
  }, 120_000);

  it('draws each example journey with one node per step, labelled with the step id', async () => {
    const drawn: Record<string, string[]> = {};
    const violations: string[] = [];
    for (const journey of journeys) {
      expect(await visit(`/journeys/${journey.id}`)).toBe(200);
      drawn[journey.id] = await page.$$eval('svg.journey-diagram g.step', (nodes) =>
        nodes.map((node) => `${node.getAttribute('data-step')}=${node.querySelector('.step-id')?.textContent}`),
      );
      violations.push(...(await seriousViolations()));
    }
    await visit('/journeys/viewed-not-bought');
    await page.screenshot({ path: join(shots, 'journey.png'), fullPage: true });

    // Assess
    expect(drawn).toEqual(
      Object.fromEntries(journeys.map((journey) => [journey.id, journey.steps.map((step) => `${step.id}=${step.id}`)])),
    );
    expect(violations).toEqual([]);
  }, 120_000);

  it('finds a customer by id and shows their messages; a message previews as the customer saw it', async () => {
    // Prepare: a customer with an email, from the messages page.
    await visit('/messages?channel=email');
    const customerId = await page.textContent('tbody tr td:nth-child(2) a');
    expect(customerId).toBeTruthy();

    // Act: search by id.
    await visit('/customers');
    await page.fill('#q', customerId as string);
    await Promise.all([page.waitForURL(/\/customers\/[^?]+$/), page.click('form.search button')]);
    const messageRows = await page.$$eval('#messages tbody tr', (rows) => rows.length);
    const violations = await seriousViolations();
    await page.screenshot({ path: join(shots, 'customer.png'), fullPage: false });
    await Promise.all([page.waitForURL(/\/messages\//), page.click('#messages tbody tr a[href^="/messages/"]')]);
    const frame = page.frameLocator('iframe.email-preview');
    const emailText = (await frame.locator('body').textContent()) ?? '';
    violations.push(...(await seriousViolations()));
    await page.screenshot({ path: join(shots, 'email-preview.png'), fullPage: false });
    await Promise.all([page.waitForURL(/view=text/), page.click('nav.tabs a:has-text("Plain text")')]);
    const plain = await page.textContent('pre.email-text');

    // Assess
    expect(new URL(page.url()).pathname).toMatch(/^\/messages\//);
    expect(messageRows).toBeGreaterThan(0);
    expect(emailText.length).toBeGreaterThan(20);
    expect(plain?.length ?? 0).toBeGreaterThan(20);
    expect(violations).toEqual([]);
    expect(problems).toEqual([]);
  }, 120_000);

  it('says why a message was not sent, on /messages and on the customer page', async () => {
    // Prepare: the most recent decision that sent nothing, from the messages page.
    expect(await visit('/messages')).toBe(200);
    const first = page.locator('#not-sent tbody tr').first();
    const reason = (await first.locator('.badge').textContent()) ?? '';
    const customerId = (await first.locator('td:nth-child(2) a').textContent()) ?? '';
    const violations = await seriousViolations();

    // Act
    await Promise.all([page.waitForURL(/\/customers\/[^?]+$/), first.locator('td:nth-child(2) a').click()]);
    const reasons = await page.$$eval('#not-sent tbody tr .badge', (badges) =>
      badges.map((badge) => badge.textContent),
    );
    const timeline = (await page.textContent('main')) ?? '';
    violations.push(...(await seriousViolations()));
    expect(await visit(`/messages?customer=${encodeURIComponent(customerId)}`)).toBe(200);
    const filtered = await page.$$eval('#not-sent tbody tr td:nth-child(2)', (cells) =>
      cells.map((cell) => cell.textContent),
    );

    // Assess
    expect(reason).not.toBe('');
    expect(reasons).toContain(reason);
    expect(timeline).toContain('not sent');
    expect(filtered.length).toBe(reasons.length);
    expect(new Set(filtered)).toEqual(new Set([customerId]));
    expect(violations).toEqual([]);
  }, 60_000);

  it('shows a seeded campaign error on /problems with its file and line, and warns on every page', async () => {
    // Prepare: a journey whose step names a template that does not exist, on line 5.
    await writeFile(
      join(campaignDir, 'journeys', 'broken.yaml'),
      'id: broken\ntrigger: { event: Product Viewed }\nsteps:\n  - id: mail\n    send: { channel: email, template: no-such-template }\n',
    );

    // Act: the console notices the change by itself.
    let listed = '';
    for (let attempt = 0; attempt < 50 && !listed.includes('broken.yaml:'); attempt++) {
      await visit('/problems');
      listed = (await page.textContent('ol.problems.errors').catch(() => '')) ?? '';
      if (!listed.includes('broken.yaml:')) await page.waitForTimeout(200);
    }
    const violations = await seriousViolations();
    await page.screenshot({ path: join(shots, 'problems.png'), fullPage: false });
    await visit('/journeys');
    const banner = await page.textContent('.banner');

    // Assess
    expect(listed).toMatch(/journeys\/broken\.yaml:5:\d+/);
    expect(banner).toContain('problem');
    expect(violations).toEqual([]);
  }, 60_000);
});
