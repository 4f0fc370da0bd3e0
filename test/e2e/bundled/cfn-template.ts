/**
 * What the synthesized stacks tell a function at run time: each sadakat function (its service
 * name, handler, environment) and each SQS event source mapping, read from the templates that
 * `cdk synth` writes, with CloudFormation's intrinsic functions evaluated against local values.
 * An environment value the local stand-in cannot produce (a new resource type, a new intrinsic)
 * fails with its name instead of reaching the function as something made up.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { sadakatStacks } from '../../infra/sadakat-app.js';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

/** The local stand-in for a resource: its `Ref` value and its `Fn::GetAtt` attributes. */
export type ResourceValue = (logicalId: string, resource: CfnResource, attribute: string | 'Ref') => string;

export interface TemplateFunction {
  logicalId: string;
  /** POWERTOOLS_SERVICE_NAME, which SadakatFunction sets to the file name functions/<name>.ts. */
  name: string;
  /** `index.handler`: the file (index.mjs for an ES module bundle) and the export. */
  handler: string;
  /** As CloudFormation would set it, with every intrinsic resolved to a local value. */
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
}

export interface TemplateEventSource {
  functionName: string;
  queueLogicalId: string;
  batchSize: number;
  reportBatchItemFailures: boolean;
}

export interface SynthesizedStacks {
  templates: Record<string, CfnTemplate>;
  pipelineStack: string;
}

/** Synthesizes the app as `cdk synth` does (cdk.json's context), with `campaignDir` as the deployed campaign. */
/** The End User Messaging Social phone number id the bundled stack is synthesized with. */
export const BUNDLED_WHATSAPP_NUMBER_ID = 'phone-number-id-00000000000000000000000000000000';
/** The WhatsApp Business Account's existing event destination the bundled stack subscribes to. */
export const BUNDLED_WHATSAPP_TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:shop-whatsapp-events';

export async function synthesizeStacks(campaignDir: string): Promise<SynthesizedStacks> {
  // With a WhatsApp number, so whatsapp-events (deployed only with one) is in the template too, on
  // an event destination the account already has (the stack's own topic is asserted on the
  // production context in test/infra/first-deploy.test.ts).
  const { data, pipeline } = await sadakatStacks(
    { whatsappPhoneNumberId: BUNDLED_WHATSAPP_NUMBER_ID, whatsappEventsTopicArn: BUNDLED_WHATSAPP_TOPIC_ARN },
    campaignDir,
  );
  return {
    templates: {
      [data.stackName]: Template.fromStack(data).toJSON() as CfnTemplate,
      [pipeline.stackName]: Template.fromStack(pipeline).toJSON() as CfnTemplate,
    },
    pipelineStack: pipeline.stackName,
  };
}

export class UnresolvableValueError extends Error {
  override readonly name = 'UnresolvableValueError';
}

/** Evaluates Ref, Fn::GetAtt, Fn::ImportValue, Fn::Join, Fn::Split, Fn::Select and Fn::Sub over the stacks. */
export class TemplateResolver {
  constructor(
    private readonly stacks: SynthesizedStacks,
    private readonly resourceValue: ResourceValue,
    private readonly pseudo: { region: string; accountId: string },
  ) {}

  resolve(stack: string, value: unknown, where: string): string {
    const resolved = this.evaluate(stack, value, where);
    if (typeof resolved !== 'string') throw new UnresolvableValueError(`${where}: resolves to a list, not a string`);
    return resolved;
  }

