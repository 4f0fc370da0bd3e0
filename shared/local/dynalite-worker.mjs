// dynalite's HTTP server on a worker thread: the engine gets its own core instead of sharing the
// event loop with the handlers that call it (≈ 3× the throughput on two cores). Plain JavaScript
// so it loads in a worker without a TypeScript loader.
//
// Besides the loopback port, the same request handler answers requests posted on the thread's
// message port: the runtime's own client sends the SDK's signed HTTP request there, which skips
// the TCP round trip and HTTP parsing on both sides (≈ 15% of the demo's CPU when measured).
// Requests and responses travel in batches (all made before the microtask queue drains): a
// message costs a cross-thread wake-up, whatever it carries. Not per event-loop turn: the demo
// is bound by round-trip latency (a customer's messages are processed in order), and waiting for
// the turn's end made it 20% slower.
import { timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const dynalitePath = require.resolve('dynalite');
// `writeBehind` (a fresh data folder: the demo) keeps the store in memory while the engine runs
// and writes it to `path` when stopped, in LevelDB's format, so later commands open it from disk
// as usual. dynalite takes its store class from `level` when it loads, so the class is swapped
// first (in this thread only) for an in-memory one of the same encoding.
const writeBehind = workerData.writeBehind && workerData.path ? swapInMemoryStore() : undefined;
// Before dynalite opens the store (its constructor starts opening it): another holder is reported, not waited on.
const held = await lockHeld(workerData.path, writeBehind !== undefined);
if (held) {
  parentPort.postMessage({ error: held, locked: true });
  // Nothing else runs in this thread: the runtime terminates it.
  await new Promise(() => undefined);
}
const dynalite = require(dynalitePath);
const server = dynalite({
  ...(workerData.path ? { path: workerData.path } : {}),
  createTableMs: 0,
  deleteTableMs: 0,
  updateTableMs: 0,
});
const handleHttp = server.listeners('request')[0];
// Over TCP (other processes: commands attached to `sadakat serve`), a request must be signed with
// the engine's access key id; the runtime's own requests come over the message port below.
if (workerData.accessKeyId) {
  server.removeAllListeners('request');
  server.on('request', (request, response) => {
    if (signedWith(request.headers.authorization, workerData.accessKeyId)) return handleHttp(request, response);
    response.statusCode = 400;
    response.setHeader('content-type', 'application/x-amz-json-1.0');
    response.end(
      JSON.stringify({
        __type: 'com.amazonaws.dynamodb.v20120810#UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
      }),
    );
  });
}
server.once('error', (error) => parentPort.postMessage({ error: String(error?.message ?? error) }));
server.listen(workerData.port, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (message) => {
  if (message === 'stop') {
    const stop = () => {
      server.close(() => parentPort.postMessage({ stopped: true }));
      server.closeAllConnections();
    };
    if (!writeBehind) return stop();
    writeBehind
      .persist()
      .then(stop, (error) =>
        parentPort.postMessage({ error: `writing the data to ${workerData.path}: ${String(error?.message ?? error)}` }),
      );
    return;
  }
  // Batches travel as JSON text: cheaper to post than the structured clone of as many objects.
  if (typeof message === 'string') for (const request of JSON.parse(message)) answer(request);
});

let outgoing = [];
function reply(response) {
  if (outgoing.length === 0) queueMicrotask(flush);
  outgoing.push(response);
}
function flush() {
  parentPort.postMessage(JSON.stringify(outgoing));
  outgoing = [];
}

/** Plays one request through dynalite's HTTP handler with just enough of node's request and response objects. */
function answer({ id, method, url, headers, body }) {
  const request = Object.assign(new EventEmitter(), { method, url, headers });
  const responseHeaders = {};
  const response = {
    statusCode: 200,
    setHeader(name, value) {
      responseHeaders[name.toLowerCase()] = String(value);
    },
    end(text) {
      reply({
        id,
        statusCode: response.statusCode,
        headers: responseHeaders,
        body: text === undefined ? '' : String(text),
      });
    },
  };
  handleHttp(request, response);
  if (body) request.emit('data', Buffer.from(body, 'utf8'));
  request.emit('end');
}

/** Makes dynalite's `new Level(path, options)` an in-memory store; `persist` copies it to `path`. */
function swapInMemoryStore() {
  const fromDynalite = createRequire(dynalitePath);
  const level = fromDynalite('level');
  const { MemoryLevel } = fromDynalite('memory-level');
  const DiskLevel = level.Level;
  let memory;
  level.Level = class extends MemoryLevel {
    constructor(_path, options) {
      // Values are dynalite's JSON text either way; utf8 storage spares a Buffer per value.
      super({ ...options, storeEncoding: 'utf8' });
      memory = this;
    }
  };
  return {
    async persist() {
      const disk = new DiskLevel(workerData.path, { valueEncoding: 'utf8' });
      await disk.open();
      let batch = [];
      for await (const [key, value] of memory.iterator({ keyEncoding: 'utf8', valueEncoding: 'utf8' })) {
        batch.push({ type: 'put', key, value });
        if (batch.length === 1000) {
          await disk.batch(batch);
          batch = [];
        }
      }
      if (batch.length > 0) await disk.batch(batch);
      await disk.close();
    },
  };
}

/** Whether a SigV4 Authorization header names this access key id (compared in constant time). */
function signedWith(authorization, accessKeyId) {
  const match = /Credential=([^/,\s]+)\//.exec(authorization ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1], 'utf8');
  const wanted = Buffer.from(accessKeyId, 'utf8');
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * Why the folder cannot be opened because another process holds its LevelDB lock (a running
 * command, or `sadakat serve`), or undefined. Checked before listening: dynalite opens the store
 * lazily and would otherwise leave every request unanswered.
 */
async function lockHeld(path, inMemory) {
  if (!path || inMemory) return undefined;
  const { Level } = createRequire(dynalitePath)('level');
  const probe = new Level(path);
  try {
    await probe.open();
  } catch (error) {
    if (error?.cause?.code === 'LEVEL_LOCKED') return String(error.cause.message ?? 'locked');
    throw error;
  }
  await probe.close();
  return undefined;
}
