/**
 * Share of profiles the nightly score phase writes on a night without orders (issue 20, decision
 * 225): a synthetic shop's 18-month history imported on the embedded engine, one refresh, then a
 * second refresh the next day with no order in between. Ours writes only when a rule could see a
 * change (the demo campaign's rules: churn_risk's `clv.pNoPurchase30d gte 0.95`, gold's `minClv`);
 * the peer is the behaviour before it (`writes: 'every-change'`), on its own table with the same
 * history, in the same run.
 *
 * Standalone: `tsx bench/score-writes.ts [customers]` (default 2,000 on dynalite).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ScoreOptions } from '../shared/analytics/refresh/score.js';
import { loadCampaign } from '../shared/config/campaign.js';
import { SyntheticShop } from '../shared/local/demo/synthetic-shop.js';
import { runLocalRefresh } from '../shared/local/local-refresh.js';
import { startLocalRuntime } from '../shared/local/runtime.js';
import { VirtualClock } from '../shared/local/virtual-clock.js';
import { importOrders } from '../shared/profiles/import-orders.js';
import { composeProcessDeps } from '../shared/wiring/compose.js';
import { formatRows, type BenchRow } from './bench-row.js';

const NIGHT_ONE = '2026-11-01';
const NIGHT_TWO = '2026-11-02';

/** Profiles scored and written on the second night, for one way of writing. */
async function secondNight(
  customers: number,
  writes: NonNullable<ScoreOptions['writes']>,
): Promise<{ scored: number; written: number; firstNight: number }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sadakat-bench-score-writes-'));
  const clock = new VirtualClock(new Date(`${NIGHT_ONE}T03:00:00Z`));
  const runtime = await startLocalRuntime({ dataDir, engine: 'dynalite', clock, fresh: true });
  try {
    const campaign = await loadCampaign('campaign');
    const shop = new SyntheticShop({ customers, days: 1, seed: 7, liveStart: new Date(`${NIGHT_ONE}T00:00:00Z`) });
    await importOrders(composeProcessDeps(runtime.adapters, campaign, null), shop.history(), { concurrency: 16 });
    const first = await runLocalRefresh(runtime, { clock, campaign, asOf: NIGHT_ONE, writes });
    clock.set(new Date(`${NIGHT_TWO}T03:00:00Z`));
    const second = await runLocalRefresh(runtime, { clock, campaign, asOf: NIGHT_TWO, writes });
    if (second.clv.status !== 'fitted') throw new Error(`CLV not fitted: ${second.clv.reason}`);
    return { scored: second.scored, written: second.changed, firstNight: first.changed };
  } finally {
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export async function run(options: { customers?: number } = {}): Promise<BenchRow[]> {
  const customers = options.customers ?? 2000;
  const ours = await secondNight(customers, 'visible');
  const peer = await secondNight(customers, 'every-change');
  const share = (night: { scored: number; written: number }) => (100 * night.written) / night.scored;
  return [
    {
      name: `night without orders: profiles written, % of ${ours.scored} scored`,
      value: share(ours),
      unit: '%',
      peerName: 'every-change (before decision 225)',
      peer: share(peer),
      ratio: share(ours) / share(peer),
    },
    {
      name: 'first night: profiles written',
      value: ours.firstNight,
      unit: 'profiles',
      peerName: 'every-change',
      peer: peer.firstNight,
      ratio: ours.firstNight / peer.firstNight,
    },
  ];
}

export const TITLE = 'score phase writes on a night without orders (issue 20; dynalite, 2,000 synthetic customers)';

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const customers = Number(process.argv[2] ?? 2000);
  process.stdout.write(`${formatRows(TITLE, await run({ customers }))}\n`);
}