  private evaluate(stack: string, value: unknown, where: string): string | string[] {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (Array.isArray(value)) return value.map((item) => this.resolve(stack, item, where));
    if (value === null || typeof value !== 'object') throw new UnresolvableValueError(`${where}: unexpected ${value}`);
    const entries = Object.entries(value);
    const [fn, args] = entries[0] ?? [];
    if (entries.length !== 1 || fn === undefined)
      throw new UnresolvableValueError(`${where}: not an intrinsic function`);
    switch (fn) {
      case 'Ref':
        return this.ref(stack, String(args), where);
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = args as [string, string];
        return this.resourceValue(logicalId, this.resource(stack, logicalId, where), attribute);
      }
      case 'Fn::ImportValue':
        return this.importValue(this.resolve(stack, args, where), where);
      case 'Fn::Join': {
        const [separator, parts] = args as [string, unknown[]];
        return parts.map((part) => this.resolve(stack, part, where)).join(separator);
      }
      case 'Fn::Split': {
        const [separator, source] = args as [string, unknown];
        return this.resolve(stack, source, where).split(separator);
      }
      case 'Fn::Select': {
        const [index, list] = args as [number | string, unknown];
        const items = this.evaluate(stack, list, where);
        const item = Array.isArray(items) ? items[Number(index)] : undefined;
        if (item === undefined) throw new UnresolvableValueError(`${where}: Fn::Select ${index} out of range`);
        return item;
      }
      case 'Fn::Sub': {
        if (typeof args !== 'string') throw new UnresolvableValueError(`${where}: Fn::Sub with variables`);
        return args.replace(/\$\{([^}]+)\}/g, (_, name: string) =>
          name.includes('.')
            ? this.evaluate(stack, { 'Fn::GetAtt': name.split('.', 2) }, where).toString()
            : this.ref(stack, name, where),
        );
      }
      default:
        throw new UnresolvableValueError(`${where}: ${fn} is not evaluated locally`);
    }
  }

  private ref(stack: string, name: string, where: string): string {
    switch (name) {
      case 'AWS::Region':
        return this.pseudo.region;
      case 'AWS::AccountId':
        return this.pseudo.accountId;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      default:
        return this.resourceValue(name, this.resource(stack, name, where), 'Ref');
    }
  }

  private resource(stack: string, logicalId: string, where: string): CfnResource {
    const resource = this.stacks.templates[stack]?.Resources[logicalId];
    if (!resource) throw new UnresolvableValueError(`${where}: no resource ${logicalId} in ${stack}`);
    return resource;
  }

  private importValue(name: string, where: string): string {
    for (const [stack, template] of Object.entries(this.stacks.templates)) {
      for (const output of Object.values(template.Outputs ?? {})) {
        if (output.Export && this.resolve(stack, output.Export.Name, where) === name) {
          return this.resolve(stack, output.Value, `${where} (export ${name})`);
        }
      }
    }
    throw new UnresolvableValueError(`${where}: no stack exports ${name}`);
  }
}

/** The pipeline's sadakat functions (those SadakatFunction made: they carry POWERTOOLS_SERVICE_NAME). */
export function templateFunctions(stacks: SynthesizedStacks, resolver: TemplateResolver): TemplateFunction[] {
  const stack = stacks.pipelineStack;
  const template = stacks.templates[stack] as CfnTemplate;
  const functions: TemplateFunction[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const props = resource.Properties ?? {};
    const variables = ((props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
      {}) as Record<string, unknown>;
    if (variables.POWERTOOLS_SERVICE_NAME === undefined) continue;
    const environment: Record<string, string> = {};
    for (const [name, value] of Object.entries(variables)) {
      environment[name] = resolver.resolve(stack, value, `${logicalId} environment ${name}`);
    }
    functions.push({
      logicalId,
      name: environment.POWERTOOLS_SERVICE_NAME as string,
      handler: String(props.Handler),
      environment,
      timeoutSeconds: Number(props.Timeout ?? 3),
      memoryMb: Number(props.MemorySize ?? 128),
    });
  }
  return functions;
}

/** The SQS event source mappings: which queue feeds which function, in batches of how many. */
export function templateEventSources(stacks: SynthesizedStacks, functions: TemplateFunction[]): TemplateEventSource[] {
  const template = stacks.templates[stacks.pipelineStack] as CfnTemplate;
  const sources: TemplateEventSource[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::EventSourceMapping') continue;
    const props = resource.Properties ?? {};
    const arn = props.EventSourceArn as { 'Fn::GetAtt'?: [string, string] } | undefined;
    const target = props.FunctionName as { Ref?: string } | undefined;
    const fn = functions.find((candidate) => candidate.logicalId === target?.Ref);
    const queueLogicalId = arn?.['Fn::GetAtt']?.[0];
    if (!fn || !queueLogicalId || template.Resources[queueLogicalId]?.Type !== 'AWS::SQS::Queue') {
      throw new UnresolvableValueError(`${logicalId}: an event source mapping that is not a pipeline queue → function`);
    }
    sources.push({
      functionName: fn.name,
      queueLogicalId,
      batchSize: Number(props.BatchSize ?? 10),
      reportBatchItemFailures: ((props.FunctionResponseTypes as string[] | undefined) ?? []).includes(
        'ReportBatchItemFailures',
      ),
    });
  }
  return sources;
}

export interface TemplateSchedule {
  functionName: string;
  /** What the schedule sends the function (its Target.Input; EventBridge Scheduler sends `{}` without one). */
  input: unknown;
}

/** The EventBridge Scheduler schedules that invoke a pipeline function directly, with their input. */
export function templateSchedules(stacks: SynthesizedStacks, functions: TemplateFunction[]): TemplateSchedule[] {
  const template = stacks.templates[stacks.pipelineStack] as CfnTemplate;
  const schedules: TemplateSchedule[] = [];
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::Scheduler::Schedule') continue;
    const target = resource.Properties?.Target as { Arn?: { 'Fn::GetAtt'?: [string, string] }; Input?: unknown };
    const fn = functions.find((candidate) => candidate.logicalId === target?.Arn?.['Fn::GetAtt']?.[0]);
    if (!fn) continue;
    schedules.push({
      functionName: fn.name,
      input: typeof target.Input === 'string' ? JSON.parse(target.Input) : {},
    });
  }
  return schedules;
}
