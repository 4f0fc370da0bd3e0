/**
 * Inbound WhatsApp (issue 23, decisions 163 and 200): the WhatsApp Business Account's event
 * destination. AWS End User Messaging Social publishes every event of the account — customers'
 * messages and the statuses of ours — to one standard SNS topic (FIFO topics are not supported);
 * `whatsapp-events` reads them: inbound messages become `whatsapp_inbound` messages on the events
 * queue (the 24-hour window, STOP), statuses become engagement (delivered, opened, bounced).
 *
 * The topic is encrypted with a key of its own (End User Messaging Social must be let use it,
 * and the stack's data key stays closed to other services), and only End User Messaging Social
 * of this account may publish to it (aws:SourceAccount, aws:SourceArn), so a forged STOP or
 * `failed` cannot come through it. The operator points the account's event destination at the
 * topic (output `WhatsAppEventsTopicArn`; docs/deploy.md). An account whose destination exists
 * already gives it instead (`existingTopicArn`, decision 203): subscribed to, nothing created.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key, type IKey } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption, type IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { OperatorAlerts } from './operator-alerts.js';
import { SadakatFunction } from './sadakat-function.js';
import { grantTableAccess, TABLE_ACCESS } from './table-access.js';
import { KMS_ENCRYPT_DECRYPT } from './wildcard-acknowledgements.js';

/** The service principal of AWS End User Messaging Social. */
export const SOCIAL_MESSAGING_PRINCIPAL = 'social-messaging.amazonaws.com';

export interface WhatsAppEventsProps {
  table: ITable;
  /** The stack's key: the failure queue is encrypted with it. */
  key: IKey;
  alerts: OperatorAlerts;
  eventsQueue: IQueue;
  /**
   * The account's event destination when it exists already (context `whatsappEventsTopicArn`):
   * subscribed to as it is — its key and policy are the shop's (decision 203).
   */
  existingTopicArn?: string;
}

export class WhatsAppEvents extends Construct {
  readonly topic: ITopic;
  readonly handler: SadakatFunction;

  constructor(scope: Construct, id: string, props: WhatsAppEventsProps) {
    super(scope, id);
    const { table, key, alerts, eventsQueue } = props;
    const stack = Stack.of(this);

    this.topic =
      props.existingTopicArn === undefined
        ? this.createTopic(stack)
        : Topic.fromTopicArn(this, 'ExistingTopic', props.existingTopicArn);

    this.handler = new SadakatFunction(this, 'Handler', {
      name: 'whatsapp-events',
      description: 'sadakat whatsapp-events: inbound WhatsApp (window, STOP) and statuses → events queue',
      environment: { TABLE_NAME: table.tableName, EVENTS_QUEUE_URL: eventsQueue.queueUrl },
    });
    const fn = this.handler.function;
    // SNS invokes asynchronously: what still fails after Lambda's retries is kept, not dropped.
    const failures = new Queue(this, 'Failures', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(failures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the failure destination of whatsapp-events; an alarm fires on its first message.',
    });
    fn.configureAsyncInvoke({ onFailure: new SqsDestination(failures), retryAttempts: 2 });
    this.topic.addSubscription(new LambdaSubscription(fn));
    grantTableAccess(fn, table, TABLE_ACCESS.whatsappEvents);
    eventsQueue.grantSendMessages(fn);
    this.handler.acknowledgeWildcards(KMS_ENCRYPT_DECRYPT);
    alerts.watchFunction(this.handler, fn);
    alerts.watchDeadLetterQueue(this.handler, failures);

    new CfnOutput(stack, 'WhatsAppEventsTopicArn', {
      value: this.topic.topicArn,
      description: "The WhatsApp Business Account's event destination (docs/deploy.md, WhatsApp)",
    });
  }

  /** A standard topic with a key of its own, which only End User Messaging Social of this account may publish to. */
  private createTopic(stack: Stack): Topic {
    const topicKey = new Key(this, 'TopicKey', {
      description: 'sadakat: WhatsApp events topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // As for SES's feedback topic (decision 110): the service's statement on the key carries no
    // condition AWS does not document for its KMS calls; the topic policy decides who publishes.
    topicKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'SocialMessagingPublishesEvents',
        principals: [new ServicePrincipal(SOCIAL_MESSAGING_PRINCIPAL)],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        // In a key policy `*` is this key.
        resources: ['*'],
      }),
    );
    const topic = new Topic(this, 'Topic', {
      displayName: 'sadakat WhatsApp events',
      masterKey: topicKey,
      enforceSSL: true,
    });
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'SocialMessagingPublishes',
        principals: [new ServicePrincipal(SOCIAL_MESSAGING_PRINCIPAL)],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'social-messaging', resource: '*' }) },
        },
      }),
    );
    return topic;
  }
}
