/**
 * The local commands through the real `sadakat` bin in a child process: import orders, then read
 * a profile, then import again (exactly once). Runs on dynalite to stay quick.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const sadakat = (args: string[]) =>
  run(process.execPath, ['bin/sadakat.js', ...args], { env: { ...process.env, FORCE_COLOR: '0' } }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );

describe('sadakat import orders and profile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sadakat-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('imports the CDNOW sample once, reads a profile, and imports nothing the second time', async () => {
    // Prepare
    const dataDir = join(dir, 'data');
    const args = [
      'import',
      'orders',
      '--transactions',
      '../shared/data/cdnow_sample.transactions.csv',
      '--data-dir',
      dataDir,
      '--engine',
      'dynalite',
      '--format',
      'json',
    ];

    // Act
    const first = await sadakat(args);
    const again = await sadakat(args);
    const profile = await sadakat(['profile', '1', '--data-dir', dataDir]);

    // Assess
    expect(first.code).toBe(0);
    // 6,919 rows, 8 of them $0 (not orders); order ids derived from the rows, so none collide.
    expect(JSON.parse(first.stdout)).toMatchObject({ customers: 2349, ordersImported: 6911, notOrders: 8 });
    expect(JSON.parse(again.stdout)).toMatchObject({ ordersImported: 0, ordersSkipped: 6911 });
    const customer = JSON.parse(profile.stdout);
    expect(customer.id).toBe('1');
    // Customer 1 of the sample: 4 purchases on 4 distinct days.
    expect(customer.orders).toMatchObject({ count: 4, days: 4 });
  }, 180_000);

  it('reports bad rows by line and keeps the good ones', async () => {
    // Prepare
    const file = join(dir, 'bad.csv');
    await writeFile(
      file,
      'customer_id,timestamp,amount,order_id\nc1,2025-01-01,10,a\nc2,not-a-date,5,b\nc3,2025-01-02,-4,c\n',
    );

    // Act
    const result = await sadakat([
      'import',
      'orders',
      '--transactions',
      file,
      '--data-dir',
      join(dir, 'bad'),
      '--engine',
      'dynalite',
      '--format',
      'json',
    ]);

    // Assess: exit 2, partially applied, and the JSON counts the rejected rows (a cron job can notice)
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/:3: .*timestamp/);
    expect(result.stderr).toMatch(/:4: .*amount/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(JSON.parse(result.stdout)).toMatchObject({ customers: 1, ordersImported: 1, rejectedRows: 2 });
  }, 120_000);

  it('says what is wrong with a file without a header, without a stack trace', async () => {
    // Prepare
    const file = join(dir, 'empty.csv');
    await writeFile(file, '');

    // Act
    const result = await sadakat([
      'import',
      'orders',
      '--transactions',
      file,
      '--data-dir',
      join(dir, 'none'),
      '--engine',
      'dynalite',
    ]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^sadakat: --transactions .*empty/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
