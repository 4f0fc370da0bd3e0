/**
 * The stateless stack: queues with their dead-letter queues, functions, the ingest and
 * unsubscribe API, the refresh state machine, the schedules, alarms. It can be destroyed and redeployed at will; everything it
 * must not lose is in the DataStack and arrives as props.
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { campaignHash } from '../shared/config/campaign-hash.js';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { AdminForgetApi } from './constructs/admin-forget-api.js';
import { DoctorAccess } from './constructs/doctor-access.js';
import { EventArchive } from './constructs/event-archive.js';
import { EventPipeline } from './constructs/event-pipeline.js';
import { grantIndexQuery } from './constructs/index-grant.js';
import { grantTableAccess, TABLE_ACCESS } from './constructs/table-access.js';
import { IngestApi } from './constructs/ingest-api.js';
import { NightlyRefresh } from './constructs/nightly-refresh.js';
import { OperatorAlerts } from './constructs/operator-alerts.js';
import { JourneyScheduleFanOut } from './constructs/scheduled-fan-out.js';
import { ScheduledFunction } from './constructs/scheduled-function.js';
import { SendPipeline } from './constructs/send-pipeline.js';
import { CallCenter, dropCallTasks } from './constructs/call-center.js';
import { WhatsAppEvents } from './constructs/whatsapp-events.js';
import { CALL_DROP_PREFIX } from '../shared/aws/s3-call-drop.js';
import { KMS_ENCRYPT_DECRYPT } from './constructs/wildcard-acknowledgements.js';
import { DUE_INDEX, EXPIRY_INDEX } from '../shared/aws/table.js';
import { RELEASE_TIMEOUT_SECONDS } from '../shared/channels/release-deferred.js';
import type { DataReferences } from './data-stack.js';
import {
  DEFAULT_ACCOUNT_CONCURRENCY,
  MIN_UNRESERVED_CONCURRENCY,
  unreservedConcurrency,
} from './deployment-context.js';

/** One-click unsubscribes arrive in bursts when a mailbox provider processes a campaign. */
export const UNSUBSCRIBE_THROTTLE = { rateLimit: 50, burstLimit: 500 } as const;

export interface PipelineStackProps extends StackProps {
  data: DataReferences;
  /** The validated campaign folder, bundled with the functions that read it. */
  campaignDir: string;
  /** The campaign's default timezone (settings.yaml): schedules run in it. */
  timeZone: string;
  /** The scheduled journeys' audience segments: the refresh counts their members for the console (decision 220). */
  audiences: readonly string[];
  alarmEmail?: string;
  sesIdentityArn?: string;
  pushPlatformApplicationArns?: readonly string[];
  /** The End User Messaging Social phone number WhatsApp is sent from (context `whatsappPhoneNumberId`). */
  whatsappPhoneNumberId?: string;
  /** An existing event destination of the WhatsApp Business Account to read instead of a new topic (context `whatsappEventsTopicArn`). */
  whatsappEventsTopicArn?: string;
  /** The campaign's sender name, shown on the unsubscribe page. */
  senderName?: string;
  /** The Amazon Connect instance and contact flow call tasks go to (context `connectInstanceArn`, `connectContactFlowId`). */
  connect?: { instanceArn: string; contactFlowId: string };
  /** A CloudFront-scope WAFv2 web ACL: CloudFront with it in front of the API (decision 111). */
  edgeWebAclArn?: string;
  /** The ingest stage's throttle (context `ingestRateLimit`, `ingestBurstLimit`); docs/scale.md sizes it. */
  ingestRateLimit?: number;
  ingestBurstLimit?: number;
  /** Concurrent executions reserved for ingest (context `ingestReservedConcurrency`; opt-in). */
  ingestReservedConcurrency?: number;
  /** The account's Lambda concurrency quota (context `accountConcurrency`, default 1,000): reservations are checked against it. */
  accountConcurrency?: number;
}

export class PipelineStack extends Stack {
  readonly alerts: OperatorAlerts;
  readonly events: EventPipeline;
  readonly ingest: IngestApi;
  readonly refresh: NightlyRefresh;
  readonly sends: SendPipeline;
  /** With Connect context: call tasks and their outcomes. */
  readonly callCenter?: CallCenter;
  /** The WhatsApp Business Account's event destination and whatsapp-events (with `whatsappPhoneNumberId` only). */
  readonly whatsappEvents?: WhatsAppEvents;
  readonly expiry: ScheduledFunction;
  readonly journeyTick: ScheduledFunction;
  readonly sendReconciler: ScheduledFunction;
  readonly journeySchedule: JourneyScheduleFanOut;
  readonly releaseDeferred: ScheduledFunction;
  readonly adminForget: AdminForgetApi;
  readonly archive: EventArchive;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { campaignDir } = props;
    // Imported from the data stack's named exports. The table is imported without its indexes on
    // purpose: grants then cover the table only, and a function that queries an index gets a
    // grant naming that index.
    const key = Key.fromKeyArn(this, 'DataKey', props.data.keyArn);
    const table = Table.fromTableAttributes(this, 'Table', { tableArn: props.data.tableArn, encryptionKey: key });
    const artifacts = Bucket.fromBucketAttributes(this, 'Artifacts', {
      bucketArn: props.data.artifactsArn,
      encryptionKey: key,
    });
    const writeKeys = Secret.fromSecretCompleteArn(this, 'WriteKeys', props.data.writeKeysArn);
    const identitySecret = Secret.fromSecretCompleteArn(this, 'IdentitySecret', props.data.identitySecretArn);

