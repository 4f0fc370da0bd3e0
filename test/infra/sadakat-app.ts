/**
 * Builds the CDK app as `cdk synth` would (cdk.json's context, the real campaign folder) but
 * without bundling the functions: bundling is what `cdk-synth.test.ts` checks, and skipping it
 * here keeps the template tests fast.
 */
import { App } from 'aws-cdk-lib';
import { addSadakatStacks, type SadakatStacks } from '../../infra/app.js';
import { unbundledContext } from '../../infra/synth-templates.js';

export function unbundledApp(context: Record<string, unknown> = {}): App {
  return new App({ context: unbundledContext(context) });
}

export async function sadakatStacks(
  context: Record<string, unknown> = {},
  campaignDir?: string,
): Promise<SadakatStacks> {
  return addSadakatStacks(unbundledApp(context), campaignDir);
}
