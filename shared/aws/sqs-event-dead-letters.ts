/**
 * The events DLQ as process-events uses it (decision 286): a request's event that still fails on
 * the message's last receive is sent there alone, with the events queue's group and
 * deduplication ids, so a redrive brings it back into its customer's group.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { messageDeduplicationId, messageGroupId } from '../events/fifo-ids.js';
import type { CustomerMessage } from '../events/messages.js';
import type { EventDeadLetters } from '../ports.js';

export class SqsEventDeadLetters implements EventDeadLetters {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    readonly maxReceiveCount: number,
  ) {}

  async deadLetterAlone(message: CustomerMessage): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(message),
        MessageGroupId: messageGroupId(message.customerId),
        MessageDeduplicationId: messageDeduplicationId(message),
      }),
    );
  }
}
