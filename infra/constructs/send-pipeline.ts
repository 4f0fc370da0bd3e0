/**
 * The send side (DESIGN "Send"): sends.fifo and its consumer `send` (SES raw email, SNS SMS and
 * push), the SES configuration set whose delivery/open/click/bounce/complaint events reach
 * `ses-feedback` through an SNS topic, and `unsubscribe` behind `GET|POST /u/{token}` on the
 * ingest API (the link and the RFC 8058 one-click target of every email).
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpMethod, HttpNoneAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, Grant, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key, type IKey } from 'aws-cdk-lib/aws-kms';
import { FilterPattern, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { ConfigurationSet, EmailSendingEvent, EventDestination } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption, type IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CONSUMER_MAX_CONCURRENCY, CustomerQueue } from './customer-queue.js';
import type { OperatorAlerts } from './operator-alerts.js';
import { SadakatFunction } from './sadakat-function.js';
import { grantTableAccess, TABLE_ACCESS } from './table-access.js';
import { KMS_ENCRYPT_DECRYPT } from './wildcard-acknowledgements.js';

const SEND_TIMEOUT = Duration.seconds(30);

export interface SendPipelineProps {
  table: ITable;
  key: IKey;
  alerts: OperatorAlerts;
  campaignDir: string;
  eventsQueue: IQueue;
  /** The ingest API; the unsubscribe routes are added to it. */
  api: HttpApi;
  /** Where mail links point: CloudFront's URL with an edge firewall, else the API's endpoint. */
  publicUrl: string;
  unsubscribeKeys: ISecret;
  /** Verified SES identity to send from; without it the send function may not send email. */
  sesIdentityArn?: string;
  pushPlatformApplicationArns: readonly string[];
  /** The End User Messaging Social phone number id WhatsApp goes from; without it send may not send WhatsApp. */
  whatsappPhoneNumberId?: string;
  /** Shown on the unsubscribe page (campaign settings `sender.fromName`). */
  senderName?: string;
}

export class SendPipeline extends Construct {
  readonly queue: IQueue;
  readonly sender: SadakatFunction;
  readonly feedback: SadakatFunction;
  readonly unsubscribe: SadakatFunction;
  /** The double opt-in link `GET|POST /c/{token}`. */
  readonly confirm: SadakatFunction;
  readonly configurationSet: ConfigurationSet;

