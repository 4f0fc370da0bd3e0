/**
 * The HTML report opened in a real browser (Debian's headless Chromium through playwright-core):
 * one self-contained file that renders without console errors, fetches nothing, and holds the
 * charts as inline SVG. Without Chromium the test fails (saying how to install it), never skips:
 * a skipped browser test would let CI pass without ever opening the report.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport, type ReportProfile } from '../../shared/measurement/report.js';
import { reportHtml } from '../../shared/measurement/report-html.js';
import { journeyFrom } from '../unit/journeys/journey-builders.js';

const CHROMIUM = '/usr/bin/chromium';

const journey = journeyFrom(`
id: vnb
trigger: { event: Product Viewed }
goal: { event: Order Completed, within: 7d }
steps:
  - id: offer
    split: { experiment: offer, variants: [{ id: reminder, weight: 50 }, { id: discount, weight: 50 }] }
  - id: mail
    send: { channel: email, template: t }
`);

const folders: string[] = [];
afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

describe('HTML report in headless Chromium', () => {
  it('renders offline without console errors, with the rate, funnel and daily charts as SVG', async () => {
    // Prepare: 300 customers per arm, conversions on two days.
    expect(existsSync(CHROMIUM), `${CHROMIUM} is not installed: apt-get install -y chromium`).toBe(true);
    const profiles: ReportProfile[] = Array.from({ length: 600 }, (_, i) => ({
      id: `c${i}`,
      experiments: {
        offer: { variant: i % 2 === 0 ? 'reminder' : 'discount', assignedAt: '2026-11-02T10:00:00.000Z' },
      },
      consent: {},
    }));
    const orders = profiles
      .filter((_, i) => i % 7 === 0)
      .map((profile, i) => ({ customerId: profile.id, at: `2026-11-0${3 + (i % 2)}T10:00:00.000Z`, amount: 120 }));
    const runs = profiles.map((profile, i) => ({
      journeyId: 'vnb',
      customerId: profile.id,
      holdout: i % 20 === 0,
      enteredAt: '2026-11-02T09:00:00.000Z',
    }));
    const messageStats = [{ journeyId: 'vnb', variant: 'discount', metric: 'sent', count: 280 }];
    const messages = profiles
      .filter((_, i) => i % 2 === 1)
      .map((profile, i) => ({
        customerId: profile.id,
        journeyId: 'vnb',
        variant: 'discount',
        channel: 'email' as const,
        status: 'sent' as const,
        claimedAt: '2026-11-02T10:00:00.000Z',
        engaged:
          i % 3 === 0
            ? { delivered: '2026-11-02T10:01:00.000Z', opened: '2026-11-02T11:00:00.000Z' }
            : { delivered: '2026-11-02T10:01:00.000Z' },
      }));
    const refunds = [{ orderId: 'none', at: '2026-11-05T10:00:00.000Z', amount: 10 }];
    const report = buildReport(
      [journey],
      { profiles, runs, orders, refunds, messages, messageStats },
      { minimumDetectable: { effect: 0.02 }, asOf: '2027-01-01T00:00:00Z' },
    );
    const folder = await mkdtemp(join(tmpdir(), 'sadakat-report-html-'));
    folders.push(folder);
    const file = join(folder, 'report.html');
    await writeFile(file, await reportHtml(report));

    // Act
    // A fresh profile folder per run (playwright passes it to Chromium as --user-data-dir).
    const browser = await chromium.launchPersistentContext(join(folder, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      // A laptop's window (issue 18): the columns a marketer decides by must show without scrolling.
      viewport: { width: 1280, height: 800 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    const problems: string[] = [];
    const requests: string[] = [];
    let svgs: { count: number; charts: number; width: number };
    let layout: { pageWidth: number; hidden: string[]; tables: number };
    try {
      const page = await browser.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('request', (request) => {
        if (!request.url().startsWith('file:')) requests.push(request.url());
      });
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      svgs = await page.evaluate(() => {
        const all = [...document.querySelectorAll('figure > svg')];
        return {
          count: all.length,
          charts: all.filter((svg) => svg.querySelector('.mark-rule, .mark-rect, .mark-line, .mark-symbol')).length,
          width: Math.min(...all.map((svg) => svg.getBoundingClientRect().width)),
        };
      });
      layout = await page.evaluate(() => {
        const key = ['rate [95% CI]', 'lift of rate [95% CI]', 'P(beat control)', 'verdict'];
        const hidden: string[] = [];
        const tables = [...document.querySelectorAll('table')];
        for (const table of tables) {
          const box = (table.parentElement ?? table).getBoundingClientRect();
          const headers = [...table.querySelectorAll('th')].map((th) => th.textContent ?? '');
          for (const name of key) {
            const column = headers.indexOf(name);
            const cells = [...table.querySelectorAll(`tr > :nth-child(${column + 1})`)];
            if (column === -1) hidden.push(`${name}: no such column`);
            for (const cell of cells) {
              const right = cell.getBoundingClientRect().right;
              if (right > Math.min(window.innerWidth, box.right))
                hidden.push(`${name} ends at ${Math.round(right)} px`);
            }
          }
        }
        return { pageWidth: document.documentElement.scrollWidth, hidden, tables: tables.length };
      });
    } finally {
      await browser.close();
    }

    // Assess: two comparisons (experiment, holdout) × three charts, each drawn with marks.
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    expect(svgs.count).toBe(6);
    expect(svgs.charts).toBe(6);
    expect(svgs.width).toBeGreaterThan(100);
    // At 1280 px: no page-wide horizontal scroll, and rate, lift, P(beat) and verdict in view.
    expect(layout.tables).toBe(2);
    expect(layout.hidden).toEqual([]);
    expect(layout.pageWidth).toBeLessThanOrEqual(1280);
  }, 60_000);
});
