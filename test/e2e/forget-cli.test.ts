/** `sadakat forget` on a local data folder (dynalite): report formats, dry run, local outboxes, unknown customers. */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerForget } from '../../cli/commands/forget.js';
import { UserError } from '../../cli/errors.js';
import { startLocalRuntime } from '../../shared/local/runtime.js';
import { VirtualClock } from '../../shared/local/virtual-clock.js';
import type { ErasureReport } from '../../shared/privacy/forget-customer.js';
import { emptyProfile } from '../../shared/profiles/schema.js';
import { runCli, widestLine } from '../cli-harness.js';

const EMAIL = 'deniz@example.com';

describe('sadakat forget', () => {
  let dataDir: string;

  beforeEach(async () => {
    // Prepare: a customer with one order, one email in the mail folder and one SMS in the outbox
    dataDir = await mkdtemp(join(tmpdir(), 'sadakat-forget-cli-'));
    const runtime = await startLocalRuntime({
      dataDir,
      engine: 'dynalite',
      clock: new VirtualClock(new Date('2026-11-02T10:00:00Z')),
      fresh: true,
    });
    const profile = emptyProfile('deniz', '2026-11-02T10:00:00Z');
    await runtime.profiles.putProfile(
      { ...profile, channels: { ...profile.channels, email: EMAIL, phone: '+905550000001' } },
      undefined,
    );
    await runtime.orders.claimOrder({
      customerId: 'deniz',
      orderId: 'o1',
      at: '2026-11-02T10:00:00Z',
      amount: 10,
      products: [],
      messageId: 'm1',
      status: 'pending',
    });
    await runtime.stop();
    await mkdir(join(dataDir, 'mail'));
    await writeFile(
      join(dataDir, 'mail', '00001.eml'),
      `From: shop@example.com\r\nTo: ${EMAIL}\r\nSubject: hi\r\n\r\nbody\r\n`,
    );
    await writeFile(
      join(dataDir, 'mail', '00002.eml'),
      'From: shop@example.com\r\nTo: someone@example.com\r\nSubject: hi\r\n\r\nbody\r\n',
    );
    await writeFile(
      join(dataDir, 'sns-outbox.jsonl'),
      `${JSON.stringify({ kind: 'sms', to: '+905550000001', tags: { customerId: 'deniz' } })}\n${JSON.stringify({ kind: 'sms', to: '+905550000002', tags: { customerId: 'other' } })}\n`,
    );
  }, 60_000);

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('erases the customer and their local mail and outbox lines, and reports it as JSON', async () => {
    // Act
    const run = await runCli([registerForget], ['forget', 'deniz', '--data-dir', dataDir, '--format', 'json']);

    // Assess
    expect(run.error).toBeUndefined();
    const report = JSON.parse(run.stdout) as ErasureReport & { localOutbox: { emails: number; outboxLines: number } };
    expect(report.removed).toMatchObject({ profile: 1, orders: 1 });
    expect(report.kept.orderTombstones).toBe(1);
    expect(report.localOutbox).toEqual({ emails: 1, outboxLines: 1 });
    expect(existsSync(join(dataDir, 'mail', '00001.eml'))).toBe(false);
    expect(existsSync(join(dataDir, 'mail', '00002.eml'))).toBe(true);
    expect(await readFile(join(dataDir, 'sns-outbox.jsonl'), 'utf8')).not.toContain('deniz');
  }, 60_000);

  it('prints what a dry run would remove as a table and changes nothing', async () => {
    // Act
    const dry = await runCli([registerForget], ['forget', 'deniz', '--data-dir', dataDir, '--dry-run']);
    const after = await runCli(
      [registerForget],
      ['forget', 'deniz', '--data-dir', dataDir, '--dry-run', '--format', 'json'],
    );

    // Assess
    expect(dry.stdout).toMatch(/would remove\s+profile\s+1/);
    expect(dry.stdout).toMatch(/would remove\s+orders\s+1/);
    expect(dry.stdout).toContain('dry run: nothing changed');
    expect(widestLine(dry.stdout)).toBeLessThanOrEqual(100);
    expect((JSON.parse(after.stdout) as ErasureReport).removed.profile).toBe(1);
    expect(existsSync(join(dataDir, 'mail', '00001.eml'))).toBe(true);
  }, 60_000);

  it('says clearly that an unknown customer had no data, without a stack trace', async () => {
    // Act
    const run = await runCli([registerForget], ['forget', 'nobody', '--data-dir', dataDir]);

    // Assess
    expect(run.error).toBeInstanceOf(UserError);
    expect((run.error as UserError).message).toMatch(/no data for customer "nobody".*nothing removed/);
  }, 60_000);

  it('names the earlier erasure when a customer is forgotten twice', async () => {
    // Prepare
    await runCli([registerForget], ['forget', 'deniz', '--data-dir', dataDir]);

    // Act
    const again = await runCli([registerForget], ['forget', 'deniz', '--data-dir', dataDir]);

    // Assess
    expect((again.error as UserError).message).toMatch(/erased before, at \d{4}-/);
  }, 60_000);

  it('refuses an unknown --format, naming the option', async () => {
    // Act
    const run = await runCli([registerForget], ['forget', 'deniz', '--data-dir', dataDir, '--format', 'xml']);

    // Assess
    expect(run.stderr).toContain("option '--format <format>' argument 'xml' is invalid");
  });
});
