// dynalite's HTTP server and the request handler behind it, for the engine's worker thread
// (dynalite-worker.mjs) or the calling thread itself. Plain JavaScript so it loads in a worker
// without a TypeScript loader.
//
// Besides the loopback port, the same request handler answers requests handed over in-process
// (`answer`): the runtime's own client gives it the SDK's signed HTTP request, which skips the TCP
// round trip and HTTP parsing on both sides.
import { timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const dynalitePath = require.resolve('dynalite');

/**
 * Starts dynalite on `port` (0: a free one) with its data in `path` (none: in memory).
 * `writeBehind` (a fresh data folder: the demo) keeps the store in memory while the engine runs
 * and writes it to `path` when stopped, in LevelDB's format, so later commands open it from disk
 * as usual. Resolves to `{ port, answer, stop }`, or `{ error, locked? }` when it cannot start.
 */
export async function startEngine({ path, port, writeBehind, accessKeyId }) {
  const behind = writeBehind && path ? swapInMemoryStore(path) : undefined;
  // Before dynalite opens the store (its constructor starts opening it): another holder is reported, not waited on.
  const held = await lockHeld(path, behind !== undefined);
  if (held) return { error: held, locked: true };
  // dynalite keeps its store to itself: taken as it is made, for `seed` below.
  const dynaliteDb = createRequire(dynalitePath)('./db');
  const createStore = dynaliteDb.create;
  let store;
  dynaliteDb.create = (options) => {
    store = createStore(options);
    dynaliteDb.create = createStore;
    return store;
  };
  if (!dynaliteDb.createIndexKey(PROBE_ITEM, PROBE_TABLE).endsWith('/'))
    return { error: `dynalite is installed without patches/dynalite+4.0.0.patch (run npm ci in the repository)` };
  const dynalite = require(dynalitePath);
  const server = dynalite({ ...(path ? { path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  rememberActiveTables(store);
  if (path && !behind) {
    for (const index of await rebuildSixDigitIndexEntries(dynaliteDb, store))
      process.stderr.write(`sadakat: rebuilt the entries of index ${index} in ${path} (once; docs/decisions.md 275)\n`);
  }
  const handleHttp = server.listeners('request')[0];
  // Over TCP (other processes: commands attached to `sadakat serve`), a request must be signed with
  // the engine's access key id; the runtime's own requests come in-process.
  if (accessKeyId) {
    server.removeAllListeners('request');
    server.on('request', (request, response) => {
      if (signedWith(request.headers.authorization, accessKeyId)) return handleHttp(request, response);
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
  const listening = await new Promise((done) => {
    server.once('error', (error) => done({ error: String(error?.message ?? error) }));
    server.listen(port, '127.0.0.1', () => done({ port: server.address().port }));
  });
  if ('error' in listening) return listening;
  return {
    port: listening.port,
    /** Plays one request through dynalite's HTTP handler; `reply` gets `{ statusCode, headers, body }`. */
    answer: (request, reply) => answer(handleHttp, request, reply),
    /** Bulk loading for benches and tests (DynamoEngine.seed): see `seed` below. */
    seed: (tableName, items) => seed(dynaliteDb, store, tableName, items),
    /** Closes the server (and LevelDB with it), writing the in-memory store to `path` first if write-behind. */
    async stop() {
      if (behind) {
        try {
          await behind.persist();
        } catch (error) {
          throw new Error(`writing the data to ${path}: ${String(error?.message ?? error)}`);
        }
      }
      await new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
    },
  };
}

/**
 * Items (DynamoDB JSON) written straight into the store with their secondary-index entries, as
 * putItem would write them, one LevelDB batch per table or index instead of a request per 25
 * items. For new keys of a table no one else writes meanwhile: no lock, no condition, no earlier
 * item's index entries removed.
 */
async function seed(dynaliteDb, store, tableName, items) {
  const table = await new Promise((done, fail) =>
    store.getTable(tableName, (error, found) => (error ? fail(error) : done(found))),
  );
  const batches = new Map();
  const add = (db, key, value) => {
    const ops = batches.get(db) ?? [];
    ops.push({ type: 'put', key, value });
    batches.set(db, ops);
  };
  const itemDb = store.getItemDb(tableName);
  for (const item of items) {
    add(itemDb, dynaliteDb.createKey(item, table), item);
    for (const [type, indexes] of [
      ['local', table.LocalSecondaryIndexes ?? []],
      ['global', table.GlobalSecondaryIndexes ?? []],
    ])
      for (const put of dynaliteDb.getIndexActions(indexes, undefined, item, table).puts)
        add(store.getIndexDb(type, tableName, put.index), put.key, put.item);
  }
  for (const [db, ops] of batches)
    await new Promise((done, fail) => db.batch(ops, (error) => (error ? fail(error) : done())));
}

/**
 * dynalite reads the table's description from the store for every request (≈ 10% of the engine's
 * CPU in a sampled profile of `sadakat serve` under the load bench). An ACTIVE table's description
 * is kept, and handed over a microtask later (never synchronously, as from the store). Item
 * requests (dynalite's item actions ask without a status flag: `getTable(name, cb)`) only read it
 * and share one deep-frozen copy (parsing it anew was ≈ 8% of the engine thread per GetItem);
 * table requests (describe, update, delete…) get their own copy parsed from its JSON text, as from
 * the store. Any write to the table store forgets every description, and one read while a write
 * was under way is not kept.
 */
function rememberActiveTables(store) {
  const descriptions = new Map();
  let writes = 0;
  const forget = () => {
    writes++;
    descriptions.clear();
  };
  for (const method of ['put', 'del', 'batch']) {
    const write = store.tableDb[method];
    store.tableDb[method] = function (...args) {
      forget();
      const callback = args.at(-1);
      if (typeof callback === 'function') {
        args[args.length - 1] = (...results) => {
          forget();
          callback(...results);
        };
        return write.apply(this, args);
      }
      const written = write.apply(this, args);
      return typeof written?.finally === 'function' ? written.finally(forget) : written;
    };
  }
  const getTable = store.getTable;
  store.getTable = (name, checkStatus, cb) => {
    const itemRequest = typeof checkStatus === 'function';
    const callback = itemRequest ? checkStatus : cb;
    const kept = descriptions.get(name);
    if (kept !== undefined) {
      queueMicrotask(() => callback(null, itemRequest ? kept.shared : JSON.parse(kept.text)));
      return;
    }
    const writesBefore = writes;
    getTable(name, checkStatus, (error, table) => {
      if (!error && writes === writesBefore && table?.TableStatus === 'ACTIVE') {
        const text = JSON.stringify(table);
        descriptions.set(name, { text, shared: deepFreeze(JSON.parse(text)) });
      }
      callback(error, table);
    });
  };
}

function deepFreeze(value) {
  if (typeof value === 'object' && value !== null) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}

/** An item and table whose index key shows whether dynalite's index keys carry the table key (the patch). */
const PROBE_TABLE = {
  KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }],
  AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }],
};
const PROBE_ITEM = { k: { S: 'probe' } };

/**
 * dynalite 4.0.0 ended an index entry's key with 6 hex digits of the table key's md5, so items of
 * one index key whose digits collided shared one entry; patched, the key ends with the table key
 * itself (after the same digits, so the order is unchanged). A data folder written before the
 * patch has its entries rebuilt from the table's items, each index in one batch, once: an index
 * whose first entry ends the new way ('/') is left as it is. The store's layout (`table~<name>`,
 * `item-<table>~<key>`, `index-<type>~<table>~<index>~<key>`) is dynalite 4.0.0's, pinned with the patch.
 * Returns the `<table>/<index>` names rebuilt.
 */
async function rebuildSixDigitIndexEntries(dynaliteDb, store) {
  const within = (prefix) => ({ gte: prefix, lt: `${prefix}\xff` });
  const rebuilt = [];
  for (const [tableKey, table] of await store.db.iterator(within('table~')).all()) {
    const tableName = tableKey.slice('table~'.length);
    for (const [type, indexes] of [
      ['local', table.LocalSecondaryIndexes ?? []],
      ['global', table.GlobalSecondaryIndexes ?? []],
    ])
      for (const index of indexes) {
        const prefix = `index-${type}~${tableName}~${index.IndexName}~`;
        const [first] = await store.db.keys({ ...within(prefix), limit: 1 }).all();
        if (first === undefined || first.endsWith('/')) continue;
        const operations = (await store.db.keys(within(prefix)).all()).map((key) => ({ type: 'del', key }));
        for await (const item of store.db.values(within(`item-${tableName}~`)))
          for (const put of dynaliteDb.getIndexActions([index], undefined, item, table).puts)
            operations.push({ type: 'put', key: prefix + put.key, value: put.item });
        await store.db.batch(operations);
        rebuilt.push(`${tableName}/${index.IndexName}`);
      }
  }
  return rebuilt;
}

/** One request through dynalite's HTTP handler with just enough of node's request and response objects. */
function answer(handleHttp, { method, url, headers, body }, reply) {
  const request = Object.assign(new EventEmitter(), { method, url, headers });
  const responseHeaders = {};
  const response = {
    statusCode: 200,
    setHeader(name, value) {
      responseHeaders[name.toLowerCase()] = String(value);
    },
    end(text) {
      reply({
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

/**
 * Makes dynalite's `new Level(path, options)` an in-memory store; `persist` copies it to `path`.
 * dynalite takes its store class from `level` when it loads, so the class is swapped first (in
 * this thread only) for an in-memory one of the same encoding.
 */
function swapInMemoryStore(path) {
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
      const disk = new DiskLevel(path, { valueEncoding: 'utf8' });
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
