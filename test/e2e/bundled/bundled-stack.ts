/**
 * The pipeline stack as deployed, on one machine: every function of the synthesized template,
 * bundled exactly as CDK bundles it (infra/constructs/function-bundle.ts: the same entry points
 * and esbuild options, the compiled campaign beside the bundle where the stack puts it),
 * each in its own process with the environment the template gives it, and its SDK clients sent
 * to local services through the SDK's own endpoint variables:
 *
 *   AWS_ENDPOINT_URL_DYNAMODB        → dynalite (shared/local/dynamo-engine.ts)
 *   AWS_ENDPOINT_URL_SESV2           → aws-ses-v2-local (shared/local/local-ses-server.ts)
 *   AWS_ENDPOINT_URL_SQS             → the SQS shim over in-process FIFO queues
 *   AWS_ENDPOINT_URL_SNS             → the SNS shim's outbox
 *   AWS_ENDPOINT_URL_SECRETS_MANAGER → the Secrets Manager shim
 *   AWS_ENDPOINT_URL_S3              → the S3 shim (the refresh's artifacts)
 *   AWS_ENDPOINT_URL                 → a closed loopback port, so any other service fails here
 *
 * Queues feed their consumers the way the event source mappings in the template say (batch
 * size, partial batch responses), through shared/local/queue-driver.ts.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CAMPAIGN_JSON_FILE,
  CAMPAIGN_JSON_IN_LAMBDA,
  LAMBDA_TASK_ROOT,
} from '../../../infra/constructs/sadakat-function.js';
import { campaignDocumentsJson } from '../../../shared/config/campaign-documents.js';
import { createDocumentClient } from '../../../shared/aws/dynamo-client.js';
import { ensureTable, startDynamoEngine, type DynamoEngine } from '../../../shared/local/dynamo-engine.js';
import { LocalFifoQueue } from '../../../shared/local/fifo-queue.js';
import { startLocalSes, type LocalSes } from '../../../shared/local/local-ses-server.js';
import { drainQueue, type DrainStats } from '../../../shared/local/queue-driver.js';
import { systemClock } from '../../../shared/ports.js';
import {
  startS3Shim,
  startSecretsManagerShim,
  startFirehoseShim,
  startSnsShim,
  startSqsShim,
  type ShimServer,
} from './aws-protocol-shims.js';
import {
  type CfnResource,
  type SynthesizedStacks,
  TemplateResolver,
  templateEventSources,
  templateFunctions,
  templateSchedules,
  type TemplateEventSource,
  type TemplateSchedule,
  type TemplateFunction,
  UnresolvableValueError,
} from './cfn-template.js';
import { FunctionSandbox } from './function-sandbox.js';
import { builtFunctionBundles } from '../../built-function-bundles.js';

export const REGION = 'us-east-1';
export const ACCOUNT_ID = '000000000000';
/** Nothing listens on the discard port: a client for a service without a local stand-in fails at once, locally. */
const NO_SERVICE_ENDPOINT = 'http://127.0.0.1:9';
const TASK_ROOT = LAMBDA_TASK_ROOT;

/** The functions of the template, as built once: name → bundle folder. */
export type FunctionBundles = ReadonlyMap<string, string>;

