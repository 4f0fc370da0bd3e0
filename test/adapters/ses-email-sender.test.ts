import { SendRawEmailCommand, SESClient, SESServiceException } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../shared/channels/provider-error.js';
import { decodeMessageTags } from '../../shared/channels/message-tags.js';
import { createSesClient, SesEmailSender } from '../../shared/aws/ses-email-sender.js';

const TAGS = {
  customerId: 'user@42',
  messageId: 'a'.repeat(64),
  journeyId: 'viewed-not-bought',
  runId: 'run:7',
  stepId: 'discount',
  variant: 'discount10',
};
const EMAIL = { from: 'offers@example.com', to: 'ayse@example.com', raw: Buffer.from('MIME'), tags: TAGS };

function sesError(name: string, status: number, fault: 'client' | 'server'): SESServiceException {
  return new SESServiceException({ name, $fault: fault, $metadata: { httpStatusCode: status }, message: name });
}

describe('SesEmailSender', () => {
  it('sends the raw MIME with the configuration set and tags that decode back to the ids', async () => {
    // Prepare
    const client = new SESClient({ region: 'eu-west-1' });
    const ses = mockClient(client);
    ses.on(SendRawEmailCommand).resolves({ MessageId: 'ses-1' });
    // Act
    const result = await new SesEmailSender(client, 'sadakat').sendRawEmail(EMAIL);
    // Assess
    expect(result).toEqual({ providerMessageId: 'ses-1' });
    const input = ses.commandCalls(SendRawEmailCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      Source: 'offers@example.com',
      Destinations: ['ayse@example.com'],
      ConfigurationSetName: 'sadakat',
      RawMessage: { Data: EMAIL.raw },
    });
    const tags = Object.fromEntries((input?.Tags ?? []).map((tag) => [tag.Name, [tag.Value]]));
    expect(decodeMessageTags(tags)).toEqual(TAGS);
    for (const tag of input?.Tags ?? []) expect(tag.Value).toMatch(/^[A-Za-z0-9_.@-]+$/);
  });

  it.each([
    ['Throttling', 400, 'client', 'throttled'],
    ['MessageRejected', 400, 'client', 'permanent'],
    ['InternalFailure', 500, 'server', 'unknown'],
    ['ServiceUnavailable', 503, 'server', 'unknown'],
  ] as const)('classifies %s (%i) as %s', async (name, status, fault, failure) => {
    const client = new SESClient({ region: 'eu-west-1' });
    mockClient(client)
      .on(SendRawEmailCommand)
      .rejects(sesError(name, status, fault));
    await expect(new SesEmailSender(client, undefined).sendRawEmail(EMAIL)).rejects.toEqual(
      new ProviderError(failure, name),
    );
  });

  it('classifies a timeout without an HTTP answer as unknown', async () => {
    const client = new SESClient({ region: 'eu-west-1' });
    const timeout = Object.assign(new Error('socket timeout'), { name: 'TimeoutError' });
    mockClient(client).on(SendRawEmailCommand).rejects(timeout);
    await expect(new SesEmailSender(client, undefined).sendRawEmail(EMAIL)).rejects.toMatchObject({
      failure: 'unknown',
    });
  });

  it('builds its client with SDK retries off', async () => {
    expect(await createSesClient({ region: 'eu-west-1' }).config.maxAttempts()).toBe(1);
  });
});
