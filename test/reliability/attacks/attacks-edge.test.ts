/**
 * Attacks on the edge (issue 17), each tried as an attacker would against `sadakat serve`'s
 * server: real HTTP on loopback into the real ingest, process-events and unsubscribe handlers
 * on dynalite. Each was written first and failed on the code before the fix.
 */
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildHandler as buildUnsubscribeHandler } from '../../../functions/unsubscribe.js';
import { parseKeyring } from '../../../shared/channels/unsubscribe-keyring.js';
import { loadCampaign } from '../../../shared/config/campaign.js';
import { startIngestServer, type RunningIngestServer } from '../../../shared/local/ingest-server.js';
import { buildLocalHandlers } from '../../../shared/local/local-handlers.js';
import { startLocalRuntime, type LocalRuntime } from '../../../shared/local/runtime.js';
import { VirtualClock } from '../../../shared/local/virtual-clock.js';
import { Logger } from '@aws-lambda-powertools/logger';

const SERVER_KEY = 'attack-test-server-key';
const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
const clock = new VirtualClock(new Date('2026-12-07T22:57:00.000Z'));
const call = (userId: string) => ({
  type: 'track',
  userId,
  event: 'Product Viewed',
  properties: { product_id: 'p1' },
  timestamp: clock.now().toISOString(),
});

interface RawAnswer {
  status: number;
  body: string;
  /** Bytes of the body the client had written when the answer came. */
  sentWhenAnswered: number;
}

/**
 * Posts `total` bytes in 16 KB chunks, slowly, and stops writing as soon as an answer arrives:
 * a server that reads the whole body before answering never answers within `patienceMs`.
 */
function slowPost(port: number, headers: Record<string, string>, total: number, patienceMs = 4000) {
  return new Promise<RawAnswer>((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/v1/batch',
      headers: { ...headers, 'content-length': String(total) },
    });
    req.on('response', (response) => {
      answered = true;
      const sentWhenAnswered = sent;
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, sentWhenAnswered }));
      response.on('error', reject);
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    const tick = setInterval(() => {
      if (answered || sent >= total) {
        clearInterval(tick);
        return;
      }
      const size = Math.min(chunk.length, total - sent);
      sent += size;
      req.write(chunk.subarray(0, size));
    }, 20);
    setTimeout(() => {
      clearInterval(tick);
      if (!answered) {
        req.destroy();
        reject(new Error(`no answer within ${patienceMs} ms after ${sent} of ${total} bytes`));
      }
    }, patienceMs);
  });
}

describe('attacks on the edge', () => {
  let dataDir: string;
  let runtime: LocalRuntime;
  let server: RunningIngestServer;
  let url: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sadakat-attacks-edge-'));
    runtime = await startLocalRuntime({ dataDir, engine: 'dynalite', clock, fresh: true });
    const handlers = buildLocalHandlers(runtime, {
      campaign: await loadCampaign('campaign'),
      writeKeys: [SERVER_KEY],
      journeys: null,
    });
    const unsubscribe = buildUnsubscribeHandler({
      profiles: runtime.profiles,
      suppression: runtime.adapters.table.suppression,
      events: runtime.eventsQueue,
      keyring: parseKeyring(
        JSON.stringify({ current: 'k1', keys: { k1: 'unsubscribe-test-secret-of-at-least-32-characters' } }),
        'test',
      ),
      clock,
      logger: new Logger({ serviceName: 'unsubscribe', logLevel: 'SILENT' }),
    });
    server = await startIngestServer(
      {
        ingest: handlers.ingest,
        processEvents: handlers.processEvents,
        writeKeys: handlers.writeKeys,

        unsubscribe,
        queue: runtime.eventsQueue,
        clock,
        pollMs: 60_000,
      },
      0,
    );
    url = `http://127.0.0.1:${server.port}`;
  });

  afterAll(async () => {
    await server?.close();
    await runtime?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  describe('unauthenticated cost', () => {
    it('a wrong key in the body is refused without parsing the body', async () => {
      // Prepare
      const parse = vi.spyOn(JSON, 'parse');
      const body = JSON.stringify({
        writeKey: 'guessed-key',
        batch: Array.from({ length: 2000 }, (_, index) => call(`u${index}`)),
      });

      // Act
      const response = await fetch(`${url}/v1/batch`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body,
      });

      // Assess
      expect(response.status).toBe(401);
      const bigParses = parse.mock.calls.filter(([text]) => typeof text === 'string' && text.length > 1024);
      expect(bigParses).toEqual([]);
    });

    it('a wrong Basic-auth key is refused before the body is read', async () => {
      // Act
      const answer = await slowPost(server.port, { authorization: basic('guessed-key') }, 400 * 1024);

      // Assess
      expect(answer.status).toBe(401);
      expect(answer.sentWhenAnswered).toBeLessThan(400 * 1024);
    });
  });

  describe('oversize bodies', () => {
    it('a body declared over the limit is refused before it is read', async () => {
      // Act
      const answer = await slowPost(server.port, { authorization: basic(SERVER_KEY) }, 8 * 1024 * 1024);

      // Assess
      expect(answer.status).toBe(413);
      expect(answer.sentWhenAnswered).toBeLessThan(1024 * 1024);
    });

    it('a gzip bomb (10 MB of spaces in about 10 KB) is refused with 413 once 500 KB are decompressed', async () => {
      // Prepare
      const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20));

      // Act
      const response = await fetch(`${url}/v1/batch`, {
        method: 'POST',
        headers: { authorization: basic(SERVER_KEY), 'content-encoding': 'gzip', 'content-type': 'application/json' },
        body: bomb,
      });

      // Assess
      expect(response.status).toBe(413);
      expect(await response.json()).toEqual({ error: expect.stringContaining('once decompressed') });
    });

    it('a gzip batch from a server-side library is accepted whatever its content type', async () => {
      // Prepare
      const body = gzipSync(JSON.stringify({ batch: [call('gz-1'), call('gz-2')] }));

      // Act
      const response = await fetch(`${url}/v1/batch`, {
        method: 'POST',
        headers: { authorization: basic(SERVER_KEY), 'content-encoding': 'gzip', 'content-type': 'text/plain' },
        body,
      });

      // Assess
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ accepted: 2, rejected: [] });
    });
  });

  describe('unsubscribe pages', () => {
    it('a malformed %-escape in the token answers 403, not 500', async () => {
      // Act
      const response = await fetch(`${url}/u/%E0%A4%A`);

      // Assess
      expect(response.status).toBe(403);
    });

    it.each(['/u/%E0%A4%A', '/u/not-a-token'])('%s may not be framed by another page', async (path) => {
      // Act
      const response = await fetch(`${url}${path}`);

      // Assess
      expect(response.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
    });
  });
});
