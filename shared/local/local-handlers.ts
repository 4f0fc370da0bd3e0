/**
 * The real ingest and process-events handlers on the embedded runtime (demo, serve, benches),
 * their deps from the same composition roots Lambda uses (shared/wiring/compose.ts).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { buildHandler as buildIngestHandler } from '../../functions/ingest.js';
import { buildHandler as buildProcessEventsHandler, type ProcessEventsDeps } from '../../functions/process-events.js';
import { fixedIdentitySecret } from '../events/identity-token.js';
import { serverKeys, StaticWriteKeys, type WriteKeyEntry } from '../events/write-key.js';
import type { ProcessDeps } from '../profiles/process-customer-message.js';
import type { SegmentChangeSink } from '../segments/membership-hook.js';
import { composeProcessDeps, type LiveJourneys, type ProfileWriterCampaign } from '../wiring/compose.js';
import { composeIngestDeps } from '../wiring/compose-ingest.js';
import type { LocalRuntime } from './runtime.js';

/** The handlers' Powertools log level: locally stdout is the command's own output, so SILENT unless asked. */
export type LocalLogLevel = 'SILENT' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG';

export function buildLocalHandlers(
  runtime: Pick<LocalRuntime, 'adapters'>,
  options: {
    /** With its journeys (a RuntimeCampaign), profile writes keep their audiences' memberships. */
    campaign: ProfileWriterCampaign;
    /** Server keys (`serve --write-key`). */
    writeKeys: readonly string[];
    /** Browser keys (`serve --browser-key`), each with the page origins allowed to use it. */
    browserKeys?: readonly { key: string; origins: readonly string[] }[];
    /** The identity secret browser calls prove their userId with (`serve --identity-secret`). */
    identitySecret?: string;
    /** Journeys to run (runs stored in the local table) and where their sends go; null: journeys off. */
    journeys: LiveJourneys | null;
    onOutcome?: ProcessEventsDeps['onOutcome'];
    segmentChanges?: SegmentChangeSink;
    /** The demo keeps them SILENT and serve shows WARN. */
    logLevel?: LocalLogLevel;
    /** false: process-events without per-customer coalescing (the bench's baseline, issue 19). */
    coalesce?: boolean;
  },
) {
  const logLevel = options.logLevel ?? 'SILENT';
  const core: ProcessDeps = {
    ...composeProcessDeps(runtime.adapters, options.campaign, options.journeys),
    ...(options.segmentChanges ? { segmentChanges: options.segmentChanges } : {}),
  };
  // The key verifier is also serve's (it refuses a wrong key before reading the body).
  const writeKeys = new StaticWriteKeys(localWriteKeys(options.writeKeys, options.browserKeys ?? []));
  const ingestAdapters = {
    ...runtime.adapters,
    writeKeys,
    identitySecret: fixedIdentitySecret(options.identitySecret),
  };
  return {
    core,
    writeKeys,
    ingest: buildIngestHandler({
      ...composeIngestDeps(ingestAdapters, options.campaign.settings),
      logger: new Logger({ serviceName: 'ingest', logLevel }),
    }),
    processEvents: buildProcessEventsHandler({
      ...core,
      logger: new Logger({ serviceName: 'process-events', logLevel }),
      ...(options.onOutcome ? { onOutcome: options.onOutcome } : {}),
      ...(options.coalesce === false ? { coalesce: false } : {}),
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
