/**
 * What ships is what is tested: every function of the synthesized pipeline, bundled as CDK
 * bundles it, run from its bundle (not the TypeScript sources) in a process with the environment
 * the template gives it, against local services reached through the SDK's endpoint variables
 * (bundled-stack.ts). A small shop flow goes through them — ingest → process-events → send →
 * the local SES store, an SMS through the SNS shim, SES feedback, unsubscribe, the scheduled
 * functions, the nightly refresh and an erasure — and a bundle broken on purpose makes the run fail.
 *
 * The functions run on the real clock (or CI's fixed one), so the campaign is the example without
 * quiet hours: the welcome email goes out at any hour (docs/decisions.md, 40). One journey
 * (post-purchase-nps) gets a quiet-hours window built around the clock the run starts at, so its
 * send is deferred whatever the hour, and a second instance of release-deferred and send, started
 * on a clock past the window's end (libfaketime), releases and sends it "the next morning".
 */
import { randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendMessageId, type SendRequest } from '../../../shared/channels/send-request.js';
import { signConfirmToken } from '../../../shared/channels/confirm/confirm-token.js';
import { signUnsubscribeToken, verifyUnsubscribeToken } from '../../../shared/channels/unsubscribe-token.js';
import { createDocumentClient } from '../../../shared/aws/dynamo-client.js';
import { DynamoProfileStore } from '../../../shared/aws/dynamo-profile-store.js';
import { DynamoIdentityMap } from '../../../shared/aws/dynamo-identity-map.js';
import { DynamoSuppressionList } from '../../../shared/aws/dynamo-suppression.js';
import { identityDirectory } from '../../../shared/channels/whatsapp/directory.js';
import { SqsSendQueue } from '../../../shared/aws/sqs-send-queue.js';
import { Pepper } from '../../../shared/privacy/pepper.js';
import { apiGatewayEvent } from '../../../shared/local/api-gateway-event.js';
import {
  anyHourCampaign,
  defaultTimezoneOf,
  type FixtureCampaign,
  setJourneyQuietHours,
} from '../../any-hour-campaign.js';
import {
  ACCOUNT_ID,
  BundledStack,
  buildBundles,
  declaredFunctions,
  DrainError,
  type FunctionBundles,
  REGION,
} from './bundled-stack.js';
import { BUNDLED_WHATSAPP_TOPIC_ARN, synthesizeStacks, type SynthesizedStacks } from './cfn-template.js';
import { FunctionInitError } from './function-sandbox.js';

interface RefreshRun {
  runId: string;
  asOf: string;
  at: string;
  timezone: string;
}
interface Slice {
  segment: number;
  totalSegments: number;
}

const WRITE_KEY = `wk_${randomBytes(18).toString('base64url')}`;
const KEYRING = { current: 'k1', keys: { k1: randomBytes(32).toString('base64url') } };
/** What the data stack's secrets hold, by the variable that names each secret. */
const SECRETS = {
  WRITE_KEYS_SECRET_ARN: JSON.stringify([{ id: 'shop-backend', key: WRITE_KEY, scope: 'server' }]),
  IDENTITY_SECRET_ARN: randomBytes(32).toString('hex'),
  UNSUBSCRIBE_KEYS_SECRET_ARN: JSON.stringify(KEYRING),
  PEPPER_SECRET_ARN: randomBytes(32).toString('hex'),
};
const CUSTOMER = { id: 'bundle-ada', email: 'ada.bundle@example.com', phone: '+905551112233', first: 'Ada' };
/** The customer of the quiet-hours case: her own caps and consent, untouched by Ada's run. */
const NIGHT_CUSTOMER = { id: 'bundle-grace', email: 'grace.bundle@example.com', first: 'Grace' };
const HOUR_MS = 3_600_000;
/** post-purchase-nps is quiet from an hour before the run's clock to six hours after it. */
const QUIET_BEFORE_MS = HOUR_MS;
const QUIET_AFTER_MS = 6 * HOUR_MS;
/** Bundling all functions and starting a stack is minutes on a busy 2-core machine. */
const SETUP_TIMEOUT_MS = 600_000;

