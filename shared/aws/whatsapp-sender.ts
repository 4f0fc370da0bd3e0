/**
 * WhatsAppSender on AWS End User Messaging Social (`SendWhatsAppMessage`): the message is a
 * WhatsApp Cloud API message object (text, or an approved template with its body parameters),
 * sent from the phone number id the stack was deployed with (CDK context `whatsappPhoneNumberId`).
 * Retries are off, as for SMS (at most once).
 *
 * Meta's refusals that no later attempt can change are `permanent`, whatever status the call
 * came back with: a paused or disabled template (132015, 132016), a template that does not exist
 * in that language (132001), Meta's per-user marketing limit (131049), a recipient who is not on
 * WhatsApp or blocked the business (131026, 131050). The rest is classified like every AWS error.
 */
import { SendWhatsAppMessageCommand, SocialMessagingClient } from '@aws-sdk/client-socialmessaging';
import type { MessageTags, WhatsAppMessage, WhatsAppSender } from '../channels/ports.js';
import { ProviderError } from '../channels/provider-error.js';
import type { WhatsAppChoice } from '../channels/whatsapp/window.js';
import { toProviderError } from './provider-failure.js';

/** The Cloud API version messages are written for. */
export const META_API_VERSION = 'v20.0';

/** Meta error codes that mean "this message will never go": failed, not retried. */
export const PERMANENT_META_CODES: Readonly<Record<string, string>> = {
  '131026': 'recipient cannot receive WhatsApp messages',
  '131049': "Meta's per-user marketing limit",
  '131050': 'recipient stopped marketing messages',
  '132001': 'template does not exist in this language',
  '132015': 'template paused',
  '132016': 'template disabled',
};

export function createSocialMessagingClient(options: { region?: string } = {}): SocialMessagingClient {
  return new SocialMessagingClient({ maxAttempts: 1, ...(options.region ? { region: options.region } : {}) });
}

/** Meta's limit on `biz_opaque_callback_data`. */
export const CALLBACK_DATA_MAX = 512;

/**
 * What the message carries for its statuses to name it again (decision 201): the ledger's message
 * id, in Meta's `biz_opaque_callback_data`, which every status webhook of the message returns.
 * Never the customer id, nor anything else of the profile: Meta keeps it. A message id too long for
 * the field is left out (its statuses then match nothing and are counted, not guessed).
 */
export function callbackDataOf(tags: Pick<MessageTags, 'messageId'>): string | undefined {
  return tags.messageId.length > 0 && tags.messageId.length <= CALLBACK_DATA_MAX ? tags.messageId : undefined;
}

/** The Cloud API message object for one customer. */
export function cloudApiMessage(to: string, message: WhatsAppChoice, callbackData?: string): Record<string, unknown> {
  const opaque = callbackData === undefined ? {} : { biz_opaque_callback_data: callbackData };
  if (message.kind === 'text')
    return {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to,
      type: 'text',
      text: { preview_url: false, body: message.body },
      ...opaque,
    };
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to,
    ...opaque,
    type: 'template',
    template: {
      name: message.name,
      language: { code: message.language },
      components:
        message.parameters.length === 0
          ? []
          : [{ type: 'body', parameters: message.parameters.map((text) => ({ type: 'text', text })) }],
    },
  };
}

/** The first known permanent Meta code named in an error's message, if any. */
export function permanentMetaCode(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  for (const match of message.matchAll(/\b(1[0-9]{5})\b/g))
    if (match[1] && PERMANENT_META_CODES[match[1]]) return match[1];
  return undefined;
}

export class SocialWhatsAppSender implements WhatsAppSender {
  constructor(
    private readonly client: SocialMessagingClient,
    /** `phone-number-id-…`; undefined when the stack was deployed without WhatsApp. */
    private readonly phoneNumberId: string | undefined,
  ) {}

  async sendWhatsApp({ to, message, tags }: WhatsAppMessage): Promise<{ providerMessageId: string }> {
    // Nothing can go without a number: a configuration error, never retried.
    if (!this.phoneNumberId) throw new ProviderError('permanent', 'WhatsAppPhoneNumberIdNotSet');
    try {
      const response = await this.client.send(
        new SendWhatsAppMessageCommand({
          originationPhoneNumberId: this.phoneNumberId,
          metaApiVersion: META_API_VERSION,
          message: new TextEncoder().encode(JSON.stringify(cloudApiMessage(to, message, callbackDataOf(tags)))),
        }),
      );
      return { providerMessageId: response.messageId ?? '' };
    } catch (error) {
      const meta = permanentMetaCode(error);
      if (meta) throw new ProviderError('permanent', `Meta ${meta}`);
      throw toProviderError(error);
    }
  }
}