    this.alerts = new OperatorAlerts(this, 'Alerts', props.alarmEmail === undefined ? {} : { email: props.alarmEmail });
    const alerts = this.alerts;

    this.events = new EventPipeline(this, 'Events', { table, key, alerts, campaignDir });
    const eventsQueue = this.events.queue;

    this.ingest = new IngestApi(this, 'Ingest', {
      table,
      eventsQueue,
      writeKeys,
      identitySecret,
      alerts,
      campaignDir,
      ...(props.edgeWebAclArn === undefined ? {} : { edgeWebAclArn: props.edgeWebAclArn }),
      ...(props.ingestRateLimit === undefined ? {} : { rateLimit: props.ingestRateLimit }),
      ...(props.ingestBurstLimit === undefined ? {} : { burstLimit: props.ingestBurstLimit }),
      ...(props.ingestReservedConcurrency === undefined
        ? {}
        : { reservedConcurrency: props.ingestReservedConcurrency }),
    });
    // Every reservation in the stack, summed at synth: Lambda refuses one that leaves fewer than
    // 100 of the account's executions unreserved, and the deploy would fail halfway.
    this.node.addValidation({
      validate: () => reservedConcurrencyProblems(this, props.accountConcurrency),
    });
    this.sends = new SendPipeline(this, 'Sends', {
      table,
      key,
      alerts,
      campaignDir,
      eventsQueue,
      api: this.ingest.api,
      publicUrl: this.ingest.publicUrl,
      unsubscribeKeys: Secret.fromSecretCompleteArn(this, 'UnsubscribeKeys', props.data.unsubscribeKeysArn),
      pushPlatformApplicationArns: props.pushPlatformApplicationArns ?? [],
      ...(props.whatsappPhoneNumberId === undefined ? {} : { whatsappPhoneNumberId: props.whatsappPhoneNumberId }),
      ...(props.sesIdentityArn === undefined ? {} : { sesIdentityArn: props.sesIdentityArn }),
      ...(props.senderName === undefined ? {} : { senderName: props.senderName }),
    });
    if (props.connect !== undefined)
      this.callCenter = new CallCenter(this, 'CallCenter', {
        ...props.connect,
        sender: this.sends.sender,
        eventsQueue,
        key,
        alerts,
      });
    else dropCallTasks(this.sends.sender, artifacts.bucketName, artifacts.arnForObjects(`${CALL_DROP_PREFIX}*`));
    // Inbound WhatsApp and the statuses of what send sent: only where WhatsApp is sent at all.
    if (props.whatsappPhoneNumberId !== undefined)
      this.whatsappEvents = new WhatsAppEvents(this, 'WhatsAppEvents', {
        table,
        key,
        alerts,
        eventsQueue,
        ...(props.whatsappEventsTopicArn === undefined ? {} : { existingTopicArn: props.whatsappEventsTopicArn }),
      });
    // Unsubscribe links: their own throttle, so neither they nor the storefronts starve the other.
    this.ingest.throttleRoutes(['GET /u/{token}', 'POST /u/{token}'], UNSUBSCRIBE_THROTTLE);
    // Confirmation links: a throttle of their own too (a burst of scanners cannot starve unsubscribes).
    this.ingest.throttleRoutes(['GET /c/{token}', 'POST /c/{token}'], UNSUBSCRIBE_THROTTLE);
    // process-events decides sends; it enqueues them into sends.fifo.
    this.sends.queue.grantSendMessages(this.events.processor.function);
    this.events.processor.function.addEnvironment('SENDS_QUEUE_URL', this.sends.queue.queueUrl);

    this.refresh = new NightlyRefresh(this, 'Refresh', {
      table,
      artifacts,
      eventsQueue,
      alerts,
      timeZone: props.timeZone,
      audiences: props.audiences,
      campaignDir,
    });

