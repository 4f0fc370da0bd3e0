/** The real Lambda handlers, wired to the embedded runtime's adapters (demo and serve share this). */
import { buildHandler as buildIngestHandler } from '../../functions/ingest.js';
import { buildHandler as buildProcessEventsHandler, type ProcessEventsDeps } from '../../functions/process-events.js';
import type { Settings } from '../config/settings.js';
import { StaticWriteKeys } from '../events/write-key.js';
import type { Clock } from '../ports.js';
import type { ProcessDeps } from '../profiles/process-customer-message.js';
import type { LocalRuntime } from './runtime.js';

export function localProcessDeps(runtime: LocalRuntime, settings: Settings, clock: Clock): ProcessDeps {
  return {
    profiles: runtime.profiles,
    orders: runtime.orders,
    identity: runtime.identity,
    settings: { trackedProperties: settings.trackedProperties },
    clock,
  };
}

export function buildLocalHandlers(
  runtime: LocalRuntime,
  options: { settings: Settings; clock: Clock; writeKeys: readonly string[]; onOutcome?: ProcessEventsDeps['onOutcome'] },
) {
  const core = localProcessDeps(runtime, options.settings, options.clock);
  return {
    core,
    ingest: buildIngestHandler({
      writeKeys: new StaticWriteKeys(options.writeKeys),
      identity: runtime.identity,
      queue: runtime.eventsQueue,
      clock: options.clock,
    }),
    processEvents: buildProcessEventsHandler({ ...core, ...(options.onOutcome ? { onOutcome: options.onOutcome } : {}) }),
  };
}
