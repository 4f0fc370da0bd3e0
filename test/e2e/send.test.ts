/**
 * Sending end to end on the embedded runtime: the real send handler, DynamoDB adapters on the
 * embedded engine, the local SES endpoint through the real SES client, the local sends FIFO queue.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSesClient, SesEmailSender } from '../../shared/aws/ses-email-sender.js';
import { TemplateSet } from '../../shared/channels/render.js';
import type { SendResult } from '../../shared/channels/send-outcome.js';
import { sendMessageId, type SendRequest } from '../../shared/channels/send-request.js';
import { defaultSettings } from '../../shared/config/settings.js';
import { startLocalSending, type LocalSending } from '../../shared/local/local-sending.js';
import { startLocalRuntime, type LocalRuntime } from '../../shared/local/runtime.js';
import { VirtualClock } from '../../shared/local/virtual-clock.js';
import { consentingProfile, sendRequest, TEMPLATES } from '../unit/channels/send-harness.js';
import { journeyFrom } from '../unit/journeys/journey-builders.js';
import { availableEngines } from './spine-harness.js';

const NOON_ISTANBUL = new Date('2026-11-02T09:30:00Z');
const SETTINGS = {
  ...defaultSettings,
  defaultTimezone: 'Europe/Istanbul',
  quietHours: { start: '21:00', end: '09:00' },
  frequencyCaps: { email: { perDay: 1 } },
  sender: { fromAddress: 'offers@example.com', fromName: 'Demo Shop' },
};

describe.each(availableEngines())('sending on %s', (engine) => {
  let dataDir: string;
  let runtime: LocalRuntime;
  let clock: VirtualClock;
  let sending: LocalSending;
  let results: { request: SendRequest; result: SendResult }[];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sadakat-send-e2e-'));
    clock = new VirtualClock(NOON_ISTANBUL);
    runtime = await startLocalRuntime({ dataDir, engine, clock, fresh: true });
  }, 60_000);

  afterAll(async () => {
    await runtime?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await sending?.stop();
    results = [];
    sending = await startLocalSending(runtime, {
      campaign: { settings: SETTINGS, journeys: [] },
      templates: new TemplateSet(TEMPLATES),
      onResult: (request, result) => results.push({ request, result }),
    });
  });

  async function customer(id: string, change: (profile: ReturnType<typeof consentingProfile>) => void = () => {}) {
    const profile = consentingProfile(id);
    change(profile);
    await runtime.profiles.putProfile(profile, undefined);
  }

  const reasons = () => results.map(({ result }) => result.reason);

  it('sends an email through the local SES endpoint with one-click unsubscribe', async () => {
    clock.set(NOON_ISTANBUL);
    await customer('e-ok');
    await sending.sends.enqueue([sendRequest({ customerId: 'e-ok', runId: 'e-ok' })]);
    await sending.drain();
    const emails = await sending.ses.emails();
    expect(reasons()).toEqual(['sent']);
    expect(emails.map((email) => [email.subject, email.destination.to])).toEqual([
      ['Hello Ayşe', ['ayse@example.com']],
    ]);
    expect(emails[0]?.body.text).toMatch(/\/u\/local\./);
  });

  it('sends nothing without consent', async () => {
    clock.set(NOON_ISTANBUL);
    await customer('e-noconsent', (profile) => delete profile.consent.email);
    await sending.sends.enqueue([sendRequest({ customerId: 'e-noconsent', runId: 'e-noconsent' })]);
    await sending.drain();
    expect(reasons()).toEqual(['no_consent']);
    expect(await sending.ses.emails()).toEqual([]);
  });

  it('sends nothing to a suppressed address', async () => {
    clock.set(NOON_ISTANBUL);
    await customer('e-suppressed', (profile) => (profile.channels.email = 'bounced@example.com'));
    await sending.deps.suppression.suppress('Bounced@Example.com', 'bounce', NOON_ISTANBUL.toISOString());
    await sending.sends.enqueue([sendRequest({ customerId: 'e-suppressed', runId: 'e-suppressed' })]);
    await sending.drain();
    expect(reasons()).toEqual(['suppressed']);
    expect(await sending.ses.emails()).toEqual([]);
  });

  it('sends once when the same message is delivered twice', async () => {
    clock.set(NOON_ISTANBUL);
    await customer('e-twice');
    const request = sendRequest({ customerId: 'e-twice', runId: 'e-twice' });
    await sending.sends.enqueue([request]);
    await sending.drain();
    // Past the FIFO deduplication window, so the queue delivers it again and only the ledger stands guard.
    clock.advance(6 * 60_000);
    await sending.sends.enqueue([request]);
    await sending.drain();
    expect(reasons()).toEqual(['sent', 'duplicate']);
    expect(await sending.ses.emails()).toHaveLength(1);
  });

  it('holds a journey to its own messagesPerSecond: the second send of the same second is deferred to its slot', async () => {
    clock.set(NOON_ISTANBUL);
    await customer('e-rate-1');
    await customer('e-rate-2');
    const limited = await startLocalSending(runtime, {
      // The journey's file sets `limits.messagesPerSecond: 1`; the campaign settings set no rate.
      campaign: {
        settings: SETTINGS,
        journeys: [
          journeyFrom(`
id: welcome-journey
trigger: { event: Signed Up }
limits: { messagesPerSecond: 1 }
steps:
  - send: { channel: email, template: welcome, transactional: true }
`),
        ],
      },
      templates: new TemplateSet(TEMPLATES),
      onResult: (request, result) => results.push({ request, result }),
    });
    let released: { released: number };
    try {
      await limited.sends.enqueue([
        ...['e-rate-1', 'e-rate-2'].map((id) =>
          sendRequest({
            customerId: id,
            runId: id,
            messageId: sendMessageId('welcome-journey', id, 's1', 0),
            transactional: true,
          }),
        ),
      ]);
      await limited.drain();
      clock.advance(1000);
      released = await limited.releaseDeferred();
      await limited.drain();
    } finally {
      await limited.stop();
    }
    const outcomes = results.map(({ request, result }) => [request.customerId, result.cause ?? result.reason]);
    // One goes out at once; the other waits in `due` for the next second's slot, and is sent then.
    expect(outcomes.map(([, outcome]) => outcome)).toEqual(['sent', 'rate_limited', 'sent']);
    expect(results[1]?.result.wakeAt).toBe(new Date(NOON_ISTANBUL.getTime() + 1000).toISOString());
    expect(released).toEqual({ released: 1 });
    expect(
      outcomes
        .filter(([, outcome]) => outcome === 'sent')
        .map(([id]) => id)
        .sort(),
    ).toEqual(['e-rate-1', 'e-rate-2']);
  });

  it('records a provider 5xx as unknown and never resends it', async () => {
    clock.set(NOON_ISTANBUL);
    await customer('e-5xx');
    const failing: Server = createServer((_request, response) =>
      response.writeHead(500).end('<ErrorResponse><Error><Code>InternalFailure</Code></Error></ErrorResponse>'),
    );
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    try {
      const broken = await startLocalSending(runtime, {
        campaign: { settings: SETTINGS, journeys: [] },
        templates: new TemplateSet(TEMPLATES),
        email: new SesEmailSender(
          createSesClient({ endpoint: `http://127.0.0.1:${(failing.address() as AddressInfo).port}` }),
          undefined,
        ),
        onResult: (request, result) => results.push({ request, result }),
      });
      const request = sendRequest({ customerId: 'e-5xx', runId: 'e-5xx' });
      await broken.sends.enqueue([request]);
      await broken.drain();
      await broken.stop();
      // The same request reaches the healthy sender later: the ledger says it may have gone out.
      clock.advance(6 * 60_000);
      await sending.sends.enqueue([request]);
      await sending.drain();
      expect(reasons()).toEqual(['unknown', 'duplicate']);
      expect(await sending.ses.emails()).toEqual([]);
      expect((await sending.deps.ledger.find('e-5xx', request.messageId))?.status).toBe('unknown');
    } finally {
      failing.close();
    }
  });

  it('defers a send during quiet hours and sends it when they end', async () => {
    clock.set(new Date('2026-11-02T20:00:00Z')); // 23:00 in Istanbul
    await customer('e-night');
    await sending.sends.enqueue([sendRequest({ customerId: 'e-night', runId: 'e-night' })]);
    await sending.drain();
    expect(await sending.releaseDeferred()).toEqual({ released: 0 });
    clock.set(new Date('2026-11-03T06:30:00Z')); // 09:30 in Istanbul: the end of the 30-minute spread (decision 177)
    expect(await sending.releaseDeferred()).toEqual({ released: 1 });
    await sending.drain();
    expect(reasons()).toEqual(['deferred', 'sent']);
    expect(await sending.ses.emails()).toHaveLength(1);
  });

  it('refuses a second marketing email the same day (frequency cap)', async () => {
    clock.set(new Date('2026-11-04T09:30:00Z'));
    await customer('e-cap');
    await sending.sends.enqueue([sendRequest({ customerId: 'e-cap', runId: 'e-cap-1' })]);
    await sending.sends.enqueue([
      sendRequest({ customerId: 'e-cap', runId: 'e-cap-2', stepId: 's2', messageId: 'c'.repeat(64) }),
    ]);
    await sending.drain();
    expect(reasons()).toEqual(['sent', 'frequency_cap']);
    expect(await sending.ses.emails()).toHaveLength(1);
  });
});
