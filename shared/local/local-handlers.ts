/** The real Lambda handlers, wired to the embedded runtime's adapters (demo and serve share this). */
import { Logger } from '@aws-lambda-powertools/logger';
import { buildHandler as buildIngestHandler } from '../../functions/ingest.js';
import { buildHandler as buildProcessEventsHandler, type ProcessEventsDeps } from '../../functions/process-events.js';
import { DynamoCustomerErasure } from '../aws/dynamo-customer-erasure.js';
import { DynamoJourneyStore } from '../aws/dynamo-journey-store.js';
import { DynamoRefundLedger } from '../aws/dynamo-refund-ledger.js';
import type { SendQueue } from '../channels/send-request.js';
import type { Campaign } from '../config/campaign.js';
import type { Journey } from '../journeys/ast.js';
import { fixedIdentitySecret } from '../events/identity-token.js';
import { serverKeys, StaticWriteKeys, type WriteKeyEntry } from '../events/write-key.js';
import type { Clock } from '../ports.js';
import type { ProcessDeps } from '../profiles/process-customer-message.js';
import type { SegmentChangeSink } from '../segments/membership-hook.js';
import type { LocalRuntime } from './runtime.js';

export function localProcessDeps(runtime: LocalRuntime, campaign: Campaign, clock: Clock): ProcessDeps {
  return {
    profiles: runtime.profiles,
    orders: runtime.orders,
    refunds: new DynamoRefundLedger(runtime.doc, runtime.tableName),
    identity: runtime.identity,
    tombstones: new DynamoCustomerErasure(runtime.doc, runtime.tableName),
    settings: { trackedProperties: campaign.settings.trackedProperties },
    segments: campaign.segments,
    clock,
  };
}

export function buildLocalHandlers(
  runtime: LocalRuntime,
  options: {
    campaign: Campaign;
    clock: Clock;
    /** Server keys (`serve --write-key`). */
    writeKeys: readonly string[];
    /** Browser keys (`serve --browser-key`), each with the page origins allowed to use it. */
    browserKeys?: readonly { key: string; origins: readonly string[] }[];
    /** The identity secret browser calls prove their userId with (`serve --identity-secret`). */
    identitySecret?: string;
    onOutcome?: ProcessEventsDeps['onOutcome'];
    segmentChanges?: SegmentChangeSink;
    /**
     * The handlers' Powertools log level. Lambda logs go to stdout; locally stdout is the
     * command's own output (`--format json`), so the demo keeps them SILENT and serve shows WARN.
     */
    logLevel?: 'SILENT' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG';
    /** Journeys to run (runs stored in the local table); their sends go to `sends`. */
    journeys?: readonly Journey[];
    sends?: SendQueue;
  },
) {
  const logLevel = options.logLevel ?? 'SILENT';
  const core: ProcessDeps = {
    ...localProcessDeps(runtime, options.campaign, options.clock),
    ...(options.segmentChanges ? { segmentChanges: options.segmentChanges } : {}),
    ...(options.journeys
      ? {
          journeys: {
            definitions: options.journeys,
            store: new DynamoJourneyStore(runtime.doc, runtime.tableName),
            holdoutPercent: options.campaign.settings.holdoutPercent,
            defaultTimezone: options.campaign.settings.defaultTimezone,
          },
        }
      : {}),
    ...(options.sends ? { sends: options.sends } : {}),
  };
  const writeKeys = new StaticWriteKeys(localWriteKeys(options.writeKeys, options.browserKeys ?? []));
  return {
    core,
    writeKeys,
    ingest: buildIngestHandler({
      logger: new Logger({ serviceName: 'ingest', logLevel }),
      writeKeys,
      identitySecret: fixedIdentitySecret(options.identitySecret),
      trust: options.campaign.settings.trust,
      identity: runtime.identity,
      queue: runtime.eventsQueue,
      clock: options.clock,
    }),
    processEvents: buildProcessEventsHandler({
      ...core,
      logger: new Logger({ serviceName: 'process-events', logLevel }),
      ...(options.onOutcome ? { onOutcome: options.onOutcome } : {}),
    }),
  };
}

/** Server keys `server-1`…, browser keys `browser-1`…: the ids messages carry in `source.keyId`. */
function localWriteKeys(
  server: readonly string[],
  browser: readonly { key: string; origins: readonly string[] }[],
): WriteKeyEntry[] {
  return [
    ...serverKeys(server),
    ...browser.map(({ key, origins }, index) => ({
      id: `browser-${index + 1}`,
      key,
      scope: 'browser' as const,
      origins: [...origins],
    })),
  ];
}
