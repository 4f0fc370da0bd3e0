/**
 * events.fifo and its one consumer, process-events — the only writer of customer state.
 * Partial batch responses, so one customer's failing message does not hold back the other
 * customers in the batch (its own group waits for it; after five receives it goes to the DLQ, or,
 * for a storefront request's message, only its failing event does: decision 286).
 */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CONSUMER_MAX_CONCURRENCY, CustomerQueue, MAX_RECEIVE_COUNT } from './customer-queue.js';
import type { OperatorAlerts } from './operator-alerts.js';
import { SadakatFunction } from './sadakat-function.js';
import { KMS_ENCRYPT_DECRYPT } from './wildcard-acknowledgements.js';
import { grantTableAccess, TABLE_ACCESS } from './table-access.js';

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

    const events = new CustomerQueue(this, 'Events', {
      key: props.key,
      alerts: props.alerts,
      consumerTimeout: PROCESS_TIMEOUT,
    });
    this.queue = events.queue;
    this.deadLetterQueue = events.deadLetterQueue;

    this.processor = new SadakatFunction(this, 'ProcessEvents', {
      name: 'process-events',
      description: 'sadakat process-events: the one writer of profiles, segments and journey state',
      memorySize: 1024,
      timeout: PROCESS_TIMEOUT,
      campaignDir: props.campaignDir,
      environment: {
        TABLE_NAME: props.table.tableName,
        // A request's event that fails on the last receive goes to the DLQ alone (decision 286).
        EVENTS_DLQ_URL: this.deadLetterQueue.queueUrl,
        EVENTS_MAX_RECEIVE_COUNT: String(MAX_RECEIVE_COUNT),
      },
    });
    this.deadLetterQueue.grantSendMessages(this.processor.function);
    grantTableAccess(this.processor.function, props.table, TABLE_ACCESS.processEvents);
    this.processor.acknowledgeWildcards(KMS_ENCRYPT_DECRYPT);
    this.processor.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: CONSUMER_MAX_CONCURRENCY.events,
      }),
    );
    props.alerts.watchFunction(this.processor, this.processor.function);
  }
}
