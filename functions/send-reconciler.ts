/**
 * send-reconciler: scheduled (every 15 minutes in the stack). Marks ledger claims older than
 * STALE_AFTER_MINUTES (default 30, well past the send function's timeout) `unknown`.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { reconcileStaleClaims, type ReconcileDeps } from '../shared/channels/reconcile-claims.js';
import { createDocumentClient } from '../shared/aws/dynamo-client.js';
import { DynamoMessageStats } from '../shared/aws/dynamo-message-stats.js';
import { DynamoSendLedger } from '../shared/aws/dynamo-send-ledger.js';
import { requireEnv } from '../shared/aws/require-env.js';
import { DynamoPassSlots } from '../shared/aws/dynamo-pass-slots.js';
import { oncePerScheduledSlot, type SkippedPass } from '../shared/events/scheduled-slot.js';
import { systemClock, type PassSlots } from '../shared/ports.js';

const MINUTE_MS = 60_000;

export function buildHandler(deps: ReconcileDeps & { staleAfterMs: number; logger?: Logger; slots?: PassSlots }) {
  const logger = deps.logger ?? new Logger({ serviceName: 'send-reconciler' });
  return middy(async (): Promise<{ markedUnknown: number }> => {
    const result = await reconcileStaleClaims(deps, deps.staleAfterMs);
    if (result.markedUnknown > 0) logger.warn('stale send claims marked unknown', result);
    return result;
  }).use(oncePerScheduledSlot(deps.slots, 'send-reconciler', (message, details) => logger.info(message, details)));
}

let coldStartHandler: ReturnType<typeof buildHandler> | undefined;

export const handler = async (event: unknown): Promise<{ markedUnknown: number } | SkippedPass> => {
  if (!coldStartHandler) {
    const tableName = requireEnv(process.env, 'TABLE_NAME');
    const doc = createDocumentClient({});
    const minutes = Number(process.env.STALE_AFTER_MINUTES ?? '30');
    coldStartHandler = buildHandler({
      ledger: new DynamoSendLedger(doc, tableName),
      stats: new DynamoMessageStats(doc, tableName),
      clock: systemClock,
      staleAfterMs: (Number.isFinite(minutes) && minutes > 0 ? minutes : 30) * MINUTE_MS,
      slots: new DynamoPassSlots(doc, tableName, systemClock),
    });
  }
  return coldStartHandler(event, {} as never);
};
