/** send-reconciler's dependencies in Lambda, built once per cold start from the environment. */
import type { ReconcileDeps } from '../channels/reconcile-claims.js';
import { systemClock, type PassSlots } from '../ports.js';
import { composeReconcileDeps } from '../wiring/compose.js';
import { awsTableAdapters } from './aws-adapters.js';

const MINUTE_MS = 60_000;
const DEFAULT_STALE_AFTER_MINUTES = 30;

export function awsReconcilerDeps(env: NodeJS.ProcessEnv): ReconcileDeps & { staleAfterMs: number; slots: PassSlots } {
  const table = awsTableAdapters(env);
  const minutes = Number(env.STALE_AFTER_MINUTES ?? DEFAULT_STALE_AFTER_MINUTES);
  return {
    ...composeReconcileDeps({ table, clock: systemClock }),
    staleAfterMs: (Number.isFinite(minutes) && minutes > 0 ? minutes : DEFAULT_STALE_AFTER_MINUTES) * MINUTE_MS,
    slots: table.passSlots,
  };
}
