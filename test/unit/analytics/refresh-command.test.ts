/** `sadakat refresh` in-process: bad input named, a small data folder refreshed. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerRefresh } from '../../../cli/commands/refresh.js';
import { UserError } from '../../../cli/errors.js';
import { loadCampaign } from '../../../shared/config/campaign.js';
import { startLocalRuntime } from '../../../shared/local/runtime.js';
import { systemClock } from '../../../shared/ports.js';
import { importOrders } from '../../../shared/profiles/import-orders.js';
import { composeProcessDeps } from '../../../shared/wiring/compose.js';
import { runCli, widestLine } from '../../cli-harness.js';

const sadakat = (...args: string[]) => runCli([registerRefresh], args);

describe('sadakat refresh', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sadakat-refresh-cli-'));
    const runtime = await startLocalRuntime({ dataDir, engine: 'dynalite', clock: systemClock });
    try {
      const orders = ['u1', 'u2', 'u3'].map((customerId, i) => ({
        customerId,
        timestamp: `2026-0${i + 1}-10T10:00:00Z`,
        amount: 10 * (i + 1),
        orderId: `o${i}`,
        products: [{ productId: i === 0 ? 'a' : 'b', quantity: 1, price: 10 }],
      }));
      await importOrders(composeProcessDeps(runtime.adapters, await loadCampaign('campaign'), null), orders);
    } finally {
      await runtime.stop();
    }
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refreshes the data folder and reports why CLV was skipped', async () => {
    // Act
    const { stdout, error } = await sadakat(
      'refresh',
      '--data-dir',
      dataDir,
      '--as-of',
      '2026-10-01',
      '--format',
      'json',
    );

    // Assess
    expect(error).toBeUndefined();
    expect(JSON.parse(stdout)).toMatchObject({
      asOf: '2026-10-01',
      profiles: 3,
      customers: 3,
      changed: 3,
      clv: { status: 'not_enough_data' },
    });
  });

  it('prints the refresh as text that fits 100 columns', async () => {
    // Act
    const { stdout, error } = await sadakat('refresh', '--data-dir', dataDir, '--as-of', '2026-10-01');

    // Assess
    expect(error).toBeUndefined();
    expect(stdout).toMatch(/CLV skipped, not enough data/);
    expect(widestLine(stdout)).toBeLessThanOrEqual(100);
  });

  it('says there is nothing to refresh in a folder without data', async () => {
    // Prepare
    const empty = await mkdtemp(join(tmpdir(), 'sadakat-refresh-empty-'));

    // Act
    const { error } = await sadakat('refresh', '--data-dir', empty);

    // Assess
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/no local data in/);
    await rm(empty, { recursive: true, force: true });
  });

  it('refuses an --as-of that is not a calendar date', async () => {
    // Act
    const { error } = await sadakat('refresh', '--data-dir', dataDir, '--as-of', '2026-02-30');

    // Assess
    expect((error as { code?: string }).code).toBe('commander.invalidArgument');
  });
});
