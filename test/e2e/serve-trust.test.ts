/**
 * Issue 17, tried as a user would: one real `sadakat serve --write-key S --browser-key B
 * --identity-secret X` child, a handful of HTTP posts, each profile read back with `sadakat
 * profile` attached to the running serve. A browser call cannot change a known customer's email
 * or grant consent by itself (pending until double opt-in); the same call with the customer's
 * identity token can; a grant dated 2099 does not outweigh the revocation after it. The campaign
 * has no quiet hours, so nothing depends on the hour serve runs at.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServeChild, type ChildServer } from '../../bench/serve-child.js';
import { TraceTail } from '../../bench/trace-tail.js';
import { registerProfile } from '../../cli/commands/profile.js';
import { identityToken } from '../../shared/events/identity-token.js';
import type { Profile } from '../../shared/profiles/schema.js';
import { anyHourCampaign, type FixtureCampaign } from '../any-hour-campaign.js';
import { runCli } from '../cli-harness.js';

const SERVER_KEY = 'trust-server-key';
const BROWSER_KEY = 'trust-browser-key';
const IDENTITY_SECRET = 'trust-identity-secret';
const SETTLE_MS = 60_000;

describe('sadakat serve with a browser key and an identity secret', () => {
  let workDir: string;
  let dataDir: string;
  let campaign: FixtureCampaign;
  let serve: ChildServer | undefined;
  let trace: TraceTail;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'sadakat-serve-trust-'));
    dataDir = join(workDir, 'data');
    campaign = await anyHourCampaign();
    const tracePath = join(workDir, 'trace.jsonl');
    await writeFile(tracePath, '');
    serve = await startServeChild({
      dataDir,
      writeKey: SERVER_KEY,
      browserKey: BROWSER_KEY,
      identitySecret: IDENTITY_SECRET,
      tracePath,
      engine: 'dynalite',
      campaign: campaign.dir,
    });
    trace = await TraceTail.open(tracePath);
  }, 180_000);

  afterAll(async () => {
    await trace?.close();
    await serve?.stop();
    await campaign?.remove();
    await rm(workDir, { recursive: true, force: true });
  });

  /** Posts the calls with `key` and waits until serve traced each one as processed. */
  const post = async (key: string, calls: Record<string, unknown>[]): Promise<void> => {
    const batch = calls.map((call) => ({ messageId: randomUUID(), ...call }));
    const response = await fetch(`${serve!.url}/v1/batch`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ batch }),
    });
    expect(await response.json()).toEqual({ accepted: batch.length, rejected: [] });
    for (const started = Date.now(); batch.some(({ messageId }) => !trace.lines.has(messageId)); ) {
      if (Date.now() - started > SETTLE_MS) throw new Error(`serve did not process the batch in ${SETTLE_MS / 1000}s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await trace.poll();
    }
  };
  const profile = async (customerId: string): Promise<Profile> => {
    const read = await runCli([registerProfile], ['profile', customerId, '--data-dir', dataDir]);
    if (read.error) throw read.error;
    return JSON.parse(read.stdout) as Profile;
  };

  it('keeps unverified browser calls from changing email or consent; the identity token and the server key can', async () => {
    // Prepare: a known customer with email consent, set by the back end
    await post(SERVER_KEY, [
      { type: 'identify', userId: 'known-1', traits: { email: 'known1@shop.test', consent: { email: true } } },
    ]);

    // Act
    await post(BROWSER_KEY, [{ type: 'identify', userId: 'known-1', traits: { email: 'attacker@evil.test' } }]);
    const afterUnverified = await profile('known-1');
    await post(BROWSER_KEY, [
      {
        type: 'identify',
        userId: 'known-1',
        traits: { email: 'known1-new@shop.test' },
        context: { identityToken: identityToken(IDENTITY_SECRET, 'known-1') },
      },
    ]);
    const afterVerified = await profile('known-1');
    await post(BROWSER_KEY, [
      { type: 'identify', userId: 'signup-1', traits: { email: 'signup1@shop.test', consent: { email: true } } },
    ]);
    const signup = await profile('signup-1');
    await post(SERVER_KEY, [
      {
        type: 'identify',
        userId: 'future-1',
        traits: { email: 'future1@shop.test', consent: { email: true, timestamp: '2099-01-01T00:00:00.000Z' } },
      },
    ]);
    await post(SERVER_KEY, [{ type: 'identify', userId: 'future-1', traits: { consent: { email: false } } }]);
    const future = await profile('future-1');

    // Assess
    expect(afterUnverified.channels.email).toBe('known1@shop.test');
    expect(afterUnverified.consent.email?.granted).toBe(true);
    expect(afterUnverified.pending?.email).toBeUndefined();
    expect(afterVerified.channels.email).toBe('known1-new@shop.test');
    expect(afterVerified.consent.email?.granted).toBe(true);
    expect(signup.channels.email).toBeUndefined();
    expect(signup.consent.email?.granted).not.toBe(true);
    expect(signup.pending?.email?.address).toBe('signup1@shop.test');
    expect(future.consent.email?.granted).toBe(false);
  }, 240_000);
});
