/** journey-tick's dependencies in Lambda, built once per cold start from the environment. */
import type { JourneyTickDeps } from '../journeys/journey-tick.js';
import type { PassSlots } from '../ports.js';
import { composeJourneyTickDeps } from '../wiring/compose.js';
import { awsCoreAdapters } from './aws-adapters.js';

export function awsJourneyTickDeps(env: NodeJS.ProcessEnv): JourneyTickDeps & { slots: PassSlots } {
  const adapters = awsCoreAdapters(env);
  return { ...composeJourneyTickDeps(adapters), slots: adapters.table.passSlots };
}
