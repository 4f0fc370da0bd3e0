/**
 * Double opt-in under attack (issue 17, DESIGN "Trust"), tried as an attacker would with the
 * public browser key: the real ingest, process-events, send and confirm handlers on dynalite,
 * the local SES endpoint as the mailbox. Written first; each failed before double opt-in existed
 * (the stranger got the shop's welcome mail, every address got mail, nothing answered /c/).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadTemplates } from '../../../shared/channels/load-templates.js';
import type { SendResult } from '../../../shared/channels/send-outcome.js';
import type { SendRequest } from '../../../shared/channels/send-request.js';
import { apiGatewayEvent, structuredResult } from '../../../shared/local/api-gateway-event.js';
import { localLambdaContext } from '../../../shared/local/lambda-context.js';
import { buildLocalHandlers } from '../../../shared/local/local-handlers.js';
import { startLocalSending, type LocalSending } from '../../../shared/local/local-sending.js';
import { drainQueue } from '../../../shared/local/queue-driver.js';
import { startLocalRuntime, type LocalRuntime } from '../../../shared/local/runtime.js';
import { VirtualClock } from '../../../shared/local/virtual-clock.js';
import { loadRuntimeCampaign, type RuntimeCampaign } from '../../../shared/wiring/runtime-campaign.js';

const SERVER_KEY = 'attack-confirm-server-key';
const BROWSER_KEY = 'attack-confirm-browser-key';
const OTHER_BROWSER_KEY = 'attack-confirm-browser-key-2';
/** 13:00 in Istanbul, outside the example campaign's quiet hours: a refusal here is never `deferred`. */
const clock = new VirtualClock(new Date('2026-12-07T10:00:00.000Z'));

type Call = Record<string, unknown>;

