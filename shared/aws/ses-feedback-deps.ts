/** ses-feedback's dependencies in Lambda, built once per cold start from the environment. */
import { composeFeedbackDeps, type SesFeedbackDeps } from '../wiring/compose.js';
import { awsCoreAdapters } from './aws-adapters.js';

export function awsFeedbackDeps(env: NodeJS.ProcessEnv): SesFeedbackDeps {
  return composeFeedbackDeps(awsCoreAdapters(env));
}
