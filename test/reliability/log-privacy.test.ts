/**
 * Privacy (issue 10): every log line of a whole demo run — Powertools loggers forced to DEBUG the
 * way Lambda's advanced logging controls do (AWS_LAMBDA_LOG_LEVEL wins over the constructor's
 * SILENT) — scanned for the demo shop's email addresses, phone numbers, device tokens and write key.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FaultInjector } from '../fakes/fault-injection.js';
import { runDemo } from '../../shared/local/demo/run-demo.js';
import { SeededRandom } from '../../shared/local/seeded-random.js';
import { DEMO_COMMENTS } from '../../shared/local/demo/offer-response.js';
import { startEngine } from './pipeline-harness.js';
import { batches, shopEvents } from './shop-events.js';

const WRITE_KEY = 'demo-write-key';

/** What must never appear in a log line, each with the pattern that finds it. */
const SECRETS: readonly { what: string; pattern: RegExp }[] = [
  { what: 'email address', pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/ },
  { what: 'phone number', pattern: /\+\d[\d ()-]{7,}\d/ },
  { what: 'device token', pattern: /device-\d+/ },
  { what: 'write key', pattern: new RegExp(`${WRITE_KEY}|${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`) },
  // Survey comments (issue 22): the demo's customers write these; none may reach a log line.
  {
    what: 'survey comment',
    pattern: new RegExp(
      Object.values(DEMO_COMMENTS)
        .flat()
        .map((comment) => comment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('|'),
    ),
  },
];

function leaks(lines: readonly string[]): string[] {
  return lines.flatMap((line) =>
    SECRETS.filter(({ pattern }) => pattern.test(line)).map(({ what }) => `${what} in: ${line.slice(0, 300)}`),
  );
}

const folders: string[] = [];
afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

describe('log privacy', () => {
  it('the scanner finds each kind of secret it looks for', () => {
    // Prepare
    const planted = [
      'to customer12@example.test',
      'sms to +90 532 112 34 56',
      'token device-0042',
      `comment ${DEMO_COMMENTS.detractor[0]}`,
      `key ${WRITE_KEY}`,
      `auth Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
    ];

    // Act
    const found = leaks(planted);

    // Assess
    expect(found).toHaveLength(planted.length);
    expect(leaks(['{"level":"WARN","message":"calls rejected","rejected":2}'])).toEqual([]);
  });

  it('writes no email, phone, device token or write key to any log line of a demo run at DEBUG', {
    timeout: 240_000,
  }, async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), 'sadakat-privacy-'));
    folders.push(dataDir);

    // Act
    const { result: summary, lines } = await withCapturedLogs(() =>
      runDemo({ customers: 100, days: 1, seed: 3, dataDir, engine: 'dynalite', campaignDir: 'campaign' }),
    );

    // Assess
    expect(summary.events.accepted).toBeGreaterThan(0);
    expect(lines.length).toBeGreaterThan(0);
    expect(leaks(lines)).toEqual([]);
  });

  it('writes none of them either when calls carrying them are rejected and processing fails and retries', {
    timeout: 120_000,
  }, async () => {
    // Prepare
    const events = shopEvents({ customers: 10, seed: 1 });
    const hostile = [
      {
        type: 'track',
        userId: 'c-1',
        event: 'Order Completed',
        timestamp: 'customer1@example.test',
        properties: { order_id: 'o', revenue: '+90 532 112 34 56' },
      },
      { type: 'identify', userId: { email: 'customer2@example.test' }, traits: { email: 'customer2@example.test' } },
      { type: 'track', userId: 'c-3', event: 'App Opened', context: { device: { token: 12345, type: 'device-0042' } } },
      { type: 'alias', userId: 'customer4@example.test', previousId: { phone: '+49 151 1234500' } },
    ];

    // Act
    const { lines } = await withCapturedLogs(async () => {
      const engine = await startEngine();
      try {
        const faults = new FaultInjector(new SeededRandom(2), {
          'dynamo-throttle': 0.1,
          'crash-after-profile-write': 0.1,
          'queue-throttle': 0.3,
          'crash-mid-batch': 0.2,
        });
        const pipeline = await engine.pipeline('privacy', faults, { maxReceiveCount: 3 });
        for (const batch of batches([...events.calls, ...hostile], 20)) await pipeline.post(batch);
        await pipeline.drain();
      } finally {
        await engine.stop();
      }
    });

    // Assess: the rejections and retries were logged, and nothing personal with them
    expect(lines.some((line) => line.includes('calls rejected'))).toBe(true);
    expect(lines.some((line) => line.includes('will be retried'))).toBe(true);
    expect(leaks(lines)).toEqual([]);
  });
});

/**
 * Runs `work` with Powertools loggers at DEBUG whatever their constructors say (Lambda's advanced
 * logging controls variable wins) and every write to stdout, stderr and the console captured.
 */
async function withCapturedLogs<T>(work: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const capture = (chunk: unknown) =>
    lines.push(
      ...String(chunk)
        .split('\n')
        .filter((line) => line.trim() !== ''),
    );
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => (capture(chunk), true)),
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => (capture(chunk), true)),
    ...(['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => capture(args.map(String).join(' '))),
    ),
  ];
  const previousLevel = process.env.AWS_LAMBDA_LOG_LEVEL;
  process.env.AWS_LAMBDA_LOG_LEVEL = 'DEBUG';
  try {
    return { result: await work(), lines };
  } finally {
    if (previousLevel === undefined) delete process.env.AWS_LAMBDA_LOG_LEVEL;
    else process.env.AWS_LAMBDA_LOG_LEVEL = previousLevel;
    for (const spy of spies) spy.mockRestore();
  }
}
