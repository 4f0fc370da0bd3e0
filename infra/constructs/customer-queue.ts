/**
 * A FIFO queue grouped by customer (events.fifo, and sends.fifo when it comes): high-throughput
 * mode — deduplication and throughput per message group, a group being one customer —,
 * encrypted with the data key, TLS only, and a FIFO dead-letter queue after five receives with
 * an alarm on its first message.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { DeduplicationScope, FifoThroughputLimit, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { OperatorAlerts } from './operator-alerts.js';

export const MAX_RECEIVE_COUNT = 5;

/**
 * Concurrent invocations each FIFO consumer may take (the event source mapping's
 * MaximumConcurrency; Lambda's minimum is 2). It bounds concurrency, not rate: without it the
 * consumers of a backlog could take the account's whole Lambda concurrency (a new account may
 * have as few as 10), throttling ingest and the scheduled tasks. Message groups (customers) keep
 * their order whatever the number.
 */
export const CONSUMER_MAX_CONCURRENCY = { events: 5, sends: 2 } as const;

export interface CustomerQueueProps {
  key: IKey;
  alerts: OperatorAlerts;
  /** The consumer's timeout; the visibility timeout is six times it, as Lambda's SQS guidance asks. */
  consumerTimeout: Duration;
}

export class CustomerQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: CustomerQueueProps) {
    super(scope, id);
    const encryption = { encryption: QueueEncryption.KMS, encryptionMasterKey: props.key, enforceSSL: true };
    const retentionPeriod = Duration.days(14);

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', { fifo: true, retentionPeriod, ...encryption });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is a dead-letter queue itself; an alarm fires on its first message.',
    });

    this.queue = new Queue(this, 'Queue', {
      fifo: true,
      deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      // Producers set deduplication ids from event/message ids; content would merge distinct identical messages.
      contentBasedDeduplication: false,
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
      retentionPeriod,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
      ...encryption,
    });

    props.alerts.watchDeadLetterQueue(this, this.deadLetterQueue);
  }
}
