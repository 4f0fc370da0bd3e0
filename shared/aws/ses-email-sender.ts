/**
 * EmailSender on SES v2 SendEmail with `Content.Simple`: SES builds the MIME message from the
 * subject, the text and the HTML part (UTF-8) and adds the headers (List-Unsubscribe,
 * List-Unsubscribe-Post) as given; the configuration set publishes delivery, open, click, bounce
 * and complaint events to SNS → ses-feedback; email tags name the journey, run, step, variant,
 * message and customer. Retries are off (`maxAttempts: 1`): an SDK retry after a timeout could
 * send the message twice; throttling comes back to the queue instead.
 */
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { EmailSender, OutgoingEmail } from '../channels/ports.js';
import { formatMailbox } from '../channels/mailbox.js';
import { encodeMessageTags } from '../channels/message-tags.js';
import { toProviderError } from './provider-failure.js';

export interface SesClientOptions {
  region?: string;
  /** The local SES endpoint (aws-ses-v2-local); unset in Lambda. */
  endpoint?: string;
}

export function createSesClient(options: SesClientOptions = {}): SESv2Client {
  return new SESv2Client({
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

const UTF8 = 'UTF-8';

export class SesEmailSender implements EmailSender {
  constructor(
    private readonly client: SESv2Client,
    private readonly configurationSet: string | undefined,
  ) {}

  async sendEmail(email: OutgoingEmail): Promise<{ providerMessageId: string }> {
    try {
      const response = await this.client.send(
        new SendEmailCommand({
          FromEmailAddress: formatMailbox(email.from),
          Destination: { ToAddresses: [email.to] },
          Content: {
            Simple: {
              Subject: { Data: email.subject, Charset: UTF8 },
              Body: { Text: { Data: email.text, Charset: UTF8 }, Html: { Data: email.html, Charset: UTF8 } },
              ...(email.headers.length > 0
                ? { Headers: email.headers.map(({ name, value }) => ({ Name: name, Value: value })) }
                : {}),
            },
          },
          ...(this.configurationSet ? { ConfigurationSetName: this.configurationSet } : {}),
          EmailTags: encodeMessageTags(email.tags),
        }),
      );
      return { providerMessageId: response.MessageId ?? '' };
    } catch (error) {
      throw toProviderError(error);
    }
  }
}
