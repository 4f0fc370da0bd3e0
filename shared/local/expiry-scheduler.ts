/**
 * The expiry pass on the embedded runtime: what EventBridge Scheduler does every few minutes in
 * AWS, the demo does on its virtual clock — it invokes the real segment-expiry handler against the
 * local table's `expiry` index and the in-process events queue. Draining the queue afterwards
 * (process-events) is the caller's step, as it is for ingest.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { buildHandler } from '../../functions/segment-expiry.js';
import { DynamoExpiryIndex } from '../aws/dynamo-expiry-index.js';
import type { Clock } from '../ports.js';
import type { ExpiryPassResult } from '../segments/expiry-pass.js';
import { localLambdaContext } from './lambda-context.js';
import type { LocalRuntime } from './runtime.js';

/** Enqueues a `recheck` for every profile whose `nextExpiryAt` is at or before `clock.now()`. */
export async function runExpiryPass(runtime: LocalRuntime, clock: Clock): Promise<ExpiryPassResult> {
  const index = new DynamoExpiryIndex(runtime.doc, runtime.tableName);
  const handler = buildHandler({
    index,
    queue: runtime.eventsQueue,
    clock,
    shards: index.shards,
    // The demo prints its own summary; the handler's info line would interleave with it.
    logger: new Logger({ serviceName: 'segment-expiry', logLevel: 'WARN' }),
  });
  return handler({}, localLambdaContext('segment-expiry'));
}
