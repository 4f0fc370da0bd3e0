/**
 * What the trust checks cost ingest (issue 17, DESIGN "Trust"): requests/s of the real ingest
 * (`handleIngestRequest`: key lookup, size and body checks, parse, normalize, envelope) with a
 * browser key — origin check, CORS headers, the scope rules on every call (server-only events,
 * the doctor prefix) and, when the calls carry `context.identityToken`, one HMAC-SHA256 verified
 * in constant time per call — beside the same ingest with a server key, which skips all of
 * them: what every request cost before key scopes existed. The queue and identity map are
 * in-memory no-ops so only ingest's own work is timed; rounds alternate to share the noise.
 */
import { fixedIdentitySecret, identityToken } from '../shared/events/identity-token.js';
import { handleIngestRequest, type IngestDeps, type IngestRequest } from '../shared/events/ingest.js';
import { StaticWriteKeys } from '../shared/events/write-key.js';
import type { BenchRow } from './bench-row.js';

const SERVER_KEY = 'bench-server-key-0123456789';
const BROWSER_KEY = 'bench-browser-key-0123456789';
const SECRET = 'bench-identity-secret-0123456789abcdef';
const ORIGIN = 'https://shop.example';
const CALLS_PER_REQUEST = 20;

function deps(): IngestDeps {
  return {
    writeKeys: new StaticWriteKeys([
      { id: 'backend', key: SERVER_KEY, scope: 'server' },
      { id: 'storefront', key: BROWSER_KEY, scope: 'browser', origins: [ORIGIN] },
    ]),
    identitySecret: fixedIdentitySecret(SECRET),
    identity: {
      resolve: async () => new Map(),
      link: async (_a, userId) => ({ userId, receipt: { capacityUnits: 0 } }),
    },
    queue: { enqueue: async () => {} },
    clock: { now: () => new Date('2026-12-07T10:00:00.000Z') },
    newMessageId: () => 'bench-id',
  };
}

/** A storefront batch: an identify and page views of one signed-in customer. */
function request(key: string, withToken: boolean, customer: number): IngestRequest {
  const userId = `cust-${customer}`;
  const context = withToken ? { identityToken: identityToken(SECRET, userId) } : {};
  const batch = Array.from({ length: CALLS_PER_REQUEST }, (_, index) =>
    index === 0
      ? { type: 'identify', userId, messageId: `m-${customer}-0`, traits: { firstName: 'Ayşe' }, context }
      : {
          type: 'track',
          userId,
          messageId: `m-${customer}-${index}`,
          event: 'Product Viewed',
          properties: { product_id: `p-${index}`, category: 'shoes', price: 49.9 },
          timestamp: '2026-12-07T09:59:00.000Z',
          context,
        },
  );
  return {
    method: 'POST',
    path: '/v1/batch',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
      ...(key === BROWSER_KEY ? { origin: ORIGIN } : {}),
    },
    body: JSON.stringify({ batch }),
    isBase64Encoded: false,
  };
}

export async function run(options: { requests?: number; rounds?: number } = {}): Promise<BenchRow[]> {
  const count = options.requests ?? 1000;
  const rounds = options.rounds ?? 5;
  const ingest = deps();
  const kinds = {
    server: Array.from({ length: count }, (_, i) => request(SERVER_KEY, false, i)),
    browser: Array.from({ length: count }, (_, i) => request(BROWSER_KEY, false, i)),
    verified: Array.from({ length: count }, (_, i) => request(BROWSER_KEY, true, i)),
  };
  const elapsed = { server: 0, browser: 0, verified: 0 };
  const time = async (kind: keyof typeof kinds): Promise<number> => {
    const started = performance.now();
    for (const each of kinds[kind]) {
      const response = await handleIngestRequest(ingest, each);
      if (response.statusCode !== 200) throw new Error(`ingest answered ${response.statusCode} to a ${kind} request`);
    }
    return performance.now() - started;
  };
  for (const kind of ['server', 'browser', 'verified'] as const) await time(kind); // warm-up
  for (let round = 0; round < rounds; round++)
    for (const kind of ['server', 'browser', 'verified'] as const) elapsed[kind] += await time(kind);

  const perSecond = (kind: keyof typeof kinds) => (count * rounds) / (elapsed[kind] / 1000);
  const server = perSecond('server');
  return [
    { name: 'server key: no origin, scope or token checks', value: server, unit: 'req/s' },
    {
      name: 'browser key, unverified: origin + scope rules',
      value: perSecond('browser'),
      unit: 'req/s',
      peerName: 'server key',
      peer: server,
      ratio: perSecond('browser') / server,
    },
    {
      name: 'browser key + identityToken: + 1 HMAC per call',
      value: perSecond('verified'),
      unit: 'req/s',
      peerName: 'server key',
      peer: server,
      ratio: perSecond('verified') / server,
    },
  ];
}