  constructor(scope: Construct, id: string, props: SendPipelineProps) {
    super(scope, id);
    const { table, key, alerts, eventsQueue } = props;
    const stack = Stack.of(this);

    const sends = new CustomerQueue(this, 'Sends', { key, alerts, consumerTimeout: SEND_TIMEOUT });
    this.queue = sends.queue;

    // SES feedback: configuration set → encrypted SNS topic → ses-feedback.
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet');
    const topicKey = new Key(this, 'FeedbackKey', {
      description: 'sadakat: SES feedback topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // The statement SES's developer guide gives for an SNS topic encrypted with a customer managed
    // key, as it is: no aws:SourceAccount / aws:SourceArn condition, because AWS documents none for
    // SES's calls to KMS, and a condition they do not carry would drop every bounce and complaint
    // silently (decision 110). The key encrypts this one topic only; who may publish to the topic
    // is the topic policy's decision: the event destination below allows ses.amazonaws.com only
    // for this account and this configuration set (aws:SourceAccount, aws:SourceArn).
    topicKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'SesPublishesFeedback',
        principals: [new ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        // In a key policy `*` is this key.
        resources: ['*'],
      }),
    );
    const feedbackTopic = new Topic(this, 'FeedbackTopic', {
      displayName: 'sadakat SES events',
      masterKey: topicKey,
      enforceSSL: true,
    });
    this.configurationSet.addEventDestination('Feedback', {
      destination: EventDestination.snsTopic(feedbackTopic),
      events: [
        EmailSendingEvent.DELIVERY,
        EmailSendingEvent.OPEN,
        EmailSendingEvent.CLICK,
        EmailSendingEvent.BOUNCE,
        EmailSendingEvent.COMPLAINT,
      ],
    });

    const common = { TABLE_NAME: table.tableName, EVENTS_QUEUE_URL: eventsQueue.queueUrl };
    this.feedback = new SadakatFunction(this, 'SesFeedback', {
      name: 'ses-feedback',
      description: 'sadakat ses-feedback: suppression, consent and message stats from SES events',
      environment: common,
    });
    // SNS invokes asynchronously: what still fails after Lambda's retries is kept, not dropped.
    const feedbackFailures = new Queue(this, 'FeedbackFailures', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(feedbackFailures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the failure destination of ses-feedback; an alarm fires on its first message.',
    });
    this.feedback.function.configureAsyncInvoke({ onFailure: new SqsDestination(feedbackFailures), retryAttempts: 2 });
    feedbackTopic.addSubscription(new LambdaSubscription(this.feedback.function));
    grantTableAccess(this.feedback.function, table, TABLE_ACCESS.feedback);
    eventsQueue.grantSendMessages(this.feedback.function);
    this.feedback.acknowledgeWildcards(KMS_ENCRYPT_DECRYPT);
    alerts.watchFunction(this.feedback, this.feedback.function);
    alerts.watchDeadLetterQueue(this.feedback, feedbackFailures);

    // Unsubscribe: the token is the credential (HMAC-signed, never expiring: opt-out must keep working).
    this.unsubscribe = new SadakatFunction(this, 'Unsubscribe', {
      name: 'unsubscribe',
      description: 'sadakat unsubscribe: one-click and link opt-out',
      environment: {
        ...common,
        UNSUBSCRIBE_KEYS_SECRET_ARN: props.unsubscribeKeys.secretArn,
        ...(props.senderName === undefined ? {} : { SENDER_NAME: props.senderName }),
      },
    });
    grantTableAccess(this.unsubscribe.function, table, TABLE_ACCESS.unsubscribe);
    eventsQueue.grantSendMessages(this.unsubscribe.function);
    props.unsubscribeKeys.grantRead(this.unsubscribe.function);
    this.unsubscribe.acknowledgeWildcards(KMS_ENCRYPT_DECRYPT);
    alerts.watchFunction(this.unsubscribe, this.unsubscribe.function);
    const routes = props.api.addRoutes({
      path: '/u/{token}',
      methods: [HttpMethod.GET, HttpMethod.POST],
      integration: new HttpLambdaIntegration('Unsubscribe', this.unsubscribe.function),
      // Never behind the edge's authorizer (decision 111): a link in mail sent before the edge was
      // turned on names the API's own host, and an opt-out must keep working from every link.
      authorizer: new HttpNoneAuthorizer(),
    });
    for (const route of routes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Mail recipients follow the link without credentials; the HMAC-signed token in the path is the authorization, checked by the function.',
      });
    }

    // Double opt-in links: the HMAC-signed, 7-day token is the credential (shared/channels/confirm/).
    this.confirm = new SadakatFunction(this, 'Confirm', {
      name: 'confirm',
      description: 'sadakat confirm: double opt-in link (GET shows a button, POST confirms)',
      environment: {
        ...common,
        UNSUBSCRIBE_KEYS_SECRET_ARN: props.unsubscribeKeys.secretArn,
        ...(props.senderName === undefined ? {} : { SENDER_NAME: props.senderName }),
      },
    });
    grantTableAccess(this.confirm.function, table, TABLE_ACCESS.confirm);
    eventsQueue.grantSendMessages(this.confirm.function);
    props.unsubscribeKeys.grantRead(this.confirm.function);
    this.confirm.acknowledgeWildcards(KMS_ENCRYPT_DECRYPT);
    alerts.watchFunction(this.confirm, this.confirm.function);
    const confirmRoutes = props.api.addRoutes({
      path: '/c/{token}',
      methods: [HttpMethod.GET, HttpMethod.POST],
      integration: new HttpLambdaIntegration('Confirm', this.confirm.function),
      // Behind the edge's authorizer when there is one: confirmation links are new and always name the public host.
    });
    for (const route of confirmRoutes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'The recipient of a confirmation email follows the link without credentials; the HMAC-signed, expiring token in the path is the authorization, checked by the function.',
      });
    }

    this.sender = new SadakatFunction(this, 'Send', {
      name: 'send',
      description: 'sadakat send: consent, suppression, quiet hours, caps, ledger, then SES/SNS',
      timeout: SEND_TIMEOUT,
      campaignDir: props.campaignDir,
      environment: {
        ...common,
        SES_CONFIGURATION_SET: this.configurationSet.configurationSetName,
        // The links are `<base>/u/<token>` and `<base>/c/<token>` (decide-send appends the path).
        UNSUBSCRIBE_BASE_URL: props.publicUrl,
        UNSUBSCRIBE_KEYS_SECRET_ARN: props.unsubscribeKeys.secretArn,
        ...pushApplications(props.pushPlatformApplicationArns),
        ...(props.whatsappPhoneNumberId === undefined ? {} : { WHATSAPP_PHONE_NUMBER_ID: props.whatsappPhoneNumberId }),
      },
    });
    const send = this.sender.function;
    grantTableAccess(send, table, TABLE_ACCESS.send);
    eventsQueue.grantSendMessages(send);
    props.unsubscribeKeys.grantRead(send);
    if (props.sesIdentityArn !== undefined) {
      const configurationSetArn = stack.formatArn({
        service: 'ses',
        resource: 'configuration-set',
        resourceName: this.configurationSet.configurationSetName,
      });
      Grant.addToPrincipal({
        grantee: send,
        actions: ['ses:SendEmail'],
        resourceArns: [props.sesIdentityArn, configurationSetArn],
      });
    }
    // SMS goes to phone numbers and push to endpoints created at send time: neither has an ARN to name.
    Grant.addToPrincipal({ grantee: send, actions: ['sns:Publish'], resourceArns: ['*'] });
    // ...but never to this stack's own topics: a forged bounce on the feedback topic would suppress
    // a customer, a forged alarm would page the operators. An explicit deny wins over the allow.
    send.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.DENY,
        actions: ['sns:Publish'],
        resources: [feedbackTopic.topicArn, alerts.topic.topicArn],
      }),
    );
    if (props.pushPlatformApplicationArns.length > 0) {
      Grant.addToPrincipal({
        grantee: send,
        actions: ['sns:CreatePlatformEndpoint'],
        resourceArns: [...props.pushPlatformApplicationArns],
      });
    }
    if (props.whatsappPhoneNumberId !== undefined) {
      // Exactly the one number: `phone-number-id-<id>` is `phone-number-id/<id>` in its ARN.
      Grant.addToPrincipal({
        grantee: send,
        actions: ['social-messaging:SendWhatsAppMessage'],
        resourceArns: [whatsappPhoneNumberArn(stack, props.whatsappPhoneNumberId)],
      });
    }
    this.sender.acknowledgeWildcards([
      ...KMS_ENCRYPT_DECRYPT,
      {
        finding: 'Resource::*',
        reason:
          'sns:Publish only: SMS is published to phone numbers and push to platform endpoints created per device, neither of which has an ARN known at deploy time.',
      },
    ]);
    // Two at a time: the SES send rate, not Lambda, is what limits sends (the send path keeps to it).
    send.addEventSource(
      new SqsEventSource(sends.queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: CONSUMER_MAX_CONCURRENCY.sends,
      }),
    );
    alerts.watchFunction(this.sender, send);
    // A spent confirmation budget (per write key or for the whole shop) means someone is pushing
    // addresses through identify faster than real sign-ups: page the operators. The refusal is
    // only a log line of send (reason only, never an address), so a metric filter counts it.
    const confirmBudgetRefusals = new MetricFilter(this.sender, 'ConfirmBudgetRefusals', {
      logGroup: this.sender.logGroup,
      filterPattern: FilterPattern.all(
        FilterPattern.stringValue('$.message', '=', 'send decided'),
        FilterPattern.stringValue('$.reason', '=', 'confirm_budget'),
      ),
      // Per stack: two stages in one account must not page each other.
      metricNamespace: `sadakat/${stack.stackName}`,
      metricName: CONFIRM_BUDGET_METRIC,
      metricValue: '1',
    });
    alerts.alarm(
      this.sender,
      'ConfirmBudget',
      confirmBudgetRefusals.metric({ period: Duration.minutes(5), statistic: 'Sum' }),
      {
        description:
          'Double opt-in confirmations refused with confirm_budget: a write key or the shop spent its hourly budget. Look for a flood of identify calls through the browser key (docs/deploy.md, double opt-in).',
      },
    );
  }
}

