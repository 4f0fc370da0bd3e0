/**
 * The call channel on Amazon Connect (issue 22): the instance and the contact flow come from CDK
 * context (`connectInstanceArn`, `connectContactFlowId`); sadakat creates nothing in Connect.
 * The send function may start tasks in that flow only (StartTaskContact); the contact events of
 * the instance's tasks (EventBridge, "Amazon Connect Contact Event", channel TASK, when they
 * disconnect or complete) invoke `call-feedback`, which reads the contact's attributes
 * (GetContactAttributes: the ids sadakat set and the agent's `outcome`) and enqueues one
 * `engagement` message per outcome. What call-feedback still fails after EventBridge's retries is
 * kept in a queue with an alarm.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Grant } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption, type IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { OperatorAlerts } from './operator-alerts.js';
import { SadakatFunction } from './sadakat-function.js';
import { KMS_ENCRYPT_DECRYPT, resourceFinding } from './wildcard-acknowledgements.js';

/**
 * Without Connect: the send function writes each call task as a one-row CSV under
 * `call-tasks/` in the artifacts bucket (shared/aws/s3-call-drop.ts), and may write nothing else there.
 */
export function dropCallTasks(sender: SadakatFunction, bucketName: string, objectsArn: string): void {
  sender.function.addEnvironment('CALL_DROP_BUCKET', bucketName);
  Grant.addToPrincipal({ grantee: sender.function, actions: ['s3:PutObject'], resourceArns: [objectsArn] });
  sender.acknowledgeWildcards([
    resourceFinding(
      sender,
      objectsArn,
      'Call tasks are written one object per task, named by the task id at run time; only under the call-tasks/ prefix.',
    ),
  ]);
}

export interface CallCenterProps {
  /** `arn:aws:connect:<region>:<account>:instance/<id>` */
  instanceArn: string;
  /** The contact flow tasks start in: it routes them by the `sadakat_queue` attribute. */
  contactFlowId: string;
  /** The send function: it gets the instance, the flow and the permission to start tasks there. */
  sender: SadakatFunction;
  eventsQueue: IQueue;
  key: IKey;
  alerts: OperatorAlerts;
}

export class CallCenter extends Construct {
  readonly feedback: SadakatFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: CallCenterProps) {
    super(scope, id);
    const { instanceArn, contactFlowId, sender, eventsQueue, key, alerts } = props;
    const instanceId = instanceArn.slice(instanceArn.lastIndexOf('/') + 1);
    const contacts = `${instanceArn}/contact/*`;

    sender.function.addEnvironment('CONNECT_INSTANCE_ID', instanceId);
    sender.function.addEnvironment('CONNECT_CONTACT_FLOW_ID', contactFlowId);
    Grant.addToPrincipal({
      grantee: sender.function,
      actions: ['connect:StartTaskContact'],
      resourceArns: [`${instanceArn}/contact-flow/${contactFlowId}`, contacts],
    });

    this.feedback = new SadakatFunction(this, 'CallFeedback', {
      name: 'call-feedback',
      description: "sadakat call-feedback: an agent's outcome of a call task (Connect contact events) → engagement",
      environment: { EVENTS_QUEUE_URL: eventsQueue.queueUrl },
    });
    Grant.addToPrincipal({
      grantee: this.feedback.function,
      actions: ['connect:GetContactAttributes'],
      resourceArns: [contacts],
    });
    eventsQueue.grantSendMessages(this.feedback.function);
    const contactsReason =
      'Connect contacts are created at run time (one per call task): their ids are not known at deploy time; scoped to the one instance.';
    for (const fn of [sender, this.feedback])
      Validations.of(fn).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${contacts}]`,
        reason: contactsReason,
      });
    this.feedback.acknowledgeWildcards(KMS_ENCRYPT_DECRYPT);

    const failures = new Queue(this, 'CallFeedbackFailures', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(failures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter target of the call-feedback rule; an alarm fires on its first message.',
    });
    this.rule = new Rule(this, 'ContactEvents', {
      description: 'sadakat: Amazon Connect task contacts that ended → call-feedback',
      eventPattern: {
        source: ['aws.connect'],
        detailType: ['Amazon Connect Contact Event'],
        detail: {
          instanceArn: [instanceArn],
          channel: ['TASK'],
          eventType: ['DISCONNECTED', 'COMPLETED'],
        },
      },
      targets: [
        new LambdaFunction(this.feedback.function, {
          deadLetterQueue: failures,
          retryAttempts: 8,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });
    alerts.watchFunction(this.feedback, this.feedback.function);
    alerts.watchDeadLetterQueue(this, failures);
  }
}