describe('double opt-in under attack', () => {
  let dataDir: string;
  let runtime: LocalRuntime;
  let sending: LocalSending;
  let handlers: ReturnType<typeof buildLocalHandlers>;
  let results: { request: SendRequest; result: SendResult }[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sadakat-attacks-confirm-'));
    runtime = await startLocalRuntime({ dataDir, engine: 'dynalite', clock, fresh: true });
    const loaded = await loadRuntimeCampaign('campaign');
    // The shop accepts orders from the browser (the riskiest setting), and small budgets make them testable.
    const campaign: RuntimeCampaign = {
      ...loaded,
      settings: {
        ...loaded.settings,
        trust: {
          ...loaded.settings.trust,
          browserOrders: 'accept',
          confirmationsPerKeyPerHour: 5,
          confirmationsPerHour: 8,
        },
      },
    };
    sending = await startLocalSending(runtime, {
      campaign,
      templates: await loadTemplates('campaign/templates'),
      unsubscribeBaseUrl: 'https://shop.test',
      onResult: (request, result) => results.push({ request, result }),
    });
    handlers = buildLocalHandlers(runtime, {
      campaign,
      writeKeys: [SERVER_KEY],
      browserKeys: [
        { key: BROWSER_KEY, origins: [] },
        { key: OTHER_BROWSER_KEY, origins: [] },
      ],
      identitySecret: 'attack-confirm-identity-secret',
      journeys: { definitions: campaign.journeys, sends: sending.sends },
    });
  });

  afterAll(async () => {
    await sending?.stop();
    await runtime?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    results = [];
    await sending.ses.clear();
    // A fresh hour: each test has its own hourly budgets.
    clock.advance(3_600_000);
  });

  /** Posts a batch with a key, then processes every event and every send. */
  async function post(key: string, batch: readonly Call[]): Promise<Record<string, unknown>> {
    clock.advance(1000);
    const timestamp = clock.now().toISOString();
    const result = structuredResult(
      await handlers.ingest(
        apiGatewayEvent({
          method: 'POST',
          path: '/v1/batch',
          headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` },
          body: JSON.stringify({ batch: batch.map((call) => ({ timestamp, ...call })) }),
          at: clock.now(),
        }),
        localLambdaContext('ingest'),
      ),
    );
    await settle();
    return JSON.parse(result.body ?? '{}') as Record<string, unknown>;
  }

  async function settle(): Promise<void> {
    for (let round = 0; round < 3; round++) {
      await drainQueue(runtime.eventsQueue, handlers.processEvents, { clock });
      await sending.drain();
    }
  }

  /** The confirm handler, as API Gateway calls it. */
  async function openLink(method: 'GET' | 'POST', token: string) {
    const answer = structuredResult(
      await sending.confirm(
        apiGatewayEvent({ method, path: `/c/${token}`, headers: {}, body: '', at: clock.now() }),
        localLambdaContext('confirm'),
      ),
    );
    await settle();
    return answer;
  }

  const mailsTo = async (address: string) =>
    (await sending.ses.emails()).filter((email) => email.destination.to.includes(address));
  const reasons = () =>
    results.map(
      ({ request, result }) => `${request.kind ?? 'journey'}:${result.kind === 'done' ? result.reason : 'retry'}`,
    );
  const tokenIn = (text: string | undefined) => /\/c\/([A-Za-z0-9_.-]+)/.exec(text ?? '')?.[1] ?? '';

  describe('spam relay', () => {
    it("eleven strangers' sign-ups with one victim's address and an order each: one confirmation, no marketing mail", async () => {
      // Act
      const calls = Array.from({ length: 11 }, (_, index) => [
        {
          type: 'identify',
          userId: `relay-${index}`,
          traits: {
            email: 'victim@example.test',
            phone: '+905321234567',
            firstName: 'Visit evil.test/refund to claim',
            consent: { email: true, sms: true },
          },
        },
        {
          type: 'track',
          userId: `relay-${index}`,
          event: 'Order Completed',
          properties: { order_id: `relay-o-${index}`, revenue: 10 },
        },
      ]).flat();
      const answer = await post(BROWSER_KEY, calls);

      // Assess
      expect(answer).toEqual({ accepted: 22, rejected: [] });
      const mails = await mailsTo('victim@example.test');
      expect(mails.map((mail) => mail.subject)).toEqual(['Please confirm your email address']);
      expect(mails[0]?.body.text).not.toContain('evil.test');
      expect(mails[0]?.body.html).not.toContain('evil.test');
      expect(mails[0]?.headers ?? []).toEqual([]);
      expect(reasons().filter((reason) => reason === 'confirm:sent')).toHaveLength(1);
      expect(reasons().filter((reason) => reason === 'confirm:confirm_limit')).toHaveLength(10);
      // Journey sends end in no_consent (or holdout, for the customers the global holdout holds): none is sent.
      expect(reasons()).not.toContain('journey:sent');
      expect((await sending.outbox.entries()).filter((entry) => entry.kind === 'sms')).toEqual([]);
    });
  });

  describe('mail bombing through confirmations', () => {
    it('+tag, dot and case variants of one Gmail mailbox get one confirmation between them', async () => {
      // Act
      await post(
        BROWSER_KEY,
        [
          'bomb.target@gmail.com',
          'b.o.m.b.target+1@gmail.com',
          'BombTarget+news@googlemail.com',
          'bombtarget@gmail.com',
        ].map((email, index) => ({
          type: 'identify',
          userId: `bomb-${index}`,
          traits: { email, consent: { email: true } },
        })),
      );

      // Assess
      expect(reasons().filter((reason) => reason === 'confirm:sent')).toHaveLength(1);
      expect(reasons().filter((reason) => reason === 'confirm:confirm_limit')).toHaveLength(3);
    });

    it('random addresses stop at the key’s hourly budget, and two keys at the global one', async () => {
      // Act
      const strangers = (prefix: string) =>
        Array.from({ length: 6 }, (_, index) => ({
          type: 'identify',
          userId: `${prefix}-${index}`,
          traits: { email: `${prefix}-${index}@random.test`, consent: { email: true } },
        }));
      await post(BROWSER_KEY, strangers('rand-a'));
      await post(OTHER_BROWSER_KEY, strangers('rand-b'));

      // Assess: 5 for the first key (its budget), 3 for the second (the global 8).
      const confirmations = results.filter(({ request }) => request.kind === 'confirm');
      const sentBy = (prefix: string) =>
        confirmations.filter(
          ({ request, result }) =>
            request.customerId.startsWith(prefix) && result.kind === 'done' && result.reason === 'sent',
        ).length;
      expect([sentBy('rand-a'), sentBy('rand-b')]).toEqual([5, 3]);
      expect(reasons().filter((reason) => reason === 'confirm:confirm_budget')).toHaveLength(4);
      expect((await sending.ses.emails()).length).toBe(8);
    });

    it('never to a suppressed address', async () => {
      // Prepare
      await sending.deps.suppression.suppress('bounced@example.test', 'bounce', clock.now().toISOString());

      // Act
      await post(BROWSER_KEY, [
        {
          type: 'identify',
          userId: 'suppressed-1',
          traits: { email: 'bounced@example.test', consent: { email: true } },
        },
      ]);

      // Assess
      expect(reasons()).toEqual(['confirm:suppressed']);
      expect(await mailsTo('bounced@example.test')).toEqual([]);
    });
  });

  describe('the confirmation link', () => {
    it('link-scanner GETs never confirm; the button does, and the customer is then mailed like any other', async () => {
      // Prepare
      await post(BROWSER_KEY, [
        { type: 'identify', userId: 'doi-1', traits: { email: 'Real.Person@example.test', consent: { email: true } } },
      ]);
      const [mail] = await mailsTo('real.person@example.test');
      const token = tokenIn(mail?.body.text);
      expect(token).not.toBe('');

      // Act: a mail scanner and a link preview follow the link.
      const scans = [await openLink('GET', token), await openLink('GET', token), await openLink('GET', token)];

      // Assess
      expect(scans.map((scan) => scan.statusCode)).toEqual([200, 200, 200]);
      expect(scans[0]?.body).toContain('<form method="post">');
      const scanned = await runtime.profiles.getProfile('doi-1');
      expect(scanned?.consent.email?.granted).not.toBe(true);
      expect(scanned?.channels.email).toBeUndefined();

      // Act: the person presses the button.
      const confirmed = await openLink('POST', token);

      // Assess
      expect(confirmed.statusCode).toBe(200);
      expect(confirmed.headers?.['content-security-policy']).toBe("frame-ancestors 'none'");
      const profile = await runtime.profiles.getProfile('doi-1');
      expect(profile?.channels.email).toBe('real.person@example.test');
      expect(profile?.consent.email?.granted).toBe(true);
      expect(profile?.pending).toBeUndefined();

      // Act: the first order.
      await post(SERVER_KEY, [
        { type: 'track', userId: 'doi-1', event: 'Order Completed', properties: { order_id: 'doi-o-1', revenue: 30 } },
      ]);

      // Assess
      expect(reasons()).toContain('journey:sent');
      expect((await mailsTo('real.person@example.test')).map((mail) => mail.subject)).toEqual([
        'Please confirm your email address',
        'Welcome to Sadakat Demo Shop',
      ]);
    });

    it('a forged token is refused (403) and an expired one answers 410; neither confirms', async () => {
      // Prepare
      await post(BROWSER_KEY, [
        { type: 'identify', userId: 'doi-2', traits: { email: 'late@example.test', consent: { email: true } } },
      ]);
      const token = tokenIn((await mailsTo('late@example.test'))[0]?.body.text);
      const forged = token.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A'));

      // Act
      const refused = await openLink('POST', forged);
      clock.advance(8 * 86_400_000);
      const expired = await openLink('POST', token);

      // Assess
      expect([refused.statusCode, expired.statusCode]).toEqual([403, 410]);
      expect((await runtime.profiles.getProfile('doi-2'))?.consent.email?.granted).not.toBe(true);
    });

    it('a link sent before the customer opted out no longer confirms: the opt-out is their latest word', async () => {
      // Prepare: a sign-up mails a link; then the customer says no to email in the shop's preferences.
      await post(BROWSER_KEY, [
        { type: 'identify', userId: 'doi-3', traits: { email: 'changed.mind@example.test', consent: { email: true } } },
      ]);
      const token = tokenIn((await mailsTo('changed.mind@example.test'))[0]?.body.text);
      await post(SERVER_KEY, [{ type: 'identify', userId: 'doi-3', traits: { consent: { email: false } } }]);

      // Act: the old link's button, within its 7 days.
      const answer = await openLink('POST', token);

      // Assess
      expect(answer.statusCode).toBe(410);
      expect((await runtime.profiles.getProfile('doi-3'))?.consent.email?.granted).toBe(false);
    });

    it('an address planted before the customer existed cannot replace the address the shop verified', async () => {
      // Prepare: the attacker signs the future userId up with their own address, and receives its link.
      await post(BROWSER_KEY, [
        { type: 'identify', userId: 'planted-1', traits: { email: 'attacker@evil.test', consent: { email: true } } },
      ]);
      const token = tokenIn((await mailsTo('attacker@evil.test'))[0]?.body.text);
      await post(SERVER_KEY, [{ type: 'identify', userId: 'planted-1', traits: { email: 'owner@shop.test' } }]);

      // Act
      const answer = await openLink('POST', token);

      // Assess
      expect(answer.statusCode).toBe(410);
      expect((await runtime.profiles.getProfile('planted-1'))?.channels.email).toBe('owner@shop.test');
    });
  });
});
