/**
 * ingest's composition root (compose.ts has the others): a file of its own because compose.ts
 * imports the journey and send wiring, which ingest's bundle need not carry (decision 261).
 */
import type { Settings } from '../config/settings.js';
import type { IngestDeps } from '../events/ingest.js';
import type { IngestAdapters } from './adapters.js';

export function composeIngestDeps(adapters: IngestAdapters, settings: Pick<Settings, 'trust'>): IngestDeps {
  return {
    writeKeys: adapters.writeKeys,
    identitySecret: adapters.identitySecret,
    trust: settings.trust,
    identity: adapters.table.identity,
    queue: adapters.events,
    clock: adapters.clock,
  };
}
