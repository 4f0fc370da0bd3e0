/**
 * Builds the CDK app as `cdk synth` would (cdk.json's context, the real campaign folder) but
 * without bundling the functions: bundling is what `cdk-synth.test.ts` checks, and skipping it
 * here keeps the template tests fast.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { addSadakatStacks, type SadakatStacks } from '../../infra/app.js';
import { REPO_ROOT } from '../../infra/constructs/sadakat-function.js';

export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

export function unbundledApp(context: Record<string, unknown> = {}): App {
  // An empty bundling-stacks list is CDK's own switch for "synthesize, but bundle nothing".
  return new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context } });
}

export async function sadakatStacks(
  context: Record<string, unknown> = {},
  campaignDir?: string,
): Promise<SadakatStacks> {
  return addSadakatStacks(unbundledApp(context), campaignDir);
}
