/**
 * `sadakat replay --stream events` (issue 23): the archived events of a day range re-posted
 * through the real ingest handler into a fresh data folder, and processed by the real
 * process-events with journeys off (a replay rebuilds profiles; it never sends). Rows go in the
 * order they were received (the archive day order, then each day's file order, sorted stably by
 * `received_at`), each batch at its own receive time on a virtual clock, so ingest's time rules
 * (no timestamp a day ahead of receipt) judge them as they were judged then.
 *
 * The proof that the archive is complete: every profile's order statistics come back exactly
 * (test/e2e/archive.test.ts), under the customer's pseudonym.
 */
import type { ArchiveRow } from '../archive/columns.js';
import { replayCall } from '../archive/replay-call.js';
import type { Campaign } from '../config/campaign.js';
import { apiGatewayEvent, structuredResult } from './api-gateway-event.js';
import { archiveDays, readDay, type DayRange } from './archive-files.js';
import { hasLocalData, type EngineChoice } from './data-dir.js';
import { localLambdaContext } from './lambda-context.js';
import { buildLocalHandlers } from './local-handlers.js';
import { drainQueue } from './queue-driver.js';
import { startLocalRuntime } from './runtime.js';
import { VirtualClock } from './virtual-clock.js';

export interface ReplayOptions extends DayRange {
  /** The data folder whose archive is replayed. */
  from: string;
  /** A fresh data folder the events are replayed into (refused when it holds data). */
  into: string;
  campaign: Campaign;
  engine: EngineChoice;
  /** Rows per ingest call (ingest takes at most 1,000 calls per batch). */
  batchSize?: number;
}

export interface ReplaySummary {
  rows: number;
  posted: number;
  accepted: number;
  /** Rejected by ingest, by `field: reason` (an event today's rules refuse, e.g. a server-only event of a browser key). */
  rejected: Record<string, number>;
  /** Rows without a customer pseudonym (archived before the profile had its key): cannot be replayed. */
  skipped: number;
  deadLettered: number;
}

export class ReplayTargetError extends Error {
  override readonly name = 'ReplayTargetError';
}

const REPLAY_KEY = 'replay';

export async function replayArchive(options: ReplayOptions): Promise<ReplaySummary> {
  if (hasLocalData(options.into))
    throw new ReplayTargetError(`${options.into} already holds local data: replay into a new folder (--into)`);
  const rows = await receivedOrder(options.from, options);
  const summary: ReplaySummary = {
    rows: rows.length,
    posted: 0,
    accepted: 0,
    rejected: {},
    skipped: 0,
    deadLettered: 0,
  };
  const clock = new VirtualClock(new Date(String(rows[0]?.received_at ?? '2000-01-01T00:00:00.000Z')));
  const runtime = await startLocalRuntime({
    dataDir: options.into,
    engine: options.engine,
    clock,
    fresh: true,
    writeBehind: true,
  });
  try {
    const { ingest, processEvents } = buildLocalHandlers(runtime, {
      campaign: options.campaign,
      writeKeys: [REPLAY_KEY],
      journeys: null,
    });
    const batchSize = options.batchSize ?? 200;
    for (let start = 0; start < rows.length; start += batchSize) {
      const batch = rows.slice(start, start + batchSize);
      const calls = batch.flatMap((row) => replayCall(row) ?? []);
      summary.skipped += batch.length - calls.length;
      if (calls.length === 0) continue;
      const last = batch.at(-1)?.received_at;
      if (typeof last === 'string' && new Date(last) > clock.now()) clock.set(new Date(last));
      const response = structuredResult(
        await ingest(
          apiGatewayEvent({
            method: 'POST',
            path: '/v1/batch',
            headers: {
              'content-type': 'application/json',
              authorization: `Basic ${Buffer.from(`${REPLAY_KEY}:`).toString('base64')}`,
            },
            body: JSON.stringify({ batch: calls }),
            at: clock.now(),
          }),
          localLambdaContext('ingest'),
        ),
      );
      const body = JSON.parse(String(response.body ?? '{}')) as {
        accepted?: number;
        rejected?: { field: string; reason: string }[];
      };
      summary.posted += calls.length;
      summary.accepted += body.accepted ?? 0;
      for (const { field, reason } of body.rejected ?? [])
        summary.rejected[`${field}: ${reason}`] = (summary.rejected[`${field}: ${reason}`] ?? 0) + 1;
      // Each batch processed before the next is posted: merges land in the order they were made.
      const drained = await drainQueue(runtime.eventsQueue, processEvents, { concurrency: 4, clock });
      summary.deadLettered += drained.movedToDlq;
    }
  } finally {
    await runtime.stop();
  }
  return summary;
}

/** Every row of the range, in the order it was received. */
async function receivedOrder(dataDir: string, range: DayRange): Promise<ArchiveRow[]> {
  const rows: ArchiveRow[] = [];
  for (const day of await archiveDays(dataDir, 'events', range)) rows.push(...(await readDay(dataDir, 'events', day)));
  const received = (row: ArchiveRow) => (typeof row.received_at === 'string' ? row.received_at : '');
  // Array.prototype.sort is stable: rows received at the same instant keep their archive order.
  return rows.sort((a, b) => received(a).localeCompare(received(b)));
}