/** The sadakat functions the template declares, and whether the stack puts the compiled campaign beside each. */
export function declaredFunctions(stacks: SynthesizedStacks): { name: string; campaign: boolean }[] {
  const template = stacks.templates[stacks.pipelineStack];
  return Object.values(template?.Resources ?? {})
    .filter((resource) => resource.Type === 'AWS::Lambda::Function')
    .map(
      (resource) =>
        (resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables,
    )
    .filter((variables) => typeof variables?.POWERTOOLS_SERVICE_NAME === 'string')
    .map((variables) => ({
      name: variables?.POWERTOOLS_SERVICE_NAME as string,
      campaign: variables?.CAMPAIGN_JSON === CAMPAIGN_JSON_IN_LAMBDA,
    }));
}

/**
 * Every declared function as SadakatFunction bundles it: functions/<name>.ts through
 * buildFunctionBundle (the esbuild options NodejsFunction gets; built once for all tests, and
 * test/infra/cdk-synth.test.ts holds each equal to what `cdk synth` deploys), then the campaign
 * compiled to `campaign.json` beside index.mjs (its afterBundling hook).
 */
export async function buildBundles(
  stacks: SynthesizedStacks,
  campaignDir: string,
  outRoot: string,
): Promise<FunctionBundles> {
  const bundles = new Map<string, string>();
  const campaignJson = campaignDocumentsJson(campaignDir);
  const built = await builtFunctionBundles();
  await Promise.all(
    declaredFunctions(stacks).map(async ({ name, campaign }) => {
      const dir = join(outRoot, name);
      await cp(join(built.dir, name), dir, { recursive: true });
      if (campaign) await writeFile(join(dir, CAMPAIGN_JSON_FILE), campaignJson);
      bundles.set(name, dir);
    }),
  );
  return bundles;
}

export interface BundledStackOptions {
  stacks: SynthesizedStacks;
  bundles: FunctionBundles;
  /** Secret values by the environment variable that names the secret (`WRITE_KEYS_SECRET_ARN` → `key1,key2`). */
  secrets: Record<string, string>;
  /** Start only these functions (a run that needs a few); all the template declares when absent. */
  only?: readonly string[];
  /** Runs on each function's own copy of its bundle before it starts: how a test breaks one on purpose. */
  sabotage?: (functionName: string, taskRoot: string) => Promise<void>;
}

/** Functions started on a clock of their own (`BundledStack.startFunctionsAt`). */
export interface FunctionsAt {
  invoke(functionName: string, event: unknown): Promise<unknown>;
  /** As `BundledStack.drain`, into this instance of the function. */
  drain(functionName: string): Promise<DrainStats>;
  logs(): Record<string, string>;
}

/** Debian's libfaketime (package faketime), which CI installs; `$LIB` is the dynamic loader's. */
const LIBFAKETIME_PRELOAD = '/usr/$LIB/faketime/libfaketime.so.1';
const LIBFAKETIME_FILES = ['x86_64', 'aarch64'].map((arch) => `/usr/lib/${arch}-linux-gnu/faketime/libfaketime.so.1`);

/** libfaketime's absolute format, in UTC (the sandboxes run with TZ=UTC). */
function fakeTimeOf(at: Date): string {
  return at.toISOString().slice(0, 19).replace('T', ' ');
}

/** A queue drain that did not end with every message handled once and deleted. */
export class DrainError extends Error {
  override readonly name = 'DrainError';
}

export class BundledStack {
  private constructor(
    readonly engine: DynamoEngine,
    readonly ses: LocalSes,
    readonly sqs: ShimServer,
    readonly sns: Awaited<ReturnType<typeof startSnsShim>>,
    readonly secretsManager: ShimServer,
    readonly s3: Awaited<ReturnType<typeof startS3Shim>>,
    readonly firehose: Awaited<ReturnType<typeof startFirehoseShim>>,
    readonly queues: ReadonlyMap<string, LocalFifoQueue>,
    readonly functions: readonly TemplateFunction[],
    readonly eventSources: readonly TemplateEventSource[],
    readonly schedules: readonly TemplateSchedule[],
    readonly sandboxes: ReadonlyMap<string, FunctionSandbox>,
    readonly tableName: string,
    private readonly launch: { workDir: string; bundles: FunctionBundles; endpoints: Record<string, string> },
  ) {}

  static async start(options: BundledStackOptions): Promise<BundledStack> {
    const { stacks } = options;
    const workDir = await mkdtemp(join(tmpdir(), 'sadakat-bundled-stack-'));
    const stopping: (() => Promise<void>)[] = [() => rm(workDir, { recursive: true, force: true })];
    const stopAll = async (): Promise<void> => {
      for (const stop of stopping.reverse()) await stop().catch(() => undefined);
    };
    try {
      const engine = await startDynamoEngine({ engine: 'dynalite' });
      stopping.push(() => engine.stop());
      const ses = await startLocalSes();
      stopping.push(() => ses.stop());

      const queues = fifoQueues(stacks);
      const byName = new Map([...queues.values()].map((queue) => [queue.name, queue]));
      const sqs = await startSqsShim(byName, ACCOUNT_ID);
      stopping.push(() => sqs.stop());
      const sns = await startSnsShim(REGION, ACCOUNT_ID);
      stopping.push(() => sns.stop());
      const secretValues = new Map<string, string>();
      const secretsManager = await startSecretsManagerShim(secretValues);
      stopping.push(() => secretsManager.stop());
      const s3 = await startS3Shim();
      stopping.push(() => s3.stop());
      const firehose = await startFirehoseShim();
      stopping.push(() => firehose.stop());

      const tables: string[] = [];
      const resolver = new TemplateResolver(
        stacks,
        (logicalId, resource, attribute) => {
          const value = localValue(logicalId, resource, attribute, (name) => sqs.urlOf(name), queues);
          if (resource.Type === 'AWS::DynamoDB::Table' && attribute === 'Ref' && !tables.includes(value))
            tables.push(value);
          return value;
        },
        { region: REGION, accountId: ACCOUNT_ID },
      );
      const functions = templateFunctions(stacks, resolver).filter(
        (fn) => options.only === undefined || options.only.includes(fn.name),
      );
      const eventSources = templateEventSources(stacks, functions);
      const tableName = singleTableName(stacks, resolver);
      const dynamo = createDocumentClient({ endpoint: engine.endpoint });
      await ensureTable(dynamo, tableName);
      dynamo.destroy();

      for (const fn of functions) {
        for (const [name, arn] of Object.entries(fn.environment)) {
          if (!name.endsWith('_SECRET_ARN')) continue;
          const value = options.secrets[name];
          if (value === undefined)
            throw new UnresolvableValueError(`${fn.name}: no local value for the secret in ${name}`);
          secretValues.set(arn, value);
        }
      }

      const endpoints = {
        AWS_ENDPOINT_URL: NO_SERVICE_ENDPOINT,
        AWS_ENDPOINT_URL_DYNAMODB: engine.endpoint,
        AWS_ENDPOINT_URL_SESV2: ses.endpoint,
        AWS_ENDPOINT_URL_SQS: sqs.endpoint,
        AWS_ENDPOINT_URL_SNS: sns.endpoint,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        AWS_ENDPOINT_URL_FIREHOSE: firehose.endpoint,
      };
      const sandboxes = new Map<string, FunctionSandbox>();
      stopping.push(async () => {
        await Promise.all([...sandboxes.values()].map((sandbox) => sandbox.stop()));
      });
      const started = await Promise.allSettled(
        functions.map(async (fn) => {
          const source = options.bundles.get(fn.name);
          if (!source) throw new Error(`${fn.name}: the template declares it but it was not bundled`);
          const taskRoot = join(workDir, fn.name);
          await mkdir(taskRoot, { recursive: true });
          await cp(source, taskRoot, { recursive: true });
          await options.sabotage?.(fn.name, taskRoot);
          const sandbox = await FunctionSandbox.start({
            name: fn.name,
            taskRoot,
            handler: fn.handler,
            environment: lambdaEnvironment(fn, taskRoot, endpoints),
            timeoutMs: fn.timeoutSeconds * 1000,
            functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${fn.logicalId}`,
          });
          sandboxes.set(fn.name, sandbox);
        }),
      );
      const failed = started.flatMap((result) => (result.status === 'rejected' ? [result.reason as Error] : []));
      if (failed.length > 0) {
        const error = new AggregateError(failed, failed.map((reason) => reason.message).join('\n'));
        error.name = 'BundledStackStartError';
        throw error;
      }
      const stack = new BundledStack(
        engine,
        ses,
        sqs,
        sns,
        secretsManager,
        s3,
        firehose,
        queues,
        functions,
        eventSources,
        templateSchedules(stacks, functions),
        sandboxes,
        tableName,
        { workDir, bundles: options.bundles, endpoints },
      );
      stack.stopAll = stopAll;
      stack.stopping = stopping;
      return stack;
    } catch (error) {
      await stopAll();
      throw error;
    }
  }

  private stopAll: () => Promise<void> = async () => undefined;
  private stopping: (() => Promise<void>)[] = [];

  /**
   * More instances of some functions, against the same services, whose clock reads `at` when they
   * start and runs on from there (libfaketime, as CI fixes every clock): how a run shows what the
   * deployed functions do hours later — a deferral released the next morning — without waiting.
   * The stack's own instances keep the test's clock.
   */
  async startFunctionsAt(at: Date, names: readonly string[]): Promise<FunctionsAt> {
    if (!LIBFAKETIME_FILES.some((file) => existsSync(file)))
      throw new Error(
        'libfaketime is not installed (apt-get install faketime): functions cannot start on a later clock',
      );
    const sandboxes = new Map<string, FunctionSandbox>();
    this.stopping.push(async () => {
      await Promise.all([...sandboxes.values()].map((sandbox) => sandbox.stop()));
    });
    for (const name of names) {
      const fn = this.functions.find((candidate) => candidate.name === name);
      const source = this.launch.bundles.get(name);
      if (!fn || !source) throw new Error(`no function ${name} in the template`);
      const taskRoot = join(this.launch.workDir, `${name}-at-${at.getTime()}`);
      await mkdir(taskRoot, { recursive: true });
      await cp(source, taskRoot, { recursive: true });
      const environment = Object.fromEntries(
        Object.entries(lambdaEnvironment(fn, taskRoot, this.launch.endpoints)).filter(
          ([variable]) => !variable.startsWith('FAKETIME'),
        ),
      );
      const sandbox = await FunctionSandbox.start({
        name,
        taskRoot,
        handler: fn.handler,
        // "@<time>": start at that time and run on; no FAKETIME_SHARED, so not the test's offset.
        environment: { ...environment, LD_PRELOAD: LIBFAKETIME_PRELOAD, FAKETIME: `@${fakeTimeOf(at)}` },
        timeoutMs: fn.timeoutSeconds * 1000,
        functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${fn.logicalId}`,
      });
      sandboxes.set(name, sandbox);
    }
    const sandbox = (name: string): FunctionSandbox => {
      const found = sandboxes.get(name);
      if (!found) throw new Error(`${name} was not started at ${at.toISOString()}`);
      return found;
    };
    return {
      invoke: (name, event) => sandbox(name).invoke(event),
      drain: (name) => this.drainInto(name, sandbox(name)),
      logs: () => Object.fromEntries([...sandboxes].map(([name, found]) => [name, found.logs()])),
    };
  }

  sandbox(functionName: string): FunctionSandbox {
    const sandbox = this.sandboxes.get(functionName);
    if (!sandbox) throw new Error(`no function ${functionName} in the template`);
    return sandbox;
  }

  invoke(functionName: string, event: unknown): Promise<unknown> {
    return this.sandbox(functionName).invoke(event);
  }

  /**
   * Plays the event source mapping that feeds `functionName`: its queue's messages go to the
   * function in batches of the mapping's size until the queue is empty. Anything but a clean
   * drain — a handler that threw, records that failed, messages dead-lettered — is a DrainError
   * naming the function and the first error.
   */
  async drain(functionName: string): Promise<DrainStats> {
    return this.drainInto(functionName, this.sandbox(functionName));
  }

  private async drainInto(functionName: string, sandbox: FunctionSandbox): Promise<DrainStats> {
    const source = this.eventSources.find((candidate) => candidate.functionName === functionName);
    if (!source) throw new Error(`no event source mapping feeds ${functionName}`);
    const queue = this.queues.get(source.queueLogicalId) as LocalFifoQueue;
    const stats = await drainQueue(queue, (event) => sandbox.invoke(event) as never, {
      batchSize: source.batchSize,
      concurrency: 1,
      functionName,
    });
    if (stats.handlerErrors > 0 || stats.failed > 0 || stats.movedToDlq > 0) {
      throw new DrainError(
        `${functionName}: ${stats.handlerErrors} invocations threw, ${stats.failed} records failed, ${stats.movedToDlq} dead-lettered${stats.firstHandlerError ? ` (first error: ${stats.firstHandlerError})` : ''}`,
      );
    }
    return stats;
  }

  /** The queue a function's event source mapping reads. */
  queueFeeding(functionName: string): LocalFifoQueue {
    const source = this.eventSources.find((candidate) => candidate.functionName === functionName);
    if (!source) throw new Error(`no event source mapping feeds ${functionName}`);
    return this.queues.get(source.queueLogicalId) as LocalFifoQueue;
  }

  /** Every function's log so far, by name. */
  logs(): Record<string, string> {
    return Object.fromEntries([...this.sandboxes].map(([name, sandbox]) => [name, sandbox.logs()]));
  }

  async stop(): Promise<void> {
    await this.stopAll();
  }
}

/** One LocalFifoQueue per FIFO queue of the pipeline, with the template's visibility timeout and redrive policy. */
function fifoQueues(stacks: SynthesizedStacks): Map<string, LocalFifoQueue> {
  const resources = stacks.templates[stacks.pipelineStack]?.Resources ?? {};
  const queues = new Map<string, LocalFifoQueue>();
  const queueFor = (logicalId: string): LocalFifoQueue => {
    const existing = queues.get(logicalId);
    if (existing) return existing;
    const props = resources[logicalId]?.Properties ?? {};
    const redrive = props.RedrivePolicy as
      | { deadLetterTargetArn?: { 'Fn::GetAtt'?: [string, string] }; maxReceiveCount?: number }
      | undefined;
    const dlqId = redrive?.deadLetterTargetArn?.['Fn::GetAtt']?.[0];
    const queue = new LocalFifoQueue({
      name: `${logicalId}.fifo`,
      clock: systemClock,
      visibilityTimeoutSeconds: Number(props.VisibilityTimeout ?? 30),
      ...(redrive?.maxReceiveCount !== undefined ? { maxReceiveCount: Number(redrive.maxReceiveCount) } : {}),
      ...(dlqId ? { dlq: queueFor(dlqId) } : {}),
    });
    queues.set(logicalId, queue);
    return queue;
  };
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type === 'AWS::SQS::Queue' && resource.Properties?.FifoQueue === true) queueFor(logicalId);
  }
  return queues;
}

/** The local stand-in's value for a Ref or an attribute of a resource the functions' environment names. */
function localValue(
  logicalId: string,
  resource: CfnResource,
  attribute: string,
  queueUrl: (name: string) => string,
  queues: ReadonlyMap<string, LocalFifoQueue>,
): string {
  const key = `${resource.Type} ${attribute}`;
  const name = logicalId.toLowerCase();
  switch (key) {
    case 'AWS::DynamoDB::Table Ref':
      return `sadakat-${name}`;
    case 'AWS::DynamoDB::Table Arn':
      return `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/sadakat-${name}`;
    case 'AWS::SQS::Queue Ref':
    case 'AWS::SQS::Queue Arn': {
      const queue = queues.get(logicalId);
      if (!queue) throw new UnresolvableValueError(`${logicalId}: only FIFO queues have a local stand-in`);
      return attribute === 'Ref' ? queueUrl(queue.name) : queue.arn;
    }
    case 'AWS::SecretsManager::Secret Ref':
      return `arn:aws:secretsmanager:${REGION}:${ACCOUNT_ID}:secret:${logicalId}`;
    case 'AWS::S3::Bucket Ref':
      return `sadakat-${name}`;
    case 'AWS::S3::Bucket Arn':
      return `arn:aws:s3:::sadakat-${name}`;
    case 'AWS::SES::ConfigurationSet Ref':
      return `sadakat-${name}`;
    case 'AWS::ApiGatewayV2::Api ApiEndpoint':
      // Only ever written into emails (the unsubscribe links); the test invokes the function itself.
      return `https://${name}.execute-api.${REGION}.amazonaws.com`;
    case 'AWS::KinesisFirehose::DeliveryStream Ref':
      return `sadakat-${name}`;
    case 'AWS::KMS::Key Arn':
      return `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/${name}`;
    default:
      throw new UnresolvableValueError(`${logicalId}: no local value for ${key}`);
  }
}

/** The one table of the single-table design, named as the functions will name it. */
function singleTableName(stacks: SynthesizedStacks, resolver: TemplateResolver): string {
  for (const [stack, template] of Object.entries(stacks.templates)) {
    const tables = Object.keys(template.Resources).filter(
      (id) => template.Resources[id]?.Type === 'AWS::DynamoDB::Table',
    );
    if (tables.length > 1) throw new Error(`${stack} has ${tables.length} tables; the single-table design has one`);
    if (tables[0]) return resolver.resolve(stack, { Ref: tables[0] }, 'the table');
  }
  throw new Error('no DynamoDB table in the stacks');
}

/**
 * The process environment of a function in Lambda: the template's variables (paths under
 * /var/task moved to the local task root), the variables the Lambda runtime sets, role
 * credentials, an operator's debug settings, and the endpoint variables. Nothing else from the test's own environment, except
 * libfaketime's, so a CI run on a fixed clock fixes the functions' clock too.
 */
function lambdaEnvironment(
  fn: TemplateFunction,
  taskRoot: string,
  endpoints: Record<string, string>,
): Record<string, string> {
  const fromTemplate = Object.fromEntries(
    Object.entries(fn.environment).map(([name, value]) => [
      name,
      value === TASK_ROOT || value.startsWith(`${TASK_ROOT}/`) ? taskRoot + value.slice(TASK_ROOT.length) : value,
    ]),
  );
  const faketime = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && (entry[0] === 'LD_PRELOAD' || entry[0].startsWith('FAKETIME')),
    ),
  );
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LAMBDA_TASK_ROOT: taskRoot,
    _HANDLER: fn.handler,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: fn.logicalId,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.logicalId}`,
    AWS_LAMBDA_LOG_STREAM_NAME: 'local',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'ASIALOCALSADAKAT',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: 'local',
    // Lambda runs Node 22; the SDK would warn only because this machine runs Node 20.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // The most an operator can turn on without a deploy of code — Lambda's log level at DEBUG and
    // Powertools' event logging — so the privacy check reads what a debugging operator would see.
    AWS_LAMBDA_LOG_LEVEL: 'DEBUG',
    POWERTOOLS_LOGGER_LOG_EVENT: 'true',
    ...faketime,
    ...endpoints,
    ...fromTemplate,
  };
}
