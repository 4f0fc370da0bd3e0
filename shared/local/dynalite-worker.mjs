// dynalite's HTTP server on a worker thread: the engine gets its own core instead of sharing the
// event loop with the handlers that call it (≈ 3× the throughput on two cores). Plain JavaScript
// so it loads in a worker without a TypeScript loader.
//
// Besides the loopback port, the same request handler answers requests posted on the thread's
// message port: the runtime's own client sends the SDK's signed HTTP request there, which skips
// the TCP round trip and HTTP parsing on both sides (≈ 30% of the demo's CPU when measured).
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

const dynalite = createRequire(import.meta.url)('dynalite');
const server = dynalite({ ...(workerData.path ? { path: workerData.path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
const handleHttp = server.listeners('request')[0];
server.once('error', (error) => parentPort.postMessage({ error: String(error?.message ?? error) }));
server.listen(workerData.port, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (message) => {
  if (message === 'stop') {
    server.close(() => parentPort.postMessage({ stopped: true }));
    server.closeAllConnections();
    return;
  }
  if (message?.request) answer(message.request);
});

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
      parentPort.postMessage({ response: { id, statusCode: response.statusCode, headers: responseHeaders, body: text === undefined ? '' : String(text) } });
    },
  };
  handleHttp(request, response);
  if (body) request.emit('data', Buffer.from(body, 'utf8'));
  request.emit('end');
}
