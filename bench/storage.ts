/**
 * Storage per item type (issue 20, docs/scale.md "Storage growth"): the demo's table after a small
 * run, every item sized as DynamoDB bills it (shared/aws/item-size.ts) and grouped by its type in
 * shared/aws/item-types.ts — items, average and p99 bytes per type
 * (the demo's seeded order history included, so no figure per event).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { itemSize } from '../shared/aws/item-size.js';
import { itemTypesOf } from '../shared/aws/item-types.js';
import { runDemo } from '../shared/local/demo/run-demo.js';
import { startLocalRuntime } from '../shared/local/runtime.js';
import { systemClock } from '../shared/ports.js';
import type { BenchRow } from './bench-row.js';

export async function run(options: { customers: number; days: number }): Promise<BenchRow[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sadakat-bench-storage-'));
  try {
    await runDemo({ ...options, seed: 1, dataDir, engine: 'dynalite', campaignDir: 'campaign' });
    const runtime = await startLocalRuntime({ dataDir, engine: 'dynalite', clock: systemClock });
    const sizes = new Map<string, number[]>();
    try {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await runtime.doc.send(
          new ScanCommand({ TableName: runtime.tableName, ExclusiveStartKey: start }),
        );
        for (const item of page.Items ?? []) {
          const type = itemTypesOf({ PK: String(item.PK), SK: String(item.SK) })[0]?.readme ?? 'unknown';
          const list = sizes.get(type) ?? [];
          list.push(itemSize(item));
          sizes.set(type, list);
        }
        start = page.LastEvaluatedKey;
      } while (start);
    } finally {
      await runtime.stop();
    }
    const rows: BenchRow[] = [...sizes]
      .sort((a, b) => b[1].length - a[1].length)
      .map(([type, list]) => {
        const bytes = list.reduce((sum, size) => sum + size, 0);
        const sorted = [...list].sort((a, b) => a - b);
        const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0;
        return {
          name: `\`${type}\`: ${list.length} items, p99 ${p99} B, average bytes`,
          value: bytes / list.length,
          unit: 'B',
        };
      });
    return rows;
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