let campaign: FixtureCampaign;
/** The clock the quiet-hours window is built around (CI's fixed one, or the real one). */
let startedAt: Date;
let stacks: SynthesizedStacks;
let bundlesDir: string;
let bundles: FunctionBundles;

beforeAll(async () => {
  campaign = await anyHourCampaign();
  startedAt = new Date();
  const timezone = await defaultTimezoneOf(campaign.dir);
  await setJourneyQuietHours(campaign.dir, 'post-purchase-nps.yaml', {
    start: clockTimeIn(timezone, new Date(startedAt.getTime() - QUIET_BEFORE_MS)),
    end: clockTimeIn(timezone, new Date(startedAt.getTime() + QUIET_AFTER_MS)),
  });
  stacks = await synthesizeStacks(campaign.dir);
  bundlesDir = await mkdtemp(join(tmpdir(), 'sadakat-bundles-'));
  bundles = await buildBundles(stacks, campaign.dir, bundlesDir);
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await rm(bundlesDir, { recursive: true, force: true });
  await campaign?.remove();
});

/** HH:MM of `at` in `timezone`, as the campaign files write a clock time. */
function clockTimeIn(timezone: string, at: Date): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
}

function http(method: string, path: string, body: string, headers: Record<string, string> = {}) {
  return apiGatewayEvent({ method, path, headers, body, at: new Date() });
}

const basicAuth = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;

/** The shop's first visit: an identify with consent and a first order, posted to ingest. */
function firstOrder() {
  const now = new Date().toISOString();
  return http(
    'POST',
    '/v1/batch',
    JSON.stringify({
      batch: [
        {
          type: 'identify',
          userId: CUSTOMER.id,
          timestamp: now,
          traits: {
            email: CUSTOMER.email,
            phone: CUSTOMER.phone,
            firstName: CUSTOMER.first,
            consent: { email: true, sms: true, timestamp: now },
          },
        },
        {
          type: 'track',
          userId: CUSTOMER.id,
          event: 'Order Completed',
          timestamp: now,
          properties: { order_id: 'bundle-o1', revenue: 120, currency: 'TRY' },
        },
      ],
    }),
    { authorization: basicAuth, 'content-type': 'application/json' },
  );
}

