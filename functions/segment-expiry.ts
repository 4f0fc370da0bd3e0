/**
 * segment-expiry: invoked by EventBridge Scheduler every few minutes. Runs the expiry pass
 * (shared/segments/expiry-pass.ts) over every shard of the `expiry` index: a `recheck` for each
 * profile whose time-window memberships may have lapsed. The schedule's input carries its
 * scheduled time: a repeated delivery of the same slot does nothing (shared/handlers/scheduled-pass.ts).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { awsExpiryDeps } from '../shared/aws/expiry-deps.js';
import { onColdStart } from '../shared/handlers/lambda-handler.js';
import { nearTimeout, scheduledPass } from '../shared/handlers/scheduled-pass.js';
import type { PassSlots } from '../shared/ports.js';
import { expiryPass } from '../shared/segments/expiry-pass.js';
import type { ExpiryDeps } from '../shared/wiring/compose.js';

export interface SegmentExpiryDeps extends ExpiryDeps {
  logger?: Logger;
  /** Claims scheduled slots; required when invocations carry a scheduled time (Scheduler's do). */
  slots?: PassSlots;
  /** Shards read at once. */
  concurrency?: number;
}

/** Time kept back to finish the chunk in hand and answer before the Lambda timeout. */
export const STOP_MARGIN_MS = 20_000;

export function buildHandler(deps: SegmentExpiryDeps) {
  return scheduledPass({ pass: 'segment-expiry', logger: deps.logger, slots: deps.slots }, (context) =>
    expiryPass(deps, {
      shards: deps.shards,
      ...(deps.concurrency !== undefined ? { concurrency: deps.concurrency } : {}),
      stopWhen: nearTimeout(context, STOP_MARGIN_MS),
    }),
  );
}

/** Lambda entry point: deps are built once per cold start from the environment. */
export const handler = onColdStart(() => buildHandler(awsExpiryDeps(process.env)));