    // Scheduled tasks find due work through an index and hand it to the customer's FIFO group
    // (or settle it), so process-events stays the one writer of customer state.
    const tableAndQueue = { TABLE_NAME: table.tableName, EVENTS_QUEUE_URL: eventsQueue.queueUrl };
    this.expiry = new ScheduledFunction(this, 'Expiry', {
      name: 'segment-expiry',
      description: 'sadakat segment-expiry: recheck profiles whose time-window memberships lapsed',
      every: Duration.minutes(5),
      environment: tableAndQueue,
      alerts,
      table,
    });
    grantIndexQuery(this.expiry.function, table, EXPIRY_INDEX);
    eventsQueue.grantSendMessages(this.expiry.function);
    this.expiry.acknowledgeWildcards(KMS_ENCRYPT_DECRYPT);

    this.journeyTick = new ScheduledFunction(this, 'JourneyTick', {
      name: 'journey-tick',
      description: 'sadakat journey-tick: wake journey runs whose wait is over',
      every: Duration.minutes(1),
      environment: tableAndQueue,
      alerts,
      table,
    });
    grantTableAccess(this.journeyTick.function, table, TABLE_ACCESS.journeyTick);
    grantIndexQuery(this.journeyTick.function, table, DUE_INDEX);
    eventsQueue.grantSendMessages(this.journeyTick.function);
    // Lag: how long the oldest wake a pass found had been due (`lagSeconds` of its `pass done`
    // line). Wakes spread over minutes (decision 177) keep it near a minute; beyond five minutes
    // in two periods running, the tick cannot keep up with what falls due.
    const tickLag = new MetricFilter(this.journeyTick.task, 'LagMetric', {
      logGroup: this.journeyTick.task.logGroup,
      filterPattern: FilterPattern.numberValue('$.lagSeconds', '>=', 0),
      metricNamespace: `sadakat/${this.stackName}`,
      metricName: JOURNEY_TICK_LAG_METRIC,
      metricValue: '$.lagSeconds',
    });
    this.alerts.alarm(
      this.journeyTick.task,
      'Lag',
      tickLag.metric({ period: Duration.minutes(5), statistic: 'Maximum' }),
      {
        description:
          'journey-tick found wakes more than 5 minutes overdue in two 5-minute periods running: runs wait longer than their journey says. Look at the tick function duration and the events queue (docs/deploy.md).',
        threshold: JOURNEY_TICK_LAG_ALARM_SECONDS,
        evaluationPeriods: 2,
      },
    );
    this.journeyTick.acknowledgeWildcards(KMS_ENCRYPT_DECRYPT);

    // Scheduled journeys (`trigger: { schedule, audience }`): an hourly pass over the profiles,
    // fanned out over shards by a state machine, enqueues a `schedule` message per audience
    // member whose cron slot came.
    this.journeySchedule = new JourneyScheduleFanOut(this, 'JourneySchedule', {
      table,
      eventsQueue,
      campaignDir,
      alerts,
    });

    // Sends deferred by quiet hours go back to sends.fifo when their wake time comes, paced at
    // enqueue by the journeys' and the account's rates (the campaign beside it; decision 175).
    this.releaseDeferred = new ScheduledFunction(this, 'ReleaseDeferred', {
      name: 'release-deferred',
      description: 'sadakat release-deferred: re-enqueue deferred sends whose wake time came',
      every: Duration.minutes(1),
      // Each pass releases its whole minute (RELEASE_HORIZON_MS) and may end after the next began.
      overlappingTimeout: Duration.seconds(RELEASE_TIMEOUT_SECONDS),
      campaignDir,
      environment: { TABLE_NAME: table.tableName, SENDS_QUEUE_URL: this.sends.queue.queueUrl },
      alerts,
      table,
    });
    grantIndexQuery(this.releaseDeferred.function, table, DUE_INDEX);
    // Removes a released deferral (its DEFER# item), takes rate slots (RATE#) and defers again.
    grantTableAccess(this.releaseDeferred.function, table, TABLE_ACCESS.releaseDeferred);
    this.sends.queue.grantSendMessages(this.releaseDeferred.function);
    this.releaseDeferred.acknowledgeWildcards(KMS_ENCRYPT_DECRYPT);

    this.sendReconciler = new ScheduledFunction(this, 'SendReconciler', {
      name: 'send-reconciler',
      description: 'sadakat send-reconciler: mark send claims that never got an answer unknown',
      every: Duration.minutes(15),
      environment: { TABLE_NAME: table.tableName },
      alerts,
      table,
    });
    grantIndexQuery(this.sendReconciler.function, table, DUE_INDEX);
    // Settles ledger items and counts them in the message stats.
    grantTableAccess(this.sendReconciler.function, table, TABLE_ACCESS.reconciler);
    this.sendReconciler.acknowledgeWildcards(KMS_ENCRYPT_DECRYPT);

