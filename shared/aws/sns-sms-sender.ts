/**
 * SmsSender on SNS Publish to an E.164 number: `Promotional` for marketing (cheaper, may be
 * dropped under carrier limits), `Transactional` for transactional messages; the sender id where
 * the country supports one. Retries are off, as for email (at most once).
 */
import { PublishCommand, SNSClient, type MessageAttributeValue } from '@aws-sdk/client-sns';
import type { Sms, SmsSender } from '../channels/ports.js';
import { toProviderError } from './provider-failure.js';

export function createSnsClient(options: { region?: string } = {}): SNSClient {
  return new SNSClient({ maxAttempts: 1, ...(options.region ? { region: options.region } : {}) });
}

export class SnsSmsSender implements SmsSender {
  constructor(private readonly client: SNSClient) {}

  async sendSms(sms: Sms): Promise<{ providerMessageId: string }> {
    const attributes: Record<string, MessageAttributeValue> = {
      'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: sms.transactional ? 'Transactional' : 'Promotional' },
    };
    if (sms.senderId) attributes['AWS.SNS.SMS.SenderID'] = { DataType: 'String', StringValue: sms.senderId };
    try {
      const response = await this.client.send(
        new PublishCommand({ PhoneNumber: sms.to, Message: sms.body, MessageAttributes: attributes }),
      );
      return { providerMessageId: response.MessageId ?? '' };
    } catch (error) {
      throw toProviderError(error);
    }
  }
}
