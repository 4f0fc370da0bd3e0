import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envWebhookSecrets } from '../../shared/aws/webhook-secrets.js';
import { checkWebhookSecret, classifyStatus, HttpWebhookSender } from '../../shared/aws/webhook-sender.js';
import { decideSend } from '../../shared/channels/decide-send.js';
import type { ProviderError } from '../../shared/channels/provider-error.js';
import { releaseDeferredSends } from '../../shared/channels/release-deferred.js';
import { TemplateSet } from '../../shared/channels/render.js';
import type { SendRequest } from '../../shared/channels/send-request.js';
import { NOON, sendHarness, sendRequest, TEMPLATES } from '../unit/channels/send-harness.js';

const SECRET = `whsec_${Buffer.from('sadakat-test-webhook-secret-32-bytes!').toString('base64')}`;

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A receiver on loopback that answers each request as `behaviour` says, after recording it. */
function startReceiver() {
  const received: Received[] = [];
  let behaviours: ('ok' | '503' | 'hang' | '400' | '429')[] = [];
  const hung = new Set<() => void>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const behaviour = behaviours.shift() ?? 'ok';
      if (behaviour === 'hang') {
        // Received and processed, but the answer comes too late for the sender.
        const finish = () => response.end();
        hung.add(finish);
        return;
      }
      response.statusCode = behaviour === 'ok' ? 204 : Number(behaviour);
      response.end();
    });
  });
  return {
    received,
    set: (next: typeof behaviours) => {
      behaviours = next;
    },
    listen: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () =>
          resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`),
        ),
      ),
    close: () =>
      new Promise<void>((resolve) => {
        for (const finish of hung) finish();
        server.close(() => resolve());
      }),
  };
}

const receiver = startReceiver();
let url = '';
beforeAll(async () => {
  url = await receiver.listen();
});
afterAll(() => receiver.close());

/** Signing times a few seconds apart, near real time (the verifier accepts 5 minutes either side). */
function steppingClock(): () => Date {
  const start = Date.now();
  let step = 0;
  return () => new Date(start + 2000 * step++);
}

function verify(request: Received) {
  const headers = {
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  };
  return new Webhook(SECRET).verify(request.body, headers);
}

const post = (overrides: { timeoutMs?: number; webhookId?: string } = {}) => ({
  endpoint: 'crm',
  url,
  secret: { env: 'CRM_SECRET' },
  timeoutMs: overrides.timeoutMs ?? 2000,
  webhookId: overrides.webhookId ?? 'a'.repeat(64),
  body: '{"event":"vip_order"}',
});

describe('HttpWebhookSender', () => {
  const sender = new HttpWebhookSender({
    secrets: envWebhookSecrets({ CRM_SECRET: SECRET }),
    signingClock: steppingClock(),
  });

  it('signs a POST that the standardwebhooks verifier accepts', async () => {
    receiver.received.length = 0;
    receiver.set(['ok']);

    const answer = await sender.post(post());

    expect(answer.status).toBe(204);
    const [request] = receiver.received;
    expect(request?.headers['webhook-id']).toBe('a'.repeat(64));
    expect(request?.headers['content-type']).toBe('application/json');
    expect(verify(request as Received)).toEqual({ event: 'vip_order' });
  });

  it('classifies answers: 5xx and timeouts may be tried again, 4xx not', async () => {
    receiver.set(['503', '400', '429', 'hang']);

    const failures = [];
    for (const timeoutMs of [2000, 2000, 2000, 150]) {
      failures.push(
        await sender.post(post({ timeoutMs })).catch((error: ProviderError) => [error.failure, error.code]),
      );
    }

    expect(failures).toEqual([
      ['unknown', 'HTTP 503'],
      ['permanent', 'HTTP 400'],
      ['throttled', 'HTTP 429'],
      ['unknown', 'Timeout'],
    ]);
    expect([200, 301, 404, 408, 500].map(classifyStatus)).toEqual([
      undefined,
      'permanent',
      'permanent',
      'unknown',
      'unknown',
    ]);
  });

  it('refuses a secret that is not whsec_ base64, naming the endpoint and not the value', () => {
    expect(() => checkWebhookSecret('crm', 'hunter2')).toThrow(/webhook endpoint crm: its secret must be "whsec_"/);
    expect(() => checkWebhookSecret('crm', 'hunter2')).not.toThrow(/hunter2/);
  });
});

describe('webhook faults end to end (decision, ledger, due index, a real receiver)', () => {
  it('delivers at least once with one webhook-id through 5xx and a timeout after receipt, every attempt re-signed', async () => {
    // Prepare
    receiver.received.length = 0;
    receiver.set(['503', 'hang', 'ok']);
    const harness = sendHarness();
    harness.deps.templates = new TemplateSet({
      ...TEMPLATES,
      'vip/webhook.json.liquid': '{"name": {{ profile.name.first }}}',
    });
    harness.deps.settings = {
      ...harness.deps.settings,
      webhooks: { crm: { url, secret: { env: 'CRM_SECRET' }, timeout: '1s' } },
    };
    harness.deps.webhook = new HttpWebhookSender({
      secrets: envWebhookSecrets({ CRM_SECRET: SECRET }),
      signingClock: steppingClock(),
    });
    let request: SendRequest = sendRequest({ channel: 'webhook', endpoint: 'crm', template: 'vip' });

    // Act: decide, and each time the lease is due release it and decide again
    const reasons: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await decideSend(harness.deps, request);
      reasons.push(result.reason);
      if (result.reason !== 'deferred' || !result.wakeAt) break;
      harness.clock.set(new Date(result.wakeAt));
      const released: SendRequest[] = [];
      await releaseDeferredSends(
        {
          due: harness.deps.due,
          sends: { enqueue: async (next) => void released.push(...next) },
          clock: harness.clock,
        },
        harness.clock.now(),
      );
      request = released[0] as SendRequest;
    }

    // Assess
    expect(reasons).toEqual(['deferred', 'deferred', 'sent']);
    expect(receiver.received).toHaveLength(3);
    const ids = new Set(receiver.received.map((received) => received.headers['webhook-id']));
    expect(ids).toEqual(new Set([request.messageId]));
    for (const received of receiver.received) expect(verify(received)).toEqual({ name: 'Ayşe' });
    const stamps = receiver.received.map((received) => received.headers['webhook-timestamp']);
    const signatures = receiver.received.map((received) => received.headers['webhook-signature']);
    expect(new Set(stamps).size).toBe(3);
    expect(new Set(signatures).size).toBe(3);
    expect(await harness.ledger.find('c1', request.messageId)).toMatchObject({ status: 'sent', attempts: 3 });
    expect(NOON.getTime()).toBeLessThan(harness.clock.now().getTime());
  });

  it('delivers every request at least once through a 5xx and a crash between the call and the ledger', async () => {
    // Prepare: three sends; the second gets a 503 first, the third's ledger write after its 2xx dies
    receiver.received.length = 0;
    receiver.set(['ok', '503', 'ok', 'ok']);
    const harness = sendHarness();
    harness.deps.templates = new TemplateSet({
      ...TEMPLATES,
      'vip/webhook.json.liquid': '{"step": {{ vars.step }}}',
    });
    harness.deps.settings = {
      ...harness.deps.settings,
      webhooks: { crm: { url, secret: { env: 'CRM_SECRET' }, timeout: '1s' } },
    };
    harness.deps.webhook = new HttpWebhookSender({
      secrets: envWebhookSecrets({ CRM_SECRET: SECRET }),
      signingClock: steppingClock(),
    });
    const requests = ['a', 'b', 'c'].map((step) =>
      sendRequest({
        channel: 'webhook',
        endpoint: 'crm',
        template: 'vip',
        stepId: step,
        messageId: step.repeat(64),
        vars: { step },
      }),
    );
    const settle = harness.deps.ledger.settle.bind(harness.deps.ledger);
    let crashed = false;
    harness.deps.ledger.settle = async (customerId, messageId, status, ...rest) => {
      if (messageId === 'c'.repeat(64) && status === 'sent' && !crashed) {
        crashed = true;
        throw new Error('crashed');
      }
      return settle(customerId, messageId, status, ...rest);
    };

    // Act: decide each; then, while leases are booked, move to the next one and decide what it releases
    let pending: SendRequest[] = requests;
    for (let round = 0; round < 4 && pending.length > 0; round++) {
      for (const request of pending) await decideSend(harness.deps, request).catch(() => undefined);
      const next = [...harness.due.items.values()].map((item) => item.wakeAt).sort()[0];
      if (next === undefined) break;
      harness.clock.set(new Date(next));
      const released: SendRequest[] = [];
      await releaseDeferredSends(
        {
          due: harness.deps.due,
          sends: { enqueue: async (more) => void released.push(...more) },
          clock: harness.clock,
        },
        harness.clock.now(),
      );
      pending = released;
    }

    // Assess: each id arrived, only with its own body, every request verifies, retries signed afresh
    const byId = new Map<string, Received[]>();
    for (const received of receiver.received) {
      const id = String(received.headers['webhook-id']);
      byId.set(id, [...(byId.get(id) ?? []), received]);
    }
    expect([...byId.keys()].sort()).toEqual(requests.map((request) => request.messageId));
    expect(requests.map((request) => byId.get(request.messageId)?.length)).toEqual([1, 2, 2]);
    for (const [id, received] of byId) {
      for (const each of received) expect(verify(each)).toEqual({ step: id[0] });
      expect(new Set(received.map((each) => each.headers['webhook-signature'])).size).toBe(received.length);
    }
    for (const request of requests)
      expect(await harness.ledger.find('c1', request.messageId)).toMatchObject({ status: 'sent' });
  });
});
