/**
 * Two copies of the events pipeline on one embedded engine (dynalite), each on its own table and
 * queues: a fault-free reference and one whose ports, queue and handler run under a FaultInjector.
 * The same Segment calls go through both; a correct pipeline leaves identical profiles and orders.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { buildHandler as buildIngestHandler } from '../../functions/ingest.js';
import { buildHandler as buildProcessEventsHandler } from '../../functions/process-events.js';
import { dynamoTableAdapters } from '../../shared/aws/dynamo-table-adapters.js';
import { loadCampaign, type Campaign } from '../../shared/config/campaign.js';
import { fixedIdentitySecret } from '../../shared/events/identity-token.js';
import { serverKeys, StaticWriteKeys } from '../../shared/events/write-key.js';
import { apiGatewayEvent, structuredResult } from '../../shared/local/api-gateway-event.js';
import { ensureTable } from '../../shared/local/dynamo-engine.js';
import {
  FaultyEventQueue,
  FaultyIdentityMap,
  FaultyOrderLedger,
  FaultyProfileStore,
  faultySqsHandler,
  type FaultInjector,
} from '../fakes/fault-injection.js';
import { LocalFifoQueue } from '../../shared/local/fifo-queue.js';
import { localLambdaContext } from '../../shared/local/lambda-context.js';
import { drainQueue, type DrainStats, type SqsHandler } from '../../shared/local/queue-driver.js';
import { startLocalRuntime, type LocalRuntime } from '../../shared/local/runtime.js';
import { VirtualClock } from '../../shared/local/virtual-clock.js';
import type { Clock, EventQueue, IdentityMap, OrderLedger, ProfileStore } from '../../shared/ports.js';
import type { TableAdapters } from '../../shared/wiring/adapters.js';
import { composeProcessDeps } from '../../shared/wiring/compose.js';
import { composeIngestDeps } from '../../shared/wiring/compose-ingest.js';
import { wrappedTable } from '../../shared/wiring/wrapped-table.js';

export const WRITE_KEY = 'reliability-write-key';
/** Processing reads this fixed clock in both copies, so time-stamped fields agree; queues keep their own. */
export const PROCESSING_AT = new Date('2026-11-02T12:00:00Z');

export interface Pipeline {
  profiles: ProfileStore;
  orders: OrderLedger;
  queue: LocalFifoQueue;
  dlq: LocalFifoQueue;
  queueClock: VirtualClock;
  /** Posts a batch until it is accepted (a 503 is retried, as Segment's libraries do); returns the attempts. */
  post(batch: readonly Record<string, unknown>[]): Promise<{ attempts: number; accepted: number; rejected: number }>;
  drain(options?: { concurrency?: number }): Promise<DrainStats>;
  /** The raw handler (no handler-level faults), for poison and redrive checks. */
  handler: SqsHandler;
}

export interface PipelineOptions {
  maxReceiveCount?: number;
  /** process-events' logger (default: silent), to read its failure lines. */
  logger?: Logger;
  /** Wraps the profile store process-events writes through (a bug that makes processing throw). */
  wrapProfiles?: (inner: ProfileStore) => ProfileStore;
}

export interface Engine {
  runtime: LocalRuntime;
  campaign: Campaign;
  pipeline(table: string, faults?: FaultInjector, options?: PipelineOptions): Promise<Pipeline>;
  stop(): Promise<void>;
}

const silent = (serviceName: string) => new Logger({ serviceName, logLevel: 'SILENT' });

export async function startEngine(): Promise<Engine> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sadakat-reliability-'));
  const clock = new VirtualClock(PROCESSING_AT);
  const runtime = await startLocalRuntime({ dataDir, engine: 'dynalite', clock, fresh: true });
  const campaign = await loadCampaign('campaign');
  const processingClock: Clock = { now: () => new Date(PROCESSING_AT) };

  return {
    runtime,
    campaign,
    async pipeline(table, faults, options = {}) {
      await ensureTable(runtime.doc, table);
      const queueClock = new VirtualClock(PROCESSING_AT);
      const dlq = new LocalFifoQueue({ name: `${table}-dlq.fifo`, clock: queueClock });
      const queue = new LocalFifoQueue({
        name: `${table}.fifo`,
        clock: queueClock,
        dlq,
        maxReceiveCount: options.maxReceiveCount ?? 5,
      });
      const stored = dynamoTableAdapters(runtime.doc, table, runtime.pepper);
      const events: EventQueue = faults ? new FaultyEventQueue(queue, faults) : queue;
      const faulty = (ports: TableAdapters): Partial<TableAdapters> => {
        let profiles: ProfileStore = ports.profiles;
        let orders: OrderLedger = ports.orders;
        let identity: IdentityMap = ports.identity;
        if (faults) {
          profiles = new FaultyProfileStore(profiles, faults);
          orders = new FaultyOrderLedger(orders, faults);
          identity = new FaultyIdentityMap(identity, faults);
        }
        if (options.wrapProfiles) profiles = options.wrapProfiles(profiles);
        return { profiles, orders, identity };
      };
      const adapters = { table: wrappedTable(stored, faulty), events, clock: processingClock };
      const ingest = buildIngestHandler({
        ...composeIngestDeps(
          {
            ...adapters,
            writeKeys: new StaticWriteKeys(serverKeys([WRITE_KEY])),
            identitySecret: fixedIdentitySecret(undefined),
          },
          campaign.settings,
        ),
        logger: silent('ingest'),
      });
      const handler = buildProcessEventsHandler({
        ...composeProcessDeps(adapters, campaign, null),
        logger: options.logger ?? silent('process-events'),
      });
      const driven = faults ? faultySqsHandler(handler, faults) : handler;
      return {
        // Reads go around the faults: the assertions must see what is stored.
        profiles: stored.profiles,
        orders: stored.orders,
        queue,
        dlq,
        queueClock,
        handler,
        async post(batch) {
          for (let attempts = 1; attempts <= 50; attempts++) {
            const result = structuredResult(
              await ingest(
                apiGatewayEvent({
                  method: 'POST',
                  path: '/v1/batch',
                  headers: { authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}` },
                  body: JSON.stringify({ batch }),
                  at: PROCESSING_AT,
                }),
                localLambdaContext('ingest'),
              ),
            );
            if (result.statusCode === 503) continue;
            if (result.statusCode !== 200)
              throw new Error(`ingest answered ${result.statusCode}: ${String(result.body)}`);
            const body = JSON.parse(String(result.body)) as { accepted: number; rejected: unknown[] };
            return { attempts, accepted: body.accepted, rejected: body.rejected.length };
          }
          throw new Error('ingest kept answering 503');
        },
        drain: (drainOptions = {}) =>
          drainQueue(queue, driven, { concurrency: drainOptions.concurrency ?? 4, clock: queueClock }),
      };
    },
    async stop() {
      await runtime.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