/** The ARN of an End User Messaging Social phone number id (`phone-number-id-<id>` → `…:phone-number-id/<id>`). */
export function whatsappPhoneNumberArn(stack: Stack, phoneNumberId: string): string {
  return stack.formatArn({
    service: 'social-messaging',
    resource: 'phone-number-id',
    resourceName: phoneNumberId.replace(/^phone-number-id-/, ''),
  });
}

/** The metric (namespace `sadakat/<stack name>`) counting send's confirm_budget refusals, one per refused send. */
export const CONFIRM_BUDGET_METRIC = 'ConfirmBudgetRefusals';

/** APNS_PLATFORM_APPLICATION_ARN / FCM_PLATFORM_APPLICATION_ARN from the platform in each ARN (`app/APNS/…`, `app/GCM/…`). */
export function pushApplications(arns: readonly string[]): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const arn of arns) {
    const platform = /:app\/([A-Z_]+)\//.exec(arn)?.[1];
    const variable =
      platform === 'APNS' || platform === 'APNS_SANDBOX'
        ? 'APNS_PLATFORM_APPLICATION_ARN'
        : platform === 'GCM'
          ? 'FCM_PLATFORM_APPLICATION_ARN'
          : undefined;
    if (variable === undefined)
      throw new Error(
        `pushPlatformApplicationArns: ${arn}: expected an APNS, APNS_SANDBOX or GCM platform application`,
      );
    if (variables[variable] !== undefined)
      throw new Error(
        `pushPlatformApplicationArns: two applications for ${variable === 'APNS_PLATFORM_APPLICATION_ARN' ? 'iOS' : 'Android'}; give one`,
      );
    variables[variable] = arn;
  }
  return variables;
}
