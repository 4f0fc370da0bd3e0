/**
 * Nightly refresh throughput on the embedded engine: a synthetic shop's 18-month order history
 * imported, then the whole refresh (parallel scans, fit, scoring, `scores` messages applied by
 * process-events) timed per phase. The peer, measured in the same run on the same engine and
 * the same profiles, is the bare minimum a score write needs: one UpdateItem per profile SETting
 * `rfm`, `clv` and `recommendations` (no scan, no model, no queue, no read-modify-write).
 *
 * Standalone: `tsx bench/refresh.ts [customers] [engine]` (default 3,000 customers on dynalite).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadCampaign } from '../shared/config/campaign.js';
import { SyntheticShop } from '../shared/local/demo/synthetic-shop.js';
import { composeProcessDeps } from '../shared/wiring/compose.js';
import { runLocalRefresh, type RefreshPhase } from '../shared/local/local-refresh.js';
import { startLocalRuntime } from '../shared/local/runtime.js';
import { VirtualClock } from '../shared/local/virtual-clock.js';
import { importOrders } from '../shared/profiles/import-orders.js';
import { formatRows, type BenchRow } from './bench-row.js';

const CONCURRENCY = 8;

export async function run(
  options: { engine?: 'dynamodb-local' | 'dynalite'; customers?: number } = {},
): Promise<BenchRow[]> {
  const engine = options.engine ?? 'dynalite';
  const dataDir = await mkdtemp(join(tmpdir(), 'sadakat-bench-refresh-'));
  const liveStart = new Date('2026-11-02T00:00:00Z');
  const clock = new VirtualClock(liveStart);
  const runtime = await startLocalRuntime({ dataDir, engine, clock, fresh: true });
  try {
    const campaign = await loadCampaign('campaign');
    const shop = new SyntheticShop({ customers: options.customers ?? 3000, days: 1, seed: 7, liveStart });
    const history = shop.history();
    await importOrders(composeProcessDeps(runtime.adapters, campaign, null), history, { concurrency: 16 });

    // Phase boundaries from the progress callback: each phase ends where the next one first reports
    // (so the score phase's order scan and model read count towards summarize + fit).
    const firstReport = new Map<RefreshPhase, number>();
    const began = performance.now();
    const summary = await runLocalRefresh(runtime, {
      clock,
      campaign,
      onProgress: (phase) => {
        if (!firstReport.has(phase)) firstReport.set(phase, performance.now());
      },
    });
    const ended = performance.now();
    const scoreStart = firstReport.get('score') ?? began;
    const applyStart = firstReport.get('apply') ?? ended;

    // Peer: the same attributes written to the same profiles with a bare UpdateItem each.
    const ids = [...new Set(history.map((order) => order.customerId))];
    const sample = {
      rfm: { r: 3, f: 3, m: 3, segment: 'need_attention' },
      clv: { pAlive: 0.5, expectedPurchases30d: 0.2, value12m: 120.5, tier: 'medium' },
      recommendations: ['sku-001', 'sku-002', 'sku-003', 'sku-004', 'sku-005'],
    };
    const peerBegan = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let index = next++; index < ids.length; index = next++) {
          await runtime.doc.send(
            new UpdateCommand({
              TableName: runtime.tableName,
              Key: { PK: `C#${ids[index]}`, SK: 'PROFILE' },
              UpdateExpression: 'SET rfm = :rfm, clv = :clv, recommendations = :recommendations',
              ExpressionAttributeValues: {
                ':rfm': sample.rfm,
                ':clv': sample.clv,
                ':recommendations': sample.recommendations,
              },
            }),
          );
        }
      }),
    );
    const peer = ids.length / ((performance.now() - peerBegan) / 1000);

    const perSecond = (count: number, from: number, to: number): number => count / Math.max(1e-9, (to - from) / 1000);
    return [
      {
        name: `end to end, profiles/s (${summary.profiles} profiles, ${engine})`,
        value: perSecond(summary.scored, began, ended),
        unit: 'profiles/s',
        peerName: 'bare UpdateItem of rfm+clv+recommendations/s',
        peer,
        ratio: perSecond(summary.scored, began, ended) / peer,
      },
      {
        name: 'summarize + fit, profiles/s',
        value: perSecond(summary.profiles, began, scoreStart),
        unit: 'profiles/s',
        peerName: 'bare UpdateItem/s',
        peer,
        ratio: perSecond(summary.profiles, began, scoreStart) / peer,
      },
      {
        name: 'score (scan, score, enqueue), profiles/s',
        value: perSecond(summary.scored, scoreStart, applyStart),
        unit: 'profiles/s',
        peerName: 'bare UpdateItem/s',
        peer,
        ratio: perSecond(summary.scored, scoreStart, applyStart) / peer,
      },
      {
        name: `apply via process-events, messages/s`,
        value: perSecond(summary.changed, applyStart, ended),
        unit: 'messages/s',
        peerName: 'bare UpdateItem/s',
        peer,
        ratio: perSecond(summary.changed, applyStart, ended) / peer,
      },
      { name: `CLV ${summary.clv.status}`, value: summary.customers, unit: 'customers' },
    ];
  } finally {
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const customers = Number(process.argv[2] ?? 3000);
  const engine = process.argv[3] === 'dynamodb-local' ? 'dynamodb-local' : 'dynalite';
  process.stdout.write(
    `${formatRows(`nightly refresh on ${engine} (${customers.toLocaleString('en-US')} synthetic customers)`, await run({ customers, engine }))}\n`,
  );
}
