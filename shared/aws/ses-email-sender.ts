/**
 * EmailSender on SES SendRawEmail: the MIME message as built by shared/channels/mime.ts, the
 * configuration set (which publishes delivery, open, click, bounce and complaint events to SNS →
 * ses-feedback) and message tags naming the journey, run, step, variant, message and customer.
 * Retries are off (`maxAttempts: 1`): an SDK retry after a timeout could send the message twice;
 * throttling comes back to the queue instead.
 */
import { SendRawEmailCommand, SESClient } from '@aws-sdk/client-ses';
import type { EmailSender, RawEmail } from '../channels/ports.js';
import { encodeMessageTags } from '../channels/message-tags.js';
import { toProviderError } from './provider-failure.js';

export interface SesClientOptions {
  region?: string;
  /** The local SES endpoint (aws-ses-v2-local); unset in Lambda. */
  endpoint?: string;
}

export function createSesClient(options: SesClientOptions = {}): SESClient {
  return new SESClient({
    maxAttempts: 1,
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint
      ? {
          endpoint: options.endpoint,
          region: options.region ?? 'us-east-1',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {}),
  });
}

export class SesEmailSender implements EmailSender {
  constructor(
    private readonly client: SESClient,
    private readonly configurationSet: string | undefined,
  ) {}

  async sendRawEmail(email: RawEmail): Promise<{ providerMessageId: string }> {
    try {
      const response = await this.client.send(
        new SendRawEmailCommand({
          RawMessage: { Data: email.raw },
          Source: email.from,
          Destinations: [email.to],
          ...(this.configurationSet ? { ConfigurationSetName: this.configurationSet } : {}),
          Tags: encodeMessageTags(email.tags),
        }),
      );
      return { providerMessageId: response.MessageId ?? '' };
    } catch (error) {
      throw toProviderError(error);
    }
  }
}
