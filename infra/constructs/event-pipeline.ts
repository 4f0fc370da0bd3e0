/**
 * events.fifo and its one consumer, process-events — the only writer of customer state.
 * FIFO high-throughput mode (deduplication and throughput per message group: a group is one
 * customer), a FIFO dead-letter queue after five receives, and partial batch responses so one
 * customer's poison message does not hold back the others in the batch.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { DeduplicationScope, FifoThroughputLimit, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { OperatorAlerts } from './operator-alerts.js';
import { SadakatFunction } from './sadakat-function.js';
import { KMS_ENCRYPT_DECRYPT } from './wildcard-acknowledgements.js';

export const MAX_RECEIVE_COUNT = 5;
const PROCESS_TIMEOUT = Duration.seconds(30);

export interface EventPipelineProps {
  table: ITable;
  key: IKey;
  alerts: OperatorAlerts;
  campaignDir: string;
}

export class EventPipeline extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly processor: SadakatFunction;

  constructor(scope: Construct, id: string, props: EventPipelineProps) {
    super(scope, id);

    const encryption = { encryption: QueueEncryption.KMS, encryptionMasterKey: props.key, enforceSSL: true };
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', { fifo: true, retentionPeriod: Duration.days(14), ...encryption });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of events.fifo; an alarm fires on its first message.',
    });

    this.queue = new Queue(this, 'Queue', {
      fifo: true,
      deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      // Ingest sets deduplication ids from event ids; content would dedupe distinct identical events.
      contentBasedDeduplication: false,
      // Six times the function timeout, as Lambda's SQS guidance asks, so retries don't overlap.
      visibilityTimeout: Duration.seconds(PROCESS_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(14),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
      ...encryption,
    });

    this.processor = new SadakatFunction(this, 'ProcessEvents', {
      name: 'process-events',
      description: 'sadakat process-events: the one writer of profiles, segments and journey state',
      memorySize: 1024,
      timeout: PROCESS_TIMEOUT,
      campaignDir: props.campaignDir,
      environment: { TABLE_NAME: props.table.tableName },
    });
    props.table.grantReadWriteData(this.processor.function);
    this.processor.acknowledgeWildcards(KMS_ENCRYPT_DECRYPT);
    this.processor.function.addEventSource(new SqsEventSource(this.queue, { batchSize: 10, reportBatchItemFailures: true }));

    props.alerts.watchDeadLetterQueue(this, this.deadLetterQueue);
    props.alerts.watchFunction(this.processor, this.processor.function);
  }
}
