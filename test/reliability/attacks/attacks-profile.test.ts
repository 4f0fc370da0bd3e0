/**
 * Attacks on customers' profiles with the browser key (issue 17, DESIGN "Trust"), tried as an
 * attacker would: Segment calls into the real ingest and process-events handlers on dynalite,
 * the one-click unsubscribe through the real unsubscribe handler. The browser key is public, so
 * an unverified call may not change where or how a known customer is addressed, and nothing it
 * says about a stranger's address is used for sending. Each was written first and failed on the
 * code before the fix.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHandler as buildUnsubscribeHandler } from '../../../functions/unsubscribe.js';
import { signUnsubscribeToken } from '../../../shared/channels/unsubscribe-token.js';
import { loadCampaign } from '../../../shared/config/campaign.js';
import { identityToken } from '../../../shared/events/identity-token.js';
import { apiGatewayEvent, structuredResult } from '../../../shared/local/api-gateway-event.js';
import { localLambdaContext } from '../../../shared/local/lambda-context.js';
import { buildLocalHandlers } from '../../../shared/local/local-handlers.js';
import { LOCAL_UNSUBSCRIBE_KEYRING } from '../../../shared/local/local-sending.js';
import { drainQueue } from '../../../shared/local/queue-driver.js';
import { startLocalRuntime, type LocalRuntime } from '../../../shared/local/runtime.js';
import { VirtualClock } from '../../../shared/local/virtual-clock.js';

const SERVER_KEY = 'attack-profile-server-key';
const BROWSER_KEY = 'attack-profile-browser-key';
const IDENTITY_SECRET = 'attack-profile-identity-secret';
const clock = new VirtualClock(new Date('2026-12-07T12:00:00.000Z'));

type Call = Record<string, unknown>;

describe('attacks on profiles with the browser key', () => {
  let dataDir: string;
  let runtime: LocalRuntime;
  let handlers: ReturnType<typeof buildLocalHandlers>;
  let unsubscribe: ReturnType<typeof buildUnsubscribeHandler>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sadakat-attacks-profile-'));
    runtime = await startLocalRuntime({ dataDir, engine: 'dynalite', clock, fresh: true });
    handlers = buildLocalHandlers(runtime, {
      campaign: await loadCampaign('campaign'),
      writeKeys: [SERVER_KEY],
      browserKeys: [{ key: BROWSER_KEY, origins: [] }],
      identitySecret: IDENTITY_SECRET,
      journeys: null,
    });
    unsubscribe = buildUnsubscribeHandler({
      profiles: runtime.profiles,
      suppression: runtime.adapters.table.suppression,
      events: runtime.eventsQueue,
      keyring: LOCAL_UNSUBSCRIBE_KEYRING,
      clock,
      logger: new Logger({ serviceName: 'unsubscribe', logLevel: 'SILENT' }),
    });
  });

  afterAll(async () => {
    await runtime?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Posts a batch with a key and processes everything queued. */
  async function post(key: string, batch: readonly Call[]) {
    clock.advance(60_000);
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
    await drainQueue(runtime.eventsQueue, handlers.processEvents, { clock });
    return { statusCode: result.statusCode, body: JSON.parse(result.body ?? '{}') as Record<string, unknown> };
  }

  const asServer = (calls: readonly Call[]) => post(SERVER_KEY, calls);
  const asBrowser = (calls: readonly Call[]) => post(BROWSER_KEY, calls);
  const profile = async (id: string) => runtime.profiles.getProfile(id);

  /** A customer the storefront's back end created: email with consent, and a first name. */
  async function knownCustomer(userId: string, email: string): Promise<void> {
    const at = clock.now().toISOString();
    const answer = await asServer([
      {
        type: 'identify',
        userId,
        traits: { email, firstName: 'Ayşe', plan: 'gold', consent: { email: true, timestamp: at } },
      },
    ]);
    expect(answer.body).toEqual({ accepted: 1, rejected: [] });
  }

  describe('channel takeover', () => {
    it("a browser identify of a known customer with the attacker's address leaves channels.email unchanged", async () => {
      // Prepare
      await knownCustomer('takeover-1', 'ayse@shop.test');

      // Act
      await asBrowser([
        { type: 'identify', userId: 'takeover-1', traits: { email: 'attacker@evil.test', phone: '+905321234567' } },
      ]);

      // Assess
      const stored = await profile('takeover-1');
      expect(stored?.channels.email).toBe('ayse@shop.test');
      expect(stored?.channels.phone).toBeUndefined();
      expect(stored?.consent.email?.granted).toBe(true);
      expect(stored?.pending?.email).toBeUndefined();
    });

    it('the same call with a valid identity token changes it (the customer proved who they are)', async () => {
      // Prepare
      await knownCustomer('takeover-2', 'old@shop.test');

      // Act
      await asBrowser([
        {
          type: 'identify',
          userId: 'takeover-2',
          traits: { email: 'new@shop.test' },
          context: { identityToken: identityToken(IDENTITY_SECRET, 'takeover-2') },
        },
      ]);

      // Assess
      expect((await profile('takeover-2'))?.channels.email).toBe('new@shop.test');
    });

    it('a token for another userId verifies nothing', async () => {
      // Prepare
      await knownCustomer('takeover-3', 'ayse3@shop.test');

      // Act
      await asBrowser([
        {
          type: 'identify',
          userId: 'takeover-3',
          traits: { email: 'attacker@evil.test' },
          context: { identityToken: identityToken(IDENTITY_SECRET, 'attacker-own-account') },
        },
      ]);

      // Assess
      expect((await profile('takeover-3'))?.channels.email).toBe('ayse3@shop.test');
    });

    it("a browser identify linking the attacker's anonymous profile into a known customer moves no address or name", async () => {
      // Prepare
      await knownCustomer('takeover-4', 'ayse4@shop.test');
      await asBrowser([
        {
          type: 'identify',
          anonymousId: 'attacker-browser',
          traits: { email: 'attacker@evil.test', firstName: 'Visit evil.test/refund', consent: { email: true } },
        },
      ]);

      // Act
      await asBrowser([{ type: 'identify', userId: 'takeover-4', anonymousId: 'attacker-browser', traits: {} }]);

      // Assess
      const stored = await profile('takeover-4');
      expect(stored?.anonymousIds).toContain('attacker-browser');
      expect(stored?.channels.email).toBe('ayse4@shop.test');
      expect(stored?.name.first).toBe('Ayşe');
      expect(stored?.pending?.email).toBeUndefined();
    });
  });

  describe("text injected through a known customer's name", () => {
    it('a browser identify cannot rename a known customer or change their traits, timezone or locale', async () => {
      // Prepare
      await knownCustomer('name-1', 'name1@shop.test');

      // Act
      await asBrowser([
        {
          type: 'identify',
          userId: 'name-1',
          traits: {
            firstName: 'Visit evil.test/refund to claim',
            lastName: 'evil',
            plan: 'free',
            timezone: 'Pacific/Kiritimati',
          },
          context: { locale: 'ar-SA' },
        },
      ]);

      // Assess
      const stored = await profile('name-1');
      expect(stored?.name).toEqual({ first: 'Ayşe' });
      expect(stored?.traits.plan).toBe('gold');
      expect(stored?.timezone).toBeUndefined();
      expect(stored?.locale).toBeUndefined();
    });

    it('behaviour still counts: track events and the cart from the browser land on the known customer', async () => {
      // Prepare
      await knownCustomer('name-2', 'name2@shop.test');

      // Act
      await asBrowser([
        { type: 'track', userId: 'name-2', event: 'Product Viewed', properties: { product_id: 'p1' } },
        { type: 'track', userId: 'name-2', event: 'Product Added', properties: { product_id: 'p1', price: 10 } },
      ]);

      // Assess
      const stored = await profile('name-2');
      expect(stored?.events['Product Viewed']?.count).toBe(1);
      expect(stored?.cart.items.map((item) => item.productId)).toEqual(['p1']);
    });
  });

  describe('consent from the browser', () => {
    it('a cached-traits replay does not re-grant consent after a one-click unsubscribe, even dated now', async () => {
      // Prepare
      await knownCustomer('replay-1', 'replay1@shop.test');
      const token = signUnsubscribeToken(LOCAL_UNSUBSCRIBE_KEYRING, 'replay-1', 'email');
      clock.advance(60_000);
      const unsubscribed = structuredResult(
        await unsubscribe(
          apiGatewayEvent({
            method: 'POST',
            path: `/u/${token}`,
            headers: {},
            body: 'List-Unsubscribe=One-Click',
            at: clock.now(),
          }),
          localLambdaContext('unsubscribe'),
        ),
      );
      expect(unsubscribed.statusCode).toBe(200);
      await drainQueue(runtime.eventsQueue, handlers.processEvents, { clock });

      // Act: analytics.js replays its cached traits on every identify; an attacker dates them now.
      await asBrowser([
        { type: 'identify', userId: 'replay-1', traits: { email: 'replay1@shop.test', consent: { email: true } } },
      ]);
      clock.advance(60_000);
      await asBrowser([
        {
          type: 'identify',
          userId: 'replay-1',
          traits: { consent: { email: true, timestamp: clock.now().toISOString() } },
        },
      ]);

      // Assess
      expect((await profile('replay-1'))?.consent.email?.granted).toBe(false);
    });

    it('a grant dated 2099 does not outweigh the one-click unsubscribe that follows it', async () => {
      // Prepare
      await asServer([
        {
          type: 'identify',
          userId: 'future-1',
          traits: { email: 'future1@shop.test', consent: { email: true, timestamp: '2099-01-01T00:00:00.000Z' } },
        },
      ]);
      const token = signUnsubscribeToken(LOCAL_UNSUBSCRIBE_KEYRING, 'future-1', 'email');
      clock.advance(60_000);

      // Act
      await unsubscribe(
        apiGatewayEvent({
          method: 'POST',
          path: `/u/${token}`,
          headers: {},
          body: 'List-Unsubscribe=One-Click',
          at: clock.now(),
        }),
        localLambdaContext('unsubscribe'),
      );
      await drainQueue(runtime.eventsQueue, handlers.processEvents, { clock });

      // Assess
      expect((await profile('future-1'))?.consent.email?.granted).toBe(false);
    });

    it('a revocation is honoured from any call: stopping is always safe', async () => {
      // Prepare
      await knownCustomer('revoke-1', 'revoke1@shop.test');

      // Act
      await asBrowser([
        {
          type: 'identify',
          userId: 'revoke-1',
          traits: { consent: { email: false, timestamp: clock.now().toISOString() } },
        },
      ]);

      // Assess
      expect((await profile('revoke-1'))?.consent.email?.granted).toBe(false);
    });

    it("a browser identify of a new userId with a stranger's address and consent sends nothing: both stay pending", async () => {
      // Act
      const answer = await asBrowser([
        {
          type: 'identify',
          userId: 'stranger-1',
          traits: { email: 'Victim@Example.test', phone: '+905321234567', consent: { email: true, sms: true } },
        },
      ]);

      // Assess
      expect(answer.body).toEqual({ accepted: 1, rejected: [] });
      const stored = await profile('stranger-1');
      expect(stored?.channels.email).toBeUndefined();
      expect(stored?.channels.phone).toBeUndefined();
      expect(stored?.consent.email?.granted).not.toBe(true);
      expect(stored?.consent.sms?.granted).not.toBe(true);
      expect(stored?.pending?.email?.address).toBe('victim@example.test');
      expect(stored?.pending?.phone?.number).toBe('+905321234567');
      expect(stored?.pending?.consent?.email?.granted).toBe(true);
    });

    it('a server identify of a new customer is trusted as before', async () => {
      // Act
      await asServer([{ type: 'identify', userId: 'server-new-1', traits: { email: 'n1@shop.test' } }]);

      // Assess
      expect((await profile('server-new-1'))?.channels.email).toBe('n1@shop.test');
    });
  });

  describe('reserved ids', () => {
    it('the sadakat-doctor: prefix is refused from unverified browser calls, as anon: is', async () => {
      // Act
      const answer = await asBrowser([
        { type: 'track', userId: 'sadakat-doctor:run:case', event: 'Product Viewed', properties: {} },
      ]);

      // Assess
      expect(answer.body).toEqual({
        accepted: 0,
        rejected: [expect.objectContaining({ index: 0, field: 'userId' })],
      });
    });
  });
});
