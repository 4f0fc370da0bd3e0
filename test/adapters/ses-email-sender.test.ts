import { SendEmailCommand, SESv2Client, SESv2ServiceException } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../shared/channels/provider-error.js';
import { decodeMessageTags } from '../../shared/channels/message-tags.js';
import { createSesClient, SesEmailSender } from '../../shared/aws/ses-email-sender.js';
import type { OutgoingEmail } from '../../shared/channels/ports.js';

const TAGS = {
  customerId: 'user@42',
  messageId: 'a'.repeat(64),
  journeyId: 'viewed-not-bought',
  runId: 'run:7',
  stepId: 'discount',
  variant: 'discount10',
};
const HEADERS = [
  { name: 'List-Unsubscribe', value: '<https://shop.example.com/u/T>, <mailto:unsubscribe@example.com>' },
  { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
];
const EMAIL: OutgoingEmail = {
  from: { address: 'offers@example.com', name: 'Ayşe’nin Dükkânı' },
  to: 'ayse@example.com',
  subject: 'Sepetinizde ürün kaldı',
  text: 'Merhaba Ayşe',
  html: '<p>Merhaba Ayşe</p>',
  headers: HEADERS,
  tags: TAGS,
};

function sesError(name: string, status: number, fault: 'client' | 'server'): SESv2ServiceException {
  return new SESv2ServiceException({ name, $fault: fault, $metadata: { httpStatusCode: status }, message: name });
}

describe('SesEmailSender', () => {
  it('sends the subject, text and HTML as UTF-8 with the headers, the configuration set and tags that decode back to the ids', async () => {
    // Prepare
    const client = new SESv2Client({ region: 'eu-west-1' });
    const ses = mockClient(client);
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });

    // Act
    const result = await new SesEmailSender(client, 'sadakat').sendEmail(EMAIL);

    // Assess
    expect(result).toEqual({ providerMessageId: 'ses-1' });
    const input = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      FromEmailAddress: '=?UTF-8?B?QXnFn2XigJluaW4gRMO8a2vDom7EsQ==?= <offers@example.com>',
      Destination: { ToAddresses: ['ayse@example.com'] },
      ConfigurationSetName: 'sadakat',
      Content: {
        Simple: {
          Subject: { Data: 'Sepetinizde ürün kaldı', Charset: 'UTF-8' },
          Body: {
            Text: { Data: 'Merhaba Ayşe', Charset: 'UTF-8' },
            Html: { Data: '<p>Merhaba Ayşe</p>', Charset: 'UTF-8' },
          },
          Headers: [
            { Name: 'List-Unsubscribe', Value: HEADERS[0]?.value },
            { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
          ],
        },
      },
    });
    const tags = Object.fromEntries((input?.EmailTags ?? []).map((tag) => [tag.Name, [tag.Value]]));
    expect(decodeMessageTags(tags)).toEqual(TAGS);
    for (const tag of input?.EmailTags ?? []) expect(tag.Value).toMatch(/^[A-Za-z0-9_.@-]+$/);
  });

  it('sends no Headers field for a message without headers (the double opt-in confirmation)', async () => {
    // Prepare
    const client = new SESv2Client({ region: 'eu-west-1' });
    const ses = mockClient(client);
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-2' });

    // Act
    await new SesEmailSender(client, undefined).sendEmail({
      ...EMAIL,
      from: { address: 'offers@example.com' },
      headers: [],
    });

    // Assess
    const input = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(input?.FromEmailAddress).toBe('offers@example.com');
    expect(input?.Content?.Simple).not.toHaveProperty('Headers');
    expect(input).not.toHaveProperty('ConfigurationSetName');
  });

  it.each([
    ['TooManyRequestsException', 429, 'client', 'throttled'],
    ['MessageRejected', 400, 'client', 'permanent'],
    ['SendingPausedException', 400, 'client', 'permanent'],
    ['InternalFailure', 500, 'server', 'unknown'],
    ['ServiceUnavailable', 503, 'server', 'unknown'],
  ] as const)('classifies %s (%i) as %s', async (name, status, fault, failure) => {
    const client = new SESv2Client({ region: 'eu-west-1' });
    mockClient(client)
      .on(SendEmailCommand)
      .rejects(sesError(name, status, fault));
    await expect(new SesEmailSender(client, undefined).sendEmail(EMAIL)).rejects.toEqual(
      new ProviderError(failure, name),
    );
  });

  it('classifies a timeout without an HTTP answer as unknown', async () => {
    const client = new SESv2Client({ region: 'eu-west-1' });
    const timeout = Object.assign(new Error('socket timeout'), { name: 'TimeoutError' });
    mockClient(client).on(SendEmailCommand).rejects(timeout);
    await expect(new SesEmailSender(client, undefined).sendEmail(EMAIL)).rejects.toMatchObject({
      failure: 'unknown',
    });
  });

  it('builds its client with SDK retries off', async () => {
    expect(await createSesClient({ region: 'eu-west-1' }).config.maxAttempts()).toBe(1);
  });
});
