import {
  AccessDeniedByMetaException,
  InternalServiceException,
  SendWhatsAppMessageCommand,
  SocialMessagingClient,
  ThrottledRequestException,
  ValidationException,
} from '@aws-sdk/client-socialmessaging';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { META_API_VERSION, SocialWhatsAppSender } from '../../shared/aws/whatsapp-sender.js';
import type { ProviderError } from '../../shared/channels/provider-error.js';
import type { WhatsAppMessage } from '../../shared/channels/ports.js';

const TAGS = { customerId: 'c1', messageId: 'm'.repeat(64), journeyId: 'j', runId: 'r', stepId: 's' };
const PHONE_NUMBER_ID = 'phone-number-id-01234567890123456789012345678901';

function harness({ phoneNumberId }: { phoneNumberId?: string } = { phoneNumberId: PHONE_NUMBER_ID }) {
  const client = new SocialMessagingClient({ region: 'eu-west-1' });
  const mock = mockClient(client);
  return { mock, sender: new SocialWhatsAppSender(client, phoneNumberId) };
}

/** The Cloud API message object the command carried. */
function sentMessage(mock: ReturnType<typeof harness>['mock']): unknown {
  const bytes = mock.commandCalls(SendWhatsAppMessageCommand)[0]?.args[0].input.message;
  return JSON.parse(new TextDecoder().decode(bytes));
}

const template: WhatsAppMessage = {
  to: '+905551112233',
  message: { kind: 'template', name: 'order_followup', language: 'tr', parameters: ['Ayşe', 'VIP10'] },
  tags: TAGS,
};

const failure = (error: unknown) => [(error as ProviderError).failure, (error as ProviderError).code];

describe('SocialWhatsAppSender', () => {
  it('sends an approved template with its body parameters from the deployed phone number id', async () => {
    // Prepare
    const { mock, sender } = harness();
    mock.on(SendWhatsAppMessageCommand).resolves({ messageId: 'aws-msg-1' });

    // Act
    const result = await sender.sendWhatsApp(template);

    // Assess
    expect(result).toEqual({ providerMessageId: 'aws-msg-1' });
    expect(mock).toHaveReceivedCommandWith(SendWhatsAppMessageCommand, {
      originationPhoneNumberId: PHONE_NUMBER_ID,
      metaApiVersion: META_API_VERSION,
    });
    expect(sentMessage(mock)).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+905551112233',
      // The ledger's message id, which Meta returns with every status of the message (decision 201).
      biz_opaque_callback_data: TAGS.messageId,
      type: 'template',
      template: {
        name: 'order_followup',
        language: { code: 'tr' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Ayşe' },
              { type: 'text', text: 'VIP10' },
            ],
          },
        ],
      },
    });
  });

  it('sends free-form text without link previews', async () => {
    const { mock, sender } = harness();
    mock.on(SendWhatsAppMessageCommand).resolves({ messageId: 'aws-msg-2' });

    await sender.sendWhatsApp({ to: '+905551112233', message: { kind: 'text', body: 'Merhaba!' }, tags: TAGS });

    expect(sentMessage(mock)).toMatchObject({ type: 'text', text: { preview_url: false, body: 'Merhaba!' } });
    // Nothing of the customer but the opaque message id goes to Meta beside the number.
    expect(JSON.stringify(sentMessage(mock))).not.toContain('"c1"');
    expect(sentMessage(mock)).toMatchObject({ biz_opaque_callback_data: TAGS.messageId });
  });

  it('fails a paused template and the per-user marketing limit for good, whatever the status', async () => {
    // Prepare: Meta's refusals come back through the service as client or dependency errors
    const { mock, sender } = harness();
    mock
      .on(SendWhatsAppMessageCommand)
      .rejectsOnce(
        new AccessDeniedByMetaException({
          $metadata: { httpStatusCode: 403 },
          message: '(#132015) Template is paused due to low quality',
        }),
      )
      .rejectsOnce(
        new ThrottledRequestException({
          $metadata: { httpStatusCode: 429 },
          message: 'Message failed with Meta error 131049: healthy ecosystem engagement',
        }),
      );

    // Act
    const paused = await sender.sendWhatsApp(template).catch(failure);
    const limited = await sender.sendWhatsApp(template).catch(failure);

    // Assess
    expect(paused).toEqual(['permanent', 'Meta 132015']);
    expect(limited).toEqual(['permanent', 'Meta 131049']);
  });

  it('classifies other errors like every AWS call: throttled, refused, or unknown', async () => {
    const { mock, sender } = harness();
    mock
      .on(SendWhatsAppMessageCommand)
      .rejectsOnce(new ThrottledRequestException({ $metadata: { httpStatusCode: 429 }, message: 'slow down' }))
      .rejectsOnce(new ValidationException({ $metadata: { httpStatusCode: 400 }, message: 'bad number' }))
      .rejectsOnce(new InternalServiceException({ $metadata: { httpStatusCode: 500 }, message: 'oops' }));

    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await sender.sendWhatsApp(template).catch(failure));

    expect(answers).toEqual([
      ['throttled', 'ThrottledRequestException'],
      ['permanent', 'ValidationException'],
      ['unknown', 'InternalServiceException'],
    ]);
  });

  it('fails without calling when the stack was deployed without a phone number id', async () => {
    const { mock, sender } = harness({});

    const answer = await sender.sendWhatsApp(template).catch(failure);

    expect(answer).toEqual(['permanent', 'WhatsAppPhoneNumberIdNotSet']);
    expect(mock.commandCalls(SendWhatsAppMessageCommand)).toHaveLength(0);
  });
});