    // The event archive (issue 23): process-events writes accepted events and engagement, send its
    // decisions, through Firehose to the data stack's archive bucket as Parquet.
    this.archive = new EventArchive(this, 'Archive', {
      bucket: Bucket.fromBucketAttributes(this, 'ArchiveBucket', {
        bucketArn: props.data.archiveArn,
        encryptionKey: key,
      }),
      key,
      alerts,
      writers: [
        { name: 'process-events', function: this.events.processor.function, logGroup: this.events.processor.logGroup },
        { name: 'send', function: this.sends.sender.function, logGroup: this.sends.sender.logGroup },
      ],
    });

    // Erasure (GDPR/KVKK) for operators: IAM-authorized function URL, docs/deploy.md.
    this.adminForget = new AdminForgetApi(this, 'AdminForget', { table, alerts });

    // The pepper of kept hashes (DESIGN "Trust"), read only by the functions that hash what they keep
    // or look up: order tombstones (process-events), suppressions (send, ses-feedback, unsubscribe),
    // tombstones and the audit line (admin-forget), WhatsApp numbers (send, whatsapp-events).
    const pepper = Secret.fromSecretCompleteArn(this, 'Pepper', props.data.pepperArn);
    for (const fn of [
      this.events.processor.function,
      this.sends.sender.function,
      this.sends.feedback.function,
      this.sends.unsubscribe.function,
      this.sends.confirm.function,
      this.adminForget.handler.function,
      ...(this.whatsappEvents === undefined ? [] : [this.whatsappEvents.handler.function]),
    ]) {
      fn.addEnvironment('PEPPER_SECRET_ARN', pepper.secretArn);
      pepper.grantRead(fn);
    }

    // What docs/deploy.md tells storefront developers and operators to look up.
    new CfnOutput(this, 'IngestUrl', {
      value: this.ingest.publicUrl,
      description: 'Segment apiHost: POST <IngestUrl>/v1/batch',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: alerts.topic.topicArn,
      description: 'Operator alarms; subscribe more endpoints here',
    });
    // What `sadakat doctor` reads (shared/operations/doctor-checks.ts DOCTOR_OUTPUTS).
    // The doctor reads the table and write keys from the data stack's exports (re-exporting an
    // import here is cfn-lint W6001), and the sends queue from here.
    new CfnOutput(this, 'DataStackName', { value: props.data.stackName, description: 'The data stack' });
    new CfnOutput(this, 'SendsQueueUrl', { value: this.sends.queue.queueUrl, description: 'sends.fifo' });
    // The campaign compiled beside the function bundles: `sadakat console --table … --stack <this stack>`
    // warns when the local folder differs (shared/config/campaign-hash.ts).
    new CfnOutput(this, 'CampaignSha256', {
      value: campaignHash(props.campaignDir),
      description: 'sha256 of the campaign folder the functions were compiled from',
    });
    if ((props.pushPlatformApplicationArns ?? []).length > 0)
      new CfnOutput(this, 'PushPlatformApplicationArns', {
        value: (props.pushPlatformApplicationArns ?? []).join(','),
        description: 'SNS platform applications used for push',
      });
    new DoctorAccess(this, 'Doctor', {
      dataStackName: props.data.stackName,
      table,
      sendsQueue: this.sends.queue,
      writeKeys,
      alarmTopic: alerts.topic,
      adminForget: this.adminForget.handler.function,
      pushPlatformApplicationArns: props.pushPlatformApplicationArns ?? [],
    });
  }
}

/** A problem for each way the stack's reserved concurrency leaves too little of the account unreserved. */
export function reservedConcurrencyProblems(stack: Stack, accountConcurrency: number | undefined): string[] {
  const reserved = stack.node
    .findAll()
    .filter((construct): construct is CfnFunction => construct instanceof CfnFunction)
    .reduce(
      (sum, fn) => sum + (typeof fn.reservedConcurrentExecutions === 'number' ? fn.reservedConcurrentExecutions : 0),
      0,
    );
  const left = unreservedConcurrency(accountConcurrency, reserved);
  return left >= MIN_UNRESERVED_CONCURRENCY
    ? []
    : [
        `reserved concurrency ${reserved} would leave ${left} of the account's ${accountConcurrency ?? DEFAULT_ACCOUNT_CONCURRENCY} concurrent executions unreserved; Lambda needs at least ${MIN_UNRESERVED_CONCURRENCY} (context ingestReservedConcurrency, accountConcurrency)`,
      ];
}

/** The metric (namespace `sadakat/<stack name>`): seconds the oldest wake a journey-tick pass found had been due. */
export const JOURNEY_TICK_LAG_METRIC = 'JourneyTickLagSeconds';
/** The lag above which (in two 5-minute periods running) the operators are paged. */
export const JOURNEY_TICK_LAG_ALARM_SECONDS = 300;
