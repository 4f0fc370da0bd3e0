/** In-memory fakes of the ports ingest uses, recording how they were called. */
import type { CustomerMessage } from '../../../shared/events/messages.js';
import type { IngestDeps, IngestRequest } from '../../../shared/events/ingest.js';
import { fixedIdentitySecret } from '../../../shared/events/identity-token.js';
import { serverKeys, StaticWriteKeys } from '../../../shared/events/write-key.js';
import type { Clock, IdentityMap, RequestEventQueue } from '../../../shared/ports.js';
import { customerMessagesOf, type EventQueueMessage } from '../../../shared/events/request-events-message.js';

export const WRITE_KEY = 'wk_live_test';
/** A browser key, usable from pages of SHOP_ORIGIN. */
export const BROWSER_KEY = 'wk_browser_test';
export const SHOP_ORIGIN = 'https://shop.example';
export const IDENTITY_SECRET = 'identity-secret-for-tests';
export const NOW = new Date('2026-11-02T10:00:00.000Z');

export class FakeIdentityMap implements IdentityMap {
  readonly resolveCalls: string[][] = [];
  failWith: Error | undefined;
  constructor(private readonly links: Map<string, string> = new Map()) {}

  async resolve(anonymousIds: readonly string[]): Promise<Map<string, string>> {
    this.resolveCalls.push([...anonymousIds]);
    if (this.failWith) throw this.failWith;
    return new Map(anonymousIds.flatMap((id) => (this.links.has(id) ? [[id, this.links.get(id)!] as const] : [])));
  }

  async link(anonymousId: string, userId: string) {
    const existing = this.links.get(anonymousId) ?? userId;
    this.links.set(anonymousId, existing);
    return { userId: existing, receipt: { capacityUnits: 0 } };
  }
}

export class RecordingQueue implements RequestEventQueue {
  /** Each enqueue call's messages as queued (a request's events of one customer in one message). */
  readonly calls: EventQueueMessage[][] = [];
  failWith: Error | undefined;

  async enqueue(messages: readonly EventQueueMessage[]): Promise<void> {
    this.calls.push([...messages]);
    if (this.failWith) throw this.failWith;
  }

  /** Every queued event as process-events handles it: one customer message each, in queue order. */
  get messages(): CustomerMessage[] {
    return this.calls.flat().flatMap(customerMessagesOf);
  }
}

export interface Fakes {
  deps: IngestDeps;
  identity: FakeIdentityMap;
  queue: RecordingQueue;
  logged: { level: string; message: string; attributes: unknown[] }[];
}

export function fakeDeps(links: Map<string, string> = new Map()): Fakes {
  const identity = new FakeIdentityMap(links);
  const queue = new RecordingQueue();
  const logged: Fakes['logged'] = [];
  const clock: Clock = { now: () => NOW };
  let generated = 0;
  const deps: IngestDeps = {
    writeKeys: new StaticWriteKeys([
      ...serverKeys([WRITE_KEY]),
      { id: 'web', key: BROWSER_KEY, scope: 'browser', origins: [SHOP_ORIGIN] },
    ]),
    identitySecret: fixedIdentitySecret(IDENTITY_SECRET),
    identity,
    queue,
    clock,
    newMessageId: () => `generated-${++generated}`,
    log: {
      warn: (message, ...attributes) => logged.push({ level: 'warn', message, attributes }),
      error: (message, ...attributes) => logged.push({ level: 'error', message, attributes }),
    },
  };
  return { deps, identity, queue, logged };
}

export const basicAuth = (key: string, password = ''): string =>
  `Basic ${Buffer.from(`${key}:${password}`).toString('base64')}`;

/** A POST with Basic auth and a JSON body (overrides replace any part). */
export function post(path: string, body: unknown, overrides: Partial<IngestRequest> = {}): IngestRequest {
  return {
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', authorization: basicAuth(WRITE_KEY) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
    ...overrides,
  };
}

export const track = (fields: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'track',
  userId: 'u1',
  event: 'Product Viewed',
  timestamp: '2026-11-02T09:00:00.000Z',
  properties: { product_id: 'p1' },
  ...fields,
});
