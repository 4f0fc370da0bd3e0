/**
 * What `sadakat serve` runs on the embedded runtime, on the real clock: the ingest server and
 * process-events, and — unless journeys are off — journeys and sends as in AWS: process-events
 * starts and advances journey runs, the send handler decides every queued send (to the local SES
 * endpoint and the SNS outbox), and once a minute journey-tick, deferred-send release and the
 * segment expiry pass run as EventBridge Scheduler runs them; the scheduled-journey pass runs
 * once an hour, as in AWS. `close()` stops accepting (503) and drains every queue before the engine
 * stops: every accepted event is processed or dead-lettered, and the report says how many were not.
 *
 * While it runs, serve publishes its engine in the data folder (serve-publication.ts) so other
 * local commands can read and write through it.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadTemplates } from '../channels/load-templates.js';
import { loadCampaign } from '../config/campaign.js';
import type { SendQueue, SendRequest } from '../channels/send-request.js';
import { SCHEDULE_WINDOW_MS } from '../journeys/schedule-pass.js';
import { systemClock, type ProfileStore } from '../ports.js';
import type { Profile } from '../profiles/schema.js';
import { loadRuntimeCampaign, type RuntimeCampaign } from '../wiring/runtime-campaign.js';
import type { EngineChoice } from './data-dir.js';
import { EventTrace, type TraceLine } from './event-trace.js';
import { meterInvocations, type InvocationWrites } from '../aws/write-meter.js';
import type { SqsHandler } from './queue-driver.js';
import { startIngestServer } from './ingest-server.js';
import { buildLocalHandlers } from './local-handlers.js';
import { startLocalSending, type LocalSending } from './local-sending.js';
import { QueuePump } from './queue-pump.js';
import { LOCAL_TABLE_NAME, startLocalRuntime, type LocalRuntime } from './runtime.js';
import { publicationPath, publishServe, withdrawServe } from './serve-publication.js';
import { buildScheduledHandlers, runExpiryPass } from './scheduled-handlers.js';
import { wrappedTable } from '../wiring/wrapped-table.js';

/** EventBridge Scheduler runs journey-tick every minute in AWS. */
const SCHEDULER_EVERY_MS = 60_000;

export interface ServeOptions {
  dataDir: string;
  engine: EngineChoice;
  campaignDir: string;
  /** The server key. */
  writeKey: string;
  /** A browser key and the page origins allowed to use it (CORS). */
  browserKey?: { key: string; origins: readonly string[] };
  /** The identity secret that verifies `context.identityToken` on browser calls. */
  identitySecret?: string;
  port: number;
  /** Run journeys and sends (default true); without them serve only keeps profiles. */
  journeys?: boolean;
  /** Receives one line per processed event (`serve --trace`). */
  trace?: (line: TraceLine) => void;
  /** Receives one line per process-events and send invocation: the writes it made (`serve --trace`, issue 19). */
  writes?: (line: InvocationWrites) => void;
}

export interface RunningServe {
  port: number;
  engine: string;
  journeys: number;
  /** Where other commands find the engine while serve runs. */
  publication: string;
  /** What is not finished yet: queued, in flight or dead-lettered (a forced stop reports it). */
  unfinished(): ServeUnfinished;
  /** Stops accepting, drains, stops; resolves with what could not be finished (zeros: everything was). */
  close(): Promise<ServeUnfinished>;
}

/**
 * Accepted work that did not reach its end. Dead-lettered messages failed maxReceiveCount times;
 * the local dead-letter queues live in memory, so they are lost when serve exits.
 */
export interface ServeUnfinished {
  events: { pending: number; deadLettered: number };
  sends: { pending: number; deadLettered: number };
}

