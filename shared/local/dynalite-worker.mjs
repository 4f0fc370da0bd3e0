// dynalite's HTTP server on a worker thread: the engine gets its own core instead of sharing the
// event loop with the handlers that call it (≈ 3× the throughput on two cores). Plain JavaScript
// so it loads in a worker without a TypeScript loader.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

const dynalite = createRequire(import.meta.url)('dynalite');
const server = dynalite({ ...(workerData.path ? { path: workerData.path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.once('error', (error) => parentPort.postMessage({ error: String(error?.message ?? error) }));
server.listen(workerData.port, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  server.close(() => parentPort.postMessage({ stopped: true }));
  server.closeAllConnections();
});
