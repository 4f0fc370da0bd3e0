/**
 * One sadakat Lambda: functions/<name>.ts bundled with the local esbuild (never Docker) as an
 * ES module, Node 22 on arm64, its own log group and role (so permissions are exactly the
 * grants its owner adds, with no managed policy), Powertools logger settings, and optionally
 * the campaign compiled to JSON beside the bundle (read at cold start without a YAML parser;
 * shared/wiring/compiled-campaign.ts, decision 240). The esbuild options are FUNCTION_BUNDLE's, shared
 * with bench/bundles.ts (and why the SDK is bundled is there too).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { campaignDocumentsJson } from '../../shared/config/campaign-documents.js';
import { esbuildCliArgs, FUNCTION_BUNDLE, FUNCTION_NODE_OPTIONS, REPO_ROOT } from './function-bundle.js';
import { acknowledgeWildcards, type WildcardFinding } from './wildcard-acknowledgements.js';

export { REPO_ROOT };

/** The bundle root inside the function. */
export const LAMBDA_TASK_ROOT = '/var/task';
/** The file name of the campaign compiled to JSON, beside index.mjs. */
export const CAMPAIGN_JSON_FILE = 'campaign.json';
/** Where it sits inside the function. */
export const CAMPAIGN_JSON_IN_LAMBDA = `${LAMBDA_TASK_ROOT}/${CAMPAIGN_JSON_FILE}`;

export interface SadakatFunctionProps {
  /** The file functions/<name>.ts; also the Powertools service name. */
  name: string;
  description: string;
  environment?: Record<string, string>;
  memorySize?: number;
  timeout?: Duration;
  /** Compile this campaign folder to JSON beside the bundle and point CAMPAIGN_JSON at it. */
  campaignDir?: string;
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Concurrent executions reserved for this function (none unless given). */
  reservedConcurrentExecutions?: number;
}

export class SadakatFunction extends Construct {
  readonly function: NodejsFunction;
  /** The function's own log group (metric filters on its log lines, e.g. send's confirm_budget refusals). */
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: SadakatFunctionProps) {
    super(scope, id);

    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `sadakat ${props.name}`,
    });
    logGroup.grantWrite(role);
    this.logGroup = logGroup;

    const campaignDir = props.campaignDir;
    this.function = new NodejsFunction(this, 'Function', {
      entry: join(REPO_ROOT, 'functions', `${props.name}.ts`),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      ...(props.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      role,
      logGroup,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      environment: {
        POWERTOOLS_SERVICE_NAME: props.name,
        LOG_LEVEL: props.logLevel ?? 'INFO',
        // Stack traces point at the TypeScript source through the bundled source map.
        NODE_OPTIONS: FUNCTION_NODE_OPTIONS,
        ...(campaignDir === undefined ? {} : { CAMPAIGN_JSON: CAMPAIGN_JSON_IN_LAMBDA }),
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        minify: FUNCTION_BUNDLE.minify,
        sourceMap: FUNCTION_BUNDLE.sourceMap,
        sourcesContent: FUNCTION_BUNDLE.sourcesContent,
        format: OutputFormat.ESM,
        target: FUNCTION_BUNDLE.target,
        tsconfig: FUNCTION_BUNDLE.tsconfig,
        mainFields: [...FUNCTION_BUNDLE.mainFields],
        banner: FUNCTION_BUNDLE.banner,
        externalModules: [...FUNCTION_BUNDLE.externalModules],
        esbuildArgs: esbuildCliArgs(),
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir, outputDir) =>
            campaignDir === undefined
              ? []
              : [
                  `cp ${shellQuote(compiledCampaignFile(campaignDir))} ${shellQuote(join(outputDir, CAMPAIGN_JSON_FILE))}`,
                ],
        },
      },
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x on purpose: a supported runtime that is closest to the Node 20 toolchain the code is developed and tested on; move to nodejs24.x after the suite has run on Node 24.',
    });
  }

  /** Acknowledges IAM5 findings of this function's role, each with its reason. */
  acknowledgeWildcards(findings: readonly WildcardFinding[]): void {
    acknowledgeWildcards(this, findings);
  }
}

/** The campaign compiled once per synth (per folder), in a temporary file each bundle copies. */
const compiledCampaigns = new Map<string, string>();
function compiledCampaignFile(campaignDir: string): string {
  let file = compiledCampaigns.get(campaignDir);
  if (file === undefined) {
    file = join(mkdtempSync(join(tmpdir(), 'sadakat-campaign-')), CAMPAIGN_JSON_FILE);
    writeFileSync(file, campaignDocumentsJson(campaignDir));
    compiledCampaigns.set(campaignDir, file);
  }
  return file;
}

function shellQuote(path: string): string {
  return `'${path.replaceAll("'", "'\\''")}'`;
}
