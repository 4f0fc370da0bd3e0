/**
 * Deployment-only values, read from CDK context (`cdk.json` or `-c key=value`) and nowhere else:
 * campaign behaviour lives in campaign/settings.yaml. A wrong value stops synth with the key and
 * the reason.
 */
import { z } from 'zod';

/** `-c key=a,b` arrives as a string, cdk.json may hold a real list; both mean the same. */
const stringList = z.preprocess(
  (value) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item.length > 0)
      : value,
  z.array(z.string()),
);

const arn = (service: string) =>
  z.string().regex(new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]+:\\d{12}:.+$`), `expected an ARN of ${service}`);

/** API Gateway HTTP APIs: 10,000 requests a second and a burst of 5,000 per account and Region by default. */
export const HTTP_API_ACCOUNT_RATE = 10_000;
export const HTTP_API_ACCOUNT_BURST = 5_000;
/** What a new on-demand DynamoDB table takes at once without pre-warming (DynamoDB developer guide, "warm throughput"). */
export const ON_DEMAND_WARM_READS = 12_000;
export const ON_DEMAND_WARM_WRITES = 4_000;
/** Lambda keeps at least this many of the account's concurrent executions unreserved. */
export const MIN_UNRESERVED_CONCURRENCY = 100;
export const DEFAULT_ACCOUNT_CONCURRENCY = 1_000;

/** Concurrent executions left unreserved when `reserved` are reserved out of the account's quota. */
export function unreservedConcurrency(accountConcurrency: number | undefined, reserved: number): number {
  return (accountConcurrency ?? DEFAULT_ACCOUNT_CONCURRENCY) - reserved;
}

/** A whole number from `-c key=123` (a string) or cdk.json (a number), within [min, max]. */
function wholeNumber(min: number, max: number, maxReason: string) {
  return z.coerce
    .number()
    .int('expected a whole number')
    .min(min, `expected at least ${min.toLocaleString('en')}`)
    .max(max, `expected at most ${max.toLocaleString('en')}${maxReason ? ` (${maxReason})` : ''}`);
}

export const deploymentContextSchema = z
  .object({
    /** Names the stacks (`Sadakat-<stage>-Data`), so several stages can share an account. */
    stage: z
      .string()
      .regex(
        /^[a-z][a-z0-9-]{0,19}$/,
        'expected lower-case letters, digits and dashes, starting with a letter (at most 20)',
      )
      .default('dev'),
    account: z
      .string()
      .regex(/^\d{12}$/, 'expected a 12-digit AWS account id')
      .optional(),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region such as eu-central-1')
      .optional(),
    /** An SES identity that already exists, imported (the send pipeline's permission scope). */
    sesIdentityArn: arn('ses').optional(),
    /** The sending domain: the data stack creates its SES identity (Easy DKIM, custom MAIL FROM) and outputs the DNS records. */
    sesDomain: z
      .string()
      .regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/i, 'expected a domain name such as shop.example.com')
      .optional(),
    /** At most one iOS (APNS or APNS_SANDBOX) and one Android (GCM, i.e. FCM) application. */
    pushPlatformApplicationArns: stringList
      .pipe(
        z.array(
          arn('sns').regex(
            /:app\/(APNS|APNS_SANDBOX|GCM)\//,
            'expected an APNS, APNS_SANDBOX or GCM platform application',
          ),
        ),
      )
      .default([]),
    /**
     * Adds the `Sadakat-<stage>-EdgeFirewall` stack in us-east-1 (where CloudFront's WAF lives): a
     * WAFv2 web ACL with a per-IP rate-based rule. Opt-in: it costs $5 a month plus $1 per rule and
     * $0.60 per million requests (docs/decisions.md 111).
     */
    edgeFirewall: z
      .preprocess((value) => (value === 'true' ? true : value === 'false' ? false : value), z.boolean())
      .optional(),
    /** A CloudFront-scope web ACL (the EdgeFirewall stack's `WebAclArn`, or your own): puts CloudFront with it in front of the API. */
    edgeWebAclArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[\w-]+$/,
        'expected the ARN of a CloudFront (global, us-east-1) WAFv2 web ACL',
      )
      .optional(),
    /** Requests one IP may make to ingest in a minute before the edge firewall blocks it (default 300). */
    edgeRateLimitPerMinute: z.coerce
      .number()
      .int('expected a whole number')
      .min(10, 'expected at least 10 (the smallest WAF rate limit)')
      .max(2_000_000_000, 'expected at most 2,000,000,000')
      .optional(),
    /**
     * The Amazon Connect instance call tasks go to (the `call` channel); with
     * `connectContactFlowId`, the send function starts tasks there and call-feedback reads their
     * outcomes. Without both, a call step's send is `failed` (CallCenterNotConfigured).
     */
    connectInstanceArn: arn('connect')
      .regex(/:instance\/[0-9a-f-]{36}$/, 'expected an Amazon Connect instance ARN (…:instance/<id>)')
      .optional(),
    /** The contact flow tasks start in (its id, from the flow's ARN): it routes by the `sadakat_queue` attribute. */
    connectContactFlowId: z
      .string()
      .regex(/^[0-9a-f-]{36}$/, 'expected a contact flow id (the last part of its ARN)')
      .optional(),
    /**
     * The WhatsApp sender (issue 23): an AWS End User Messaging Social phone number id, linked to the
     * shop's WhatsApp Business Account (`aws socialmessaging list-linked-whatsapp-business-accounts`).
     * Without it the send function may not send WhatsApp, and every WhatsApp send is `failed`.
     */
    whatsappPhoneNumberId: z
      .string()
      .regex(
        /^phone-number-id-[0-9a-z]{32}$/,
        'expected an End User Messaging Social id such as phone-number-id-0123…(32 characters)',
      )
      .optional(),
    /**
     * The WhatsApp Business Account's event destination when it already exists (a WABA has one,
     * which the shop may use elsewhere): whatsapp-events is subscribed to this standard SNS topic
     * instead of one the stack creates (decision 203). Only with `whatsappPhoneNumberId`.
     */
    whatsappEventsTopicArn: arn('sns').optional(),
    /** Operators' address for alarm mail; without it the alarm topic has no subscriber. */
    alarmEmail: z.email('expected an email address').optional(),
    /**
     * Steady requests a second the ingest API's stage takes (default 200). Size it for the peak
     * hour's requests, not events: a batch carries many events (docs/scale.md).
     */
    ingestRateLimit: wholeNumber(1, HTTP_API_ACCOUNT_RATE, "API Gateway's default account limit per Region").optional(),
    /** Requests ingest takes at once above the steady rate (default: twice it, at least 400). */
    ingestBurstLimit: wholeNumber(
      1,
      HTTP_API_ACCOUNT_BURST,
      "API Gateway's default account burst per Region",
    ).optional(),
    /**
     * The table's warm throughput (`warmThroughput`): read and write units a second it takes at
     * once, raised ahead of a known peak (Black Friday). A new on-demand table already has 12,000
     * and 4,000; on-demand otherwise only doubles its previous peak every 30 minutes.
     */
    tableWarmReadUnits: wholeNumber(ON_DEMAND_WARM_READS, Number.MAX_SAFE_INTEGER, '').optional(),
    tableWarmWriteUnits: wholeNumber(ON_DEMAND_WARM_WRITES, Number.MAX_SAFE_INTEGER, '').optional(),
    /**
     * Concurrent executions reserved for ingest (opt-in): the FIFO consumers and the scheduled
     * passes can then never take the storefronts' capacity, and ingest can never take more.
     */
    ingestReservedConcurrency: wholeNumber(1, Number.MAX_SAFE_INTEGER, '').optional(),
    /**
     * Which of issue 20's table indexes the data stack has (default `all`): CloudFormation adds
     * one GSI to a table per stack update, so an existing deployment goes `none` → `audience` →
     * `all`, one deploy each, each after the previous index is ACTIVE (docs/deploy.md). A new
     * table takes `all` at once. Readers scan until their index is there and backfilled.
     */
    scaleIndexes: z.enum(['none', 'audience', 'all']).optional(),
    /**
     * Ignored since decision 220 (accepted so a deploy command that still passes it works): the
     * refresh always writes the console's snapshot, counted from indexes without a Scan. It was
     * the opt-in to a whole-table Scan in the refresh (decision 180).
     */
    consoleSnapshot: z
      .preprocess((value) => (value === 'true' ? true : value === 'false' ? false : value), z.boolean())
      .optional(),
    /** The account's Lambda concurrency quota in this Region (default 1,000): what reservations are checked against. */
    accountConcurrency: wholeNumber(MIN_UNRESERVED_CONCURRENCY, Number.MAX_SAFE_INTEGER, '').optional(),
  })
  .refine(
    (context) =>
      context.ingestReservedConcurrency === undefined ||
      unreservedConcurrency(context.accountConcurrency, context.ingestReservedConcurrency) >=
        MIN_UNRESERVED_CONCURRENCY,
    {
      path: ['ingestReservedConcurrency'],
      message: `would leave fewer than ${MIN_UNRESERVED_CONCURRENCY} of the account's concurrent executions (accountConcurrency, default ${DEFAULT_ACCOUNT_CONCURRENCY}) unreserved, which Lambda refuses; reserve less or raise the quota and set accountConcurrency`,
    },
  )
  .refine((context) => (context.connectInstanceArn === undefined) === (context.connectContactFlowId === undefined), {
    path: ['connectContactFlowId'],
    message: 'give connectInstanceArn and connectContactFlowId together: a task needs both the instance and its flow',
  })
  .refine((context) => context.whatsappEventsTopicArn === undefined || context.whatsappPhoneNumberId !== undefined, {
    path: ['whatsappEventsTopicArn'],
    message: 'give whatsappPhoneNumberId too: the stack reads WhatsApp events only where it sends WhatsApp',
  })
  .refine(
    (context) => context.whatsappEventsTopicArn === undefined || !context.whatsappEventsTopicArn.endsWith('.fifo'),
    {
      path: ['whatsappEventsTopicArn'],
      message: 'expected a standard topic: End User Messaging Social does not publish to FIFO topics',
    },
  )
  .refine((context) => context.sesDomain === undefined || context.sesIdentityArn === undefined, {
    path: ['sesIdentityArn'],
    message:
      'give sesDomain (the stack creates the SES identity) or sesIdentityArn (an identity that already exists, imported), not both: creating an identity that exists fails the deploy',
  });

export type DeploymentContext = z.infer<typeof deploymentContextSchema>;

export const CONTEXT_KEYS = Object.keys(deploymentContextSchema.shape) as (keyof DeploymentContext)[];

export class InvalidContextError extends Error {
  override readonly name = 'InvalidContextError';
}

/** `lookup` is `app.node.tryGetContext`; an empty string counts as not given. */
export function readDeploymentContext(lookup: (key: string) => unknown): DeploymentContext {
  const raw = Object.fromEntries(
    CONTEXT_KEYS.map((key) => [key, lookup(key)]).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = deploymentContextSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `context ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new InvalidContextError(problems.join('\n'));
}
