/**
 * Synthesizes the stacks for the contexts CI lints (`.ci/run` runs cfn-lint over them): the
 * default context of cdk.json and a full production context with every optional value given, so
 * each conditional resource is in one of the two. Functions are not bundled: cfn-lint reads the
 * templates only, and `cdk synth` (test/infra/cdk-synth.test.ts) checks the bundles.
 *
 *   npx tsx infra/synth-templates.ts <out-dir>   →  <out-dir>/<context>/<stack>.template.json
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { addSadakatStacks } from './app.js';
import { REPO_ROOT } from './constructs/function-bundle.js';

/** Every deployment-context key given, as a production deploy would (infra/deployment-context.ts), but `sesIdentityArn`. */
export const PRODUCTION_CONTEXT = {
  stage: 'prod',
  account: '123456789012',
  region: 'eu-central-1',
  alarmEmail: 'ops@shop.example.com',
  // The stack creates the SES identity. The other way, `sesIdentityArn` (an existing identity,
  // imported), excludes this one and adds no resource, only an IAM resource (test/infra/stacks.test.ts).
  sesDomain: 'shop.example.com',
  // The edge firewall stack (us-east-1) and CloudFront with its ACL in front of the API.
  edgeFirewall: true,
  edgeWebAclArn:
    'arn:aws:wafv2:us-east-1:123456789012:global/webacl/Sadakat-prod-EdgeFirewall/a1b2c3d4-5678-90ab-cdef-111122223333',
  pushPlatformApplicationArns: [
    'arn:aws:sns:eu-central-1:123456789012:app/APNS/shop-ios',
    'arn:aws:sns:eu-central-1:123456789012:app/GCM/shop-android',
  ],
  // The call channel on Amazon Connect: call-feedback and its EventBridge rule.
  connectInstanceArn: 'arn:aws:connect:eu-central-1:123456789012:instance/a1b2c3d4-5678-90ab-cdef-111122223333',
  connectContactFlowId: 'f1e2d3c4-b5a6-9780-fedc-ba9876543210',
  // Ceilings sized for a peak (docs/scale.md): the ingest throttle, a pre-warmed table, concurrency kept for ingest.
  ingestRateLimit: 1500,
  tableWarmReadUnits: 40_000,
  tableWarmWriteUnits: 20_000,
  ingestReservedConcurrency: 200,
  whatsappPhoneNumberId: 'phone-number-id-976c72a700aac43eaf573ae050e0a1b2',
} as const;

export const LINTED_CONTEXTS: Readonly<Record<string, Record<string, unknown>>> = {
  default: {},
  prod: PRODUCTION_CONTEXT,
};

export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

/** cdk.json's context with `context` over it, bundling nothing (an empty bundling-stacks list is CDK's own switch). */
export function unbundledContext(context: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context };
}

/** Writes the cloud assembly of one context (templates, no bundles) to `outdir`. */
export async function synthTemplates(outdir: string, context: Record<string, unknown>): Promise<void> {
  const app = new App({ outdir, context: unbundledContext(context) });
  await addSadakatStacks(app);
  app.synth();
}

async function main(): Promise<void> {
  const outDir = process.argv[2];
  if (outDir === undefined) {
    process.stderr.write('usage: tsx infra/synth-templates.ts <out-dir>\n');
    process.exit(2);
  }
  for (const [name, context] of Object.entries(LINTED_CONTEXTS)) await synthTemplates(join(outDir, name), context);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
