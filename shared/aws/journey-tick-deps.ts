/** journey-tick's dependencies in Lambda, built once per cold start from the environment. */
import type { JourneyTickDeps } from '../journeys/journey-tick.js';
import { composeJourneyTickDeps } from '../wiring/compose.js';
import { awsCoreAdapters } from './aws-adapters.js';

export function awsJourneyTickDeps(env: NodeJS.ProcessEnv): JourneyTickDeps {
  return composeJourneyTickDeps(awsCoreAdapters(env));
}