export async function startServe(options: ServeOptions): Promise<RunningServe> {
  const clock = systemClock;
  const journeysOn = options.journeys !== false;
  // Without journeys their files are not even read (a journey being edited does not stop serve).
  const campaign: RuntimeCampaign = journeysOn
    ? await loadRuntimeCampaign(options.campaignDir)
    : { ...(await loadCampaign(options.campaignDir)), journeys: [] };
  const trace = options.trace ? new EventTrace(options.trace) : undefined;
  const report = options.writes;
  const metered = (name: string, handler: SqsHandler): SqsHandler =>
    report ? meterInvocations(name, handler, report) : handler;
  const runtime = await startLocalRuntime({ dataDir: options.dataDir, engine: options.engine, clock });
  let sending: LocalSending | undefined;
  try {
    let sendsPump: QueuePump | undefined;
    let sends: SendQueue | undefined;
    if (journeysOn) {
      sending = await startLocalSending(runtime, {
        campaign,
        templates: await loadTemplates(join(options.campaignDir, 'templates')),
        // The links reach serve's own /u/{token} (with --port 0 the port is unknown yet: the default stands).
        ...(options.port > 0 ? { unsubscribeBaseUrl: `http://127.0.0.1:${options.port}` } : {}),
        logLevel: 'WARN',
        ...(trace
          ? {
              onResult: (request: SendRequest, result: Parameters<EventTrace['decided']>[1]) =>
                trace.decided(request, result),
            }
          : {}),
      });
      const pump = new QueuePump(sending.sendsQueue, metered('send', sending.send), {
        concurrency: 4,
        clock,
        functionName: 'send',
      });
      const queue = trace ? trace.sendQueue(sending.journeySends) : sending.journeySends;
      sends = {
        async enqueue(requests) {
          await queue.enqueue(requests);
          pump.kick();
        },
      };
      sendsPump = pump;
    }
    const adapters = trace
      ? {
          ...runtime.adapters,
          events: trace.eventQueue(runtime.adapters.events),
          table: wrappedTable(runtime.adapters.table, (table) => ({
            profiles: new TracedProfileStore(table.profiles, trace),
          })),
        }
      : runtime.adapters;
    const { ingest, processEvents, writeKeys } = buildLocalHandlers(
      { adapters },
      {
        campaign,
        writeKeys: [options.writeKey],
        ...(options.browserKey ? { browserKeys: [options.browserKey] } : {}),
        ...(options.identitySecret ? { identitySecret: options.identitySecret } : {}),
        logLevel: 'WARN',
        // `serve --no-journeys` keeps profiles only.
        journeys: sends ? { definitions: campaign.journeys, sends, ...benchSegmentMoves() } : null,
        ...(trace
          ? { onOutcome: (outcome: { customerId: string; eventMessageId?: string }) => trace.processed(outcome) }
          : {}),
      },
    );
    const server = await startIngestServer(
      {
        ingest,
        processEvents: metered('process-events', processEvents),
        writeKeys,
        queue: runtime.eventsQueue,
        clock,
        ...(sendsPump && sending
          ? { consumers: [sendsPump], unsubscribe: sending.unsubscribe, confirm: sending.confirm }
          : {}),
        ...(trace ? { onReceived: (messageIds: readonly string[], at: number) => trace.received(messageIds, at) } : {}),
      },
      options.port,
    );
    const started = sending; // for the closure: `sending` is reassignable
    const unfinished = (): ServeUnfinished => ({
      events: {
        pending: runtime.eventsQueue.depth + runtime.eventsQueue.inFlight,
        deadLettered: runtime.eventsDlq.depth + runtime.eventsDlq.inFlight,
      },
      sends: {
        pending: started ? started.sendsQueue.depth + started.sendsQueue.inFlight : 0,
        deadLettered: started ? started.sendsDlq.depth + started.sendsDlq.inFlight : 0,
      },
    });
    await publishServe(options.dataDir, {
      pid: process.pid,
      engine: runtime.engine.engine,
      endpoint: runtime.engine.endpoint,
      accessKeyId: runtime.engine.accessKeyId ?? 'local',
      tableName: LOCAL_TABLE_NAME,
      ingestUrl: `http://127.0.0.1:${server.port}/v1/batch`,
      startedAt: new Date().toISOString(),
    }).catch(async (error: unknown) => {
      await server.close();
      throw error;
    });
    const scheduler = sending ? startScheduler(runtime, sending, campaign) : undefined;
    // A stop that skips close() (a second Ctrl-C, an uncaught error) must not leave the file behind.
    const withdrawOnExit = (): void => rmSync(publicationPath(options.dataDir), { force: true });
    process.once('exit', withdrawOnExit);
    return {
      port: server.port,
      engine: runtime.engine.engine,
      journeys: journeysOn ? campaign.journeys.length : 0,
      publication: publicationPath(options.dataDir),
      unfinished,
      async close() {
        server.stopAccepting();
        await scheduler?.stop();
        await server.close();
        const left = unfinished();
        await withdrawServe(options.dataDir);
        process.off('exit', withdrawOnExit);
        await started?.stop();
        await runtime.stop();
        return left;
      },
    };
  } catch (error) {
    await sending?.stop();
    await runtime.stop();
    throw error;
  }
}

/** The profile store, telling the trace when each write committed. */
class TracedProfileStore implements ProfileStore {
  constructor(
    private readonly inner: ProfileStore,
    private readonly trace: EventTrace,
  ) {}

  getProfile(customerId: string): ReturnType<ProfileStore['getProfile']> {
    return this.inner.getProfile(customerId);
  }

  getProfiles(customerIds: readonly string[]): ReturnType<ProfileStore['getProfiles']> {
    return this.inner.getProfiles(customerIds);
  }

  async putProfile(profile: Profile, expectedVersion: number | undefined): ReturnType<ProfileStore['putProfile']> {
    const written = await this.inner.putProfile(profile, expectedVersion);
    this.trace.profileWritten(profile.id);
    return written;
  }
}

/**
 * journey-tick, deferred releases and the expiry pass once a minute, and the scheduled-journey
 * pass (a scan of every profile) in the first minute of each hour: each pass covers the hour
 * before it, so slots are neither missed nor, with run ids derived from the slot, started twice.
 * Their messages are polled up by the pumps.
 */
function startScheduler(
  runtime: LocalRuntime,
  sending: LocalSending,
  campaign: RuntimeCampaign,
): { stop(): Promise<void> } {
  const handlers = buildScheduledHandlers(runtime, campaign, 'WARN');
  const scheduled = campaign.journeys.some((journey) => journey.trigger.kind === 'schedule');
  const hourOf = (): number => Math.floor(systemClock.now().getTime() / SCHEDULE_WINDOW_MS);
  let lastScheduleHour = hourOf();
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running
      .then(async () => {
        await sending.releaseDeferred();
        if (scheduled && hourOf() !== lastScheduleHour) {
          lastScheduleHour = hourOf();
          await handlers.journeySchedule();
        }
        await handlers.journeyTick();
        await runExpiryPass(runtime);
      })
      .catch((error: unknown) => {
        process.stderr.write(
          `serve: scheduled pass failed: ${error instanceof Error ? error.message : String(error)}\n`,
        );
      });
  }, SCHEDULER_EVERY_MS);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * `SADAKAT_BENCH_SEGMENT_MOVES=any`: the behaviour before decision 237, for the steady-rate cost
 * bench's baseline in the same run (bench/serve-child.ts sets it); nothing else sets it.
 */
function benchSegmentMoves(): { segmentMoves?: 'any' } {
  return process.env.SADAKAT_BENCH_SEGMENT_MOVES === 'any' ? { segmentMoves: 'any' } : {};
}
