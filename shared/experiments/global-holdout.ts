/**
 * The global holdout (DESIGN "Experiments and holdout"): the same hash as experiments with a
 * fixed seed, so membership never depends on which journey a customer met first and an SDK can
 * reproduce it. Holdout customers walk journeys with every send skipped.
 */
import { hashV2 } from './hash.js';

export const GLOBAL_HOLDOUT_SEED = 'sadakat-global-holdout';

/** `holdoutPercent` as in settings.yaml (0…100). */
export function isInGlobalHoldout(customerId: string, holdoutPercent: number): boolean {
  return hashV2(GLOBAL_HOLDOUT_SEED, customerId) < holdoutPercent / 100;
}