/** A journey step's send request on sends.fifo, as process-events enqueues it. */
async function enqueueJourneySend(
  stack: BundledStack,
  step: Pick<SendRequest, 'customerId' | 'journeyId' | 'runId' | 'stepId' | 'channel' | 'template'>,
): Promise<void> {
  const request: SendRequest = {
    ...step,
    messageId: sendMessageId(step.journeyId, step.runId, step.stepId, 0),
    visit: 0,
    holdout: false,
    fallback: [],
    vars: {},
    transactional: false,
    requestedAt: new Date().toISOString(),
  };
  const sqs = new SQSClient({
    endpoint: stack.sqs.endpoint,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await new SqsSendQueue(sqs, `${stack.sqs.endpoint}/${ACCOUNT_ID}/${stack.queueFeeding('send').name}`).enqueue([
      request,
    ]);
  } finally {
    sqs.destroy();
  }
}

/** ingest → process-events → send, as the event source mappings would run it. */
async function playFirstOrder(stack: BundledStack) {
  const ingested = (await stack.invoke('ingest', firstOrder())) as APIGatewayProxyStructuredResultV2;
  const processed = await stack.drain('process-events');
  const sent = await stack.drain('send');
  return { ingested, processed, sent };
}

describe('the bundled functions', () => {
  let stack: BundledStack;

  beforeAll(async () => {
    stack = await BundledStack.start({ stacks, bundles, secrets: SECRETS });
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await stack?.stop();
  });

  it('start every function the template declares from its own bundle', () => {
    // Assess
    const declared = declaredFunctions(stacks).map((fn) => fn.name);
    expect([...stack.sandboxes.keys()].sort()).toEqual([...declared].sort());
    expect(declared).toEqual(
      expect.arrayContaining(['ingest', 'process-events', 'send', 'unsubscribe', 'ses-feedback']),
    );
    // The functions that read the campaign got the compiled campaign CDK puts beside the bundle.
    const send = stack.functions.find((fn) => fn.name === 'send');
    expect(send?.environment.CAMPAIGN_JSON).toBe('/var/task/campaign.json');
  });

  it('take a first order from ingest to a welcome email in the local SES store', async () => {
    // Act
    const { ingested, processed, sent } = await playFirstOrder(stack);

    // Assess
    expect(ingested.statusCode).toBe(200);
    expect(JSON.parse(String(ingested.body))).toEqual({ accepted: 2, rejected: [] });
    // The request's identify and order reach process-events as one queue message (decision 287).
    expect(processed.delivered).toBe(1);
    expect(sent.delivered).toBe(1);
    const emails = await stack.ses.emails();
    expect(emails.map((email) => [email.destination.to, email.subject])).toEqual([
      [[CUSTOMER.email], `Welcome to Sadakat Demo Shop, ${CUSTOMER.first}`],
    ]);
    // One-click unsubscribe (RFC 8058) as headers SES adds, with a link signed for this customer.
    const headers = new Map((emails[0]?.headers ?? []).map(({ name, value }) => [name, value]));
    expect(headers.get('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const linked = /\/u\/([^>]+)>/.exec(headers.get('List-Unsubscribe') ?? '')?.[1] ?? '';
    expect(verifyUnsubscribeToken(KEYRING, linked)).toEqual({ valid: true, customerId: CUSTOMER.id, channel: 'email' });
    const profiles = new DynamoProfileStore(createDocumentClient({ endpoint: stack.engine.endpoint }), stack.tableName);
    expect((await profiles.getProfile(CUSTOMER.id))?.orders).toMatchObject({ count: 1, revenue: 120 });
    // Through the shims, with the calls the adapters make.
    expect(stack.sqs.calls).toEqual(expect.arrayContaining(['SendMessageBatch']));
    expect(stack.secretsManager.calls).toContain('GetSecretValue');
    expect(stack.secretsManager.calls.filter((call) => call !== 'GetSecretValue')).toEqual([]);
    // The archive through Firehose: the two events and the decision, pseudonymous.
    const archived = (variable: string, fn = 'process-events') => {
      const stream = stack.functions.find((candidate) => candidate.name === fn)?.environment[variable] ?? '';
      return (stack.firehose.records.get(stream) ?? []).flatMap((record) =>
        record
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      );
    };
    const events = archived('ARCHIVE_EVENTS_STREAM');
    expect(events.map((row) => row.type).sort()).toEqual(['identify', 'track']);
    expect(events.every((row) => typeof row.customer === 'string' && row.customer !== CUSTOMER.id)).toBe(true);
    expect(archived('ARCHIVE_DECISIONS_STREAM', 'send')).toEqual([
      expect.objectContaining({ journey_id: 'welcome-series', reason: 'sent' }),
    ]);
    const rows = JSON.stringify([...stack.firehose.records.values()]);
    expect(rows).not.toContain(CUSTOMER.email);
    expect(rows).not.toContain(CUSTOMER.id);
  });

  it('send an SMS through the SNS endpoint when a journey asks for one', async () => {
    // Prepare: the abandoned-cart journey's SMS step, as process-events would enqueue it.
    await enqueueJourneySend(stack, {
      customerId: CUSTOMER.id,
      journeyId: 'abandoned-cart',
      runId: 'bundle-run-sms',
      stepId: 'cart-sms',
      channel: 'sms',
      template: 'cart-reminder-sms',
    });

    // Act
    await stack.drain('send');

    // Assess
    expect(stack.sns.outbox).toEqual([
      expect.objectContaining({
        kind: 'sms',
        to: CUSTOMER.phone,
        body: `${CUSTOMER.first}, your cart is still waiting at Sadakat Demo Shop. Reply STOP to opt out.`,
      }),
    ]);
  });

  it('unsubscribe from the link in the email, and the profile loses email consent', async () => {
    // Prepare
    // The link the email's List-Unsubscribe header carries (the first test reads it there; tests
    // do not rely on order): signed here with the keyring the secret holds, as send signs it.
    const token = signUnsubscribeToken(KEYRING, CUSTOMER.id, 'email');
    const event = { ...http('POST', `/u/${token}`, 'List-Unsubscribe=One-Click'), pathParameters: { token } };

    // Act
    const answer = (await stack.invoke('unsubscribe', event)) as APIGatewayProxyStructuredResultV2;
    await stack.drain('process-events');

    // Assess
    expect(answer.statusCode).toBe(200);
    const profiles = new DynamoProfileStore(createDocumentClient({ endpoint: stack.engine.endpoint }), stack.tableName);
    expect((await profiles.getProfile(CUSTOMER.id))?.consent.email).toMatchObject({ granted: false });
  });

  it('take a STOP the customer sends on WhatsApp through whatsapp-events: the window opens, WhatsApp consent is revoked, the number suppressed', async () => {
    // Prepare: the directory link a WhatsApp send to her number leaves (send has no End User
    // Messaging Social endpoint here), then the event End User Messaging Social publishes.
    const doc = createDocumentClient({ endpoint: stack.engine.endpoint });
    const pepper = Pepper.parse(SECRETS.PEPPER_SECRET_ARN, 'PEPPER_SECRET_ARN');
    await identityDirectory(new DynamoIdentityMap(doc, stack.tableName), pepper).remember(CUSTOMER.phone, CUSTOMER.id);
    const sentAt = Math.floor(Date.now() / 1000);
    const entry = {
      id: '1234567890abcde',
      changes: [
        {
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '905550000000', phone_number_id: 'abcde1234567890' },
            contacts: [{ profile: { name: CUSTOMER.first }, wa_id: CUSTOMER.phone.slice(1) }],
            messages: [
              {
                from: CUSTOMER.phone.slice(1),
                id: 'wamid.bundle-stop-1',
                timestamp: String(sentAt),
                type: 'text',
                text: { body: 'STOP' },
              },
            ],
          },
        },
      ],
    };
    const snsEvent = {
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: `arn:aws:sns:${REGION}:${ACCOUNT_ID}:whatsapp:sub`,
          Sns: {
            Type: 'Notification',
            MessageId: 'sns-bundle-wa-1',
            TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT_ID}:whatsapp`,
            Subject: null,
            Message: JSON.stringify({
              context: { MetaWabaIds: [], MetaPhoneNumberIds: [] },
              whatsAppWebhookEntry: JSON.stringify(entry),
              aws_account_id: ACCOUNT_ID,
              message_timestamp: new Date(sentAt * 1000).toISOString(),
            }),
            Timestamp: new Date().toISOString(),
            SignatureVersion: '1',
            Signature: '',
            SigningCertUrl: '',
            UnsubscribeUrl: '',
            MessageAttributes: {},
          },
        },
      ],
    };

    // The template subscribes whatsapp-events to the account's existing topic and creates none (decision 203).
    const resources = Object.values(stacks.templates[stacks.pipelineStack]?.Resources ?? {});
    expect(
      resources.filter(
        (resource) =>
          resource.Type === 'AWS::SNS::Subscription' && resource.Properties?.TopicArn === BUNDLED_WHATSAPP_TOPIC_ARN,
      ),
    ).toHaveLength(1);
    expect(resources.filter((resource) => resource.Type === 'AWS::SNS::Topic')).toHaveLength(2);

    // Act
    await stack.invoke('whatsapp-events', snsEvent);
    const processed = await stack.drain('process-events');

    // Assess
    expect(processed.delivered).toBe(1);
    const profile = await new DynamoProfileStore(doc, stack.tableName).getProfile(CUSTOMER.id);
    expect(profile?.whatsapp?.lastInboundAt).toBe(new Date(sentAt * 1000).toISOString());
    expect(profile?.consent.whatsapp).toMatchObject({ granted: false });
    // The number itself is suppressed for WhatsApp (decision 202), not for SMS.
    const suppression = new DynamoSuppressionList(doc, stack.tableName, pepper);
    expect(await suppression.isSuppressed(`whatsapp:${CUSTOMER.phone}`)).toBe(true);
    expect(await suppression.isSuppressed(CUSTOMER.phone)).toBe(false);
  });

  it('answer a confirmation link that was not signed with the keyring with 403, on GET and POST', async () => {
    // Prepare: the right shape, a signature from another key.
    const forged = signConfirmToken(
      { current: 'k1', keys: { k1: randomBytes(32).toString('base64url') } },
      CUSTOMER.id,
      'a'.repeat(64),
      new Date(),
    );

    // Act
    const answers = await Promise.all(
      (['GET', 'POST'] as const).map(
        async (method) =>
          (await stack.invoke('confirm', {
            ...http(method, `/c/${forged}`, ''),
            pathParameters: { token: forged },
          })) as APIGatewayProxyStructuredResultV2,
      ),
    );

    // Assess
    expect(answers.map((answer) => answer.statusCode)).toEqual([403, 403]);
  });

  it('suppress an address SES reports as a permanent bounce', async () => {
    // Prepare: SES → SNS → ses-feedback, as the configuration set publishes it.
    const bounced = 'gone.bundle@example.com';
    const sesEvent = {
      eventType: 'Bounce',
      mail: { messageId: 'ses-bundle-1', timestamp: new Date().toISOString(), destination: [bounced] },
      bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: bounced }] },
    };
    const snsEvent = {
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: `arn:aws:sns:${REGION}:${ACCOUNT_ID}:feedback:sub`,
          Sns: {
            Type: 'Notification',
            MessageId: 'sns-bundle-1',
            TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT_ID}:feedback`,
            Subject: null,
            Message: JSON.stringify(sesEvent),
            Timestamp: new Date().toISOString(),
            SignatureVersion: '1',
            Signature: '',
            SigningCertUrl: '',
            UnsubscribeUrl: '',
            MessageAttributes: {},
          },
        },
      ],
    };

    // Act
    await stack.invoke('ses-feedback', snsEvent);

    // Assess
    const suppression = new DynamoSuppressionList(
      createDocumentClient({ endpoint: stack.engine.endpoint }),
      stack.tableName,
      Pepper.parse(SECRETS.PEPPER_SECRET_ARN, 'PEPPER_SECRET_ARN'),
    );
    expect(await suppression.isSuppressed(bounced)).toBe(true);
  });

  it('run every scheduled function with the input its schedule sends', async () => {
    // Act
    const results = new Map<string, unknown>();
    for (const schedule of stack.schedules) {
      results.set(schedule.functionName, await stack.invoke(schedule.functionName, schedule.input));
    }

    // journey-schedule runs inside a state machine (infra/constructs/scheduled-fan-out.ts): the
    // schedule starts it, the plan claims the slot and lists the shards, a Map runs each shard.
    const plan = (await stack.invoke('journey-schedule-plan', { scheduledTime: '2026-12-07T10:00:00.000Z' })) as {
      run: boolean;
      shards?: unknown[];
    };
    expect(plan.run).toBe(true);
    for (const shard of plan.shards ?? []) await stack.invoke('journey-schedule', shard);

    // Assess: every run finished its pass (none stopped early, none threw).
    expect([...results.keys()]).toEqual(expect.arrayContaining(['journey-tick', 'segment-expiry', 'send-reconciler']));
    expect(results.get('journey-tick')).toMatchObject({ complete: true });
    expect(results.get('segment-expiry')).toMatchObject({ complete: true });
    expect(results.get('send-reconciler')).toEqual({ markedUnknown: 0 });
  });

  it('run the nightly refresh as its state machine does, and the customer gets RFM scores', async () => {
    // Act: plan → Map summarize → fit → Map score (infra/constructs/nightly-refresh.ts), artifacts in S3.
    const plan = (await stack.invoke('refresh-plan', {})) as RefreshRun & { slices: (RefreshRun & Slice)[] };
    const summaries: unknown[] = [];
    for (const slice of plan.slices) summaries.push(await stack.invoke('refresh-summarize', slice));
    const { runId, asOf, at, timezone } = plan;
    const fit = (await stack.invoke('refresh-fit', { runId, asOf, at, timezone, summaries })) as {
      modelKey: string;
    };
    let scored = 0;
    for (const slice of plan.slices) {
      scored += ((await stack.invoke('refresh-score', { ...slice, modelKey: fit.modelKey })) as { scored: number })
        .scored;
    }
    await stack.drain('process-events');

    // Assess
    expect(scored).toBe(1);
    expect(stack.s3.calls).toEqual(expect.arrayContaining(['PutObject', 'GetObject']));
    expect(stack.s3.calls.filter((call) => call.startsWith('error:'))).toEqual([]);
    const profiles = new DynamoProfileStore(createDocumentClient({ endpoint: stack.engine.endpoint }), stack.tableName);
    expect((await profiles.getProfile(CUSTOMER.id))?.rfm).toBeDefined();
  });

  it('erase the customer through admin-forget', async () => {
    // Prepare: a function URL request signed by the operator role.
    const base = http('POST', '/', JSON.stringify({ customerId: CUSTOMER.id }), { 'content-type': 'application/json' });
    const event = {
      ...base,
      routeKey: '$default',
      requestContext: {
        ...base.requestContext,
        routeKey: '$default',
        authorizer: { iam: { userArn: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/operator/e2e` } },
      },
    };

    // Act
    const answer = (await stack.invoke('admin-forget', event)) as APIGatewayProxyStructuredResultV2;

    // Assess
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(String(answer.body))).toMatchObject({ found: true });
    const profiles = new DynamoProfileStore(createDocumentClient({ endpoint: stack.engine.endpoint }), stack.tableName);
    expect(await profiles.getProfile(CUSTOMER.id)).toBeUndefined();
  });

  it(
    'defer a send that falls in quiet hours, then release and send it the next morning',
    async () => {
      // Prepare: a second customer, identified with email consent by the shop's back end.
      const now = new Date().toISOString();
      const identify = http(
        'POST',
        '/v1/batch',
        JSON.stringify({
          batch: [
            {
              type: 'identify',
              userId: NIGHT_CUSTOMER.id,
              timestamp: now,
              traits: {
                email: NIGHT_CUSTOMER.email,
                firstName: NIGHT_CUSTOMER.first,
                consent: { email: true, timestamp: now },
              },
            },
          ],
        }),
        { authorization: basicAuth, 'content-type': 'application/json' },
      );
      expect(((await stack.invoke('ingest', identify)) as APIGatewayProxyStructuredResultV2).statusCode).toBe(200);
      await stack.drain('process-events');
      // The survey step of post-purchase-nps, whose quiet hours hold now.
      await enqueueJourneySend(stack, {
        customerId: NIGHT_CUSTOMER.id,
        journeyId: 'post-purchase-nps',
        runId: 'bundle-run-nps',
        stepId: 'survey',
        channel: 'email',
        template: 'nps-survey',
      });
      const toNightCustomer = async () =>
        (await stack.ses.emails()).filter((email) => email.destination.to.includes(NIGHT_CUSTOMER.email));

      // Act: tonight, the send is deferred and nothing is due yet.
      await stack.drain('send');
      const tonight = await stack.invoke('release-deferred', { scheduledTime: new Date().toISOString() });
      const sentTonight = await toNightCustomer();
      // Act: the next morning, half an hour after the window closed, on a clock of its own.
      const morningAt = new Date(startedAt.getTime() + QUIET_AFTER_MS + HOUR_MS / 2);
      const morning = await stack.startFunctionsAt(morningAt, ['release-deferred', 'send']);
      const released = await morning.invoke('release-deferred', { scheduledTime: morningAt.toISOString() });
      await morning.drain('send');

      // Assess
      expect(sentTonight).toEqual([]);
      expect(tonight).toEqual({ released: 0 });
      expect(released).toEqual({ released: 1 });
      expect((await toNightCustomer()).map((email) => email.subject)).toEqual(['How likely are you to recommend us?']);
      expect(Object.values(morning.logs()).join('\n')).not.toContain(NIGHT_CUSTOMER.email);
    },
    SETUP_TIMEOUT_MS,
  );

  it('leave no function of the template uninvoked', () => {
    // Assess: a function added to the stack gets a step in this run (scheduled ones get theirs above).
    const idle = [...stack.sandboxes.values()]
      .filter((sandbox) => sandbox.invocations === 0)
      .map((sandbox) => sandbox.name);
    expect(idle).toEqual([]);
  });

  it('log each invocation of every function with its Lambda context (injectLambdaContext in every bundle)', () => {
    // Assess: the sandbox gives invocation n of a function the request id `<function>-<n>`.
    const unlogged = [...stack.sandboxes.values()].flatMap((sandbox) => {
      const logged = new Set(
        sandbox
          .logs()
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => (JSON.parse(line) as { function_request_id?: string }).function_request_id),
      );
      return Array.from({ length: sandbox.invocations }, (_, n) => `${sandbox.name}-${n}`).filter(
        (requestId) => !logged.has(requestId),
      );
    });
    expect(unlogged).toEqual([]);
  });

  it('log neither the address nor the phone number of the customer, even at DEBUG with event logging asked for', () => {
    // Assess
    const logs = Object.values(stack.logs()).join('\n');
    expect(logs).not.toContain(CUSTOMER.email);
    expect(logs).not.toContain(CUSTOMER.phone);
  });
});

describe('a bundle broken on purpose', () => {
  /** The functions of the first-order run. */
  const only = ['ingest', 'process-events', 'send'];

  it(
    'fails the run when a bundle has an import that is not there',
    async () => {
      // Act
      const starting = BundledStack.start({
        stacks,
        bundles,
        secrets: SECRETS,
        only,
        sabotage: async (name, taskRoot) => {
          if (name !== 'process-events') return;
          const file = join(taskRoot, 'index.mjs');
          const bundle = await readFile(file, 'utf8');
          await rm(file);
          await appendFile(file, `import './chunk-left-behind.mjs';\n${bundle}`);
        },
      });

      // Assess
      await expect(starting).rejects.toThrow(/process-events: the bundle did not load .*chunk-left-behind\.mjs/);
      await expect(starting).rejects.toSatisfy(
        (error: AggregateError) => error.errors.length === 1 && error.errors[0] instanceof FunctionInitError,
      );
    },
    SETUP_TIMEOUT_MS,
  );

  it(
    'fails the run when a file the bundle needs at cold start is missing',
    async () => {
      // Prepare: process-events without the compiled campaign beside it.
      const stack = await BundledStack.start({
        stacks,
        bundles,
        secrets: SECRETS,
        only,
        sabotage: async (name, taskRoot) => {
          if (name === 'process-events') await rm(join(taskRoot, 'campaign.json'));
        },
      });

      try {
        // Act
        const run = playFirstOrder(stack);

        // Assess
        await expect(run).rejects.toThrow(DrainError);
        await expect(run).rejects.toThrow(/^process-events: \d+ invocations threw.*cannot read the compiled campaign/s);
      } finally {
        await stack.stop();
      }
    },
    SETUP_TIMEOUT_MS,
  );
});
