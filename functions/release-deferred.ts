/**
 * release-deferred: invoked by EventBridge Scheduler every minute. Sends deferred by quiet hours,
 * by a rate slot or by provider throttling whose wake time has come go back into sends.fifo and
 * leave the `due` index (shared/channels/release-deferred.ts); the send function decides them
 * again. With a horizon (AWS: the whole minute, the next pass starting before it ends) it also
 * releases what falls due within it, each at its own time, so paced sends reach the queue spread
 * out; what comes back without its rate slots takes them as it is enqueued (decision 175). The
 * local runtime calls the same handler each tick. A repeated delivery of one scheduled slot
 * does nothing (shared/handlers/scheduled-pass.ts). */
import type { Logger } from '@aws-lambda-powertools/logger';
import { awsReleaseDeferredDeps } from '../shared/aws/release-deferred-deps.js';
import type { DueQueue } from '../shared/channels/ports.js';
import { releaseDeferredSends, type ReleaseDeferredOptions } from '../shared/channels/release-deferred.js';
import type { SendQueue } from '../shared/channels/send-request.js';
import { onColdStart } from '../shared/handlers/lambda-handler.js';
import { scheduledPass } from '../shared/handlers/scheduled-pass.js';
import type { Clock, PassSlots } from '../shared/ports.js';

export interface ReleaseDeferredDeps extends ReleaseDeferredOptions {
  due: DueQueue;
  sends: SendQueue;
  clock: Clock;
  /** Claims scheduled slots; required when invocations carry a scheduled time (Scheduler's do). */
  slots?: PassSlots;
  logger?: Logger;
}

export type ReleaseDeferredResult = { released: number };

export function buildHandler(deps: ReleaseDeferredDeps) {
  return scheduledPass(
    { pass: 'release-deferred', logger: deps.logger, slots: deps.slots },
    (): Promise<ReleaseDeferredResult> => releaseDeferredSends(deps, deps.clock.now(), deps),
  );
}

/** Lambda entry point: deps are built once per cold start from the environment. */
export const handler = onColdStart(async () => buildHandler(await awsReleaseDeferredDeps(process.env)));
