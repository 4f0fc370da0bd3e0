import { CreatePlatformEndpointCommand, PublishCommand, SNSClient, SNSServiceException } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createSnsClient, SnsSmsSender } from '../../shared/aws/sns-sms-sender.js';
import { SnsPushSender } from '../../shared/aws/sns-push-sender.js';

const TAGS = { customerId: 'c1', messageId: 'm'.repeat(64), journeyId: 'j', runId: 'r', stepId: 's' };
const AT = '2026-11-01T00:00:00Z';

function snsError(name: string, status: number): SNSServiceException {
  return new SNSServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message: name,
  });
}

describe('SnsSmsSender', () => {
  it('publishes to the E.164 number as promotional with the sender id', async () => {
    const client = new SNSClient({ region: 'eu-west-1' });
    const sns = mockClient(client);
    sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
    await new SnsSmsSender(client).sendSms({
      to: '+905551112233',
      body: 'Merhaba',
      transactional: false,
      senderId: 'SADAKAT',
      tags: TAGS,
    });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      PhoneNumber: '+905551112233',
      Message: 'Merhaba',
      MessageAttributes: {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Promotional' },
        'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'SADAKAT' },
      },
    });
  });

  it('marks transactional messages transactional', async () => {
    const client = new SNSClient({ region: 'eu-west-1' });
    const sns = mockClient(client);
    sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
    await new SnsSmsSender(client).sendSms({
      to: '+905551112233',
      body: 'Kodunuz 1234',
      transactional: true,
      tags: TAGS,
    });
    expect(
      sns.commandCalls(PublishCommand)[0]?.args[0].input.MessageAttributes?.['AWS.SNS.SMS.SMSType']?.StringValue,
    ).toBe('Transactional');
  });

  it('turns an opted-out number into a permanent failure', async () => {
    const client = new SNSClient({ region: 'eu-west-1' });
    mockClient(client).on(PublishCommand).rejects(snsError('InvalidParameterException', 400));
    await expect(
      new SnsSmsSender(client).sendSms({ to: '+905551112233', body: 'x', transactional: false, tags: TAGS }),
    ).rejects.toMatchObject({ failure: 'permanent' });
  });

  it('builds its client with SDK retries off', async () => {
    expect(await createSnsClient({ region: 'eu-west-1' }).config.maxAttempts()).toBe(1);
  });
});

describe('SnsPushSender', () => {
  const ios = { token: 'tok-ios', platform: 'ios' as const, endpoint: 'arn:endpoint/ios', enabled: true, at: AT };
  const android = { token: 'tok-android', platform: 'android' as const, enabled: true, at: AT };

  it('publishes a per-platform JSON payload to each endpoint, creating missing endpoints from the token', async () => {
    const client = new SNSClient({ region: 'eu-west-1' });
    const sns = mockClient(client);
    sns.on(CreatePlatformEndpointCommand).resolves({ EndpointArn: 'arn:endpoint/android' });
    sns.on(PublishCommand).resolves({ MessageId: 'p-1' });
    const result = await new SnsPushSender(client, { android: 'arn:app/GCM/shop' }).sendPush({
      devices: [ios, android],
      title: 'Hi',
      body: 'Your code',
      tags: TAGS,
    });
    expect(result).toEqual({ delivered: 2, disabled: [], providerMessageId: 'p-1' });
    expect(sns).toHaveReceivedCommandWith(CreatePlatformEndpointCommand, {
      PlatformApplicationArn: 'arn:app/GCM/shop',
      Token: 'tok-android',
    });
    const publish = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(publish).toMatchObject({ TargetArn: 'arn:endpoint/ios', MessageStructure: 'json' });
    const message = JSON.parse(publish?.Message ?? '{}') as Record<string, string>;
    expect(JSON.parse(message.APNS ?? '{}')).toEqual({
      aps: { alert: { title: 'Hi', body: 'Your code' } },
      messageId: TAGS.messageId,
    });
    expect(JSON.parse(message.GCM ?? '{}')).toEqual({
      fcmV1Message: {
        message: { notification: { title: 'Hi', body: 'Your code' }, data: { messageId: TAGS.messageId } },
      },
    });
    expect(message.default).toBe('Your code');
  });

  it('reports an endpoint SNS says is disabled instead of failing the others', async () => {
    const client = new SNSClient({ region: 'eu-west-1' });
    const sns = mockClient(client);
    sns.on(PublishCommand, { TargetArn: 'arn:endpoint/ios' }).rejects(snsError('EndpointDisabledException', 400));
    sns.on(PublishCommand, { TargetArn: 'arn:endpoint/other' }).resolves({ MessageId: 'p-2' });
    const result = await new SnsPushSender(client, {}).sendPush({
      devices: [ios, { ...ios, endpoint: 'arn:endpoint/other' }],
      title: 'Hi',
      body: 'x',
      tags: TAGS,
    });
    expect(result).toEqual({ delivered: 1, disabled: ['arn:endpoint/ios'], providerMessageId: 'p-2' });
  });

  it('throws unknown rather than throttled when one device timed out and another was throttled', async () => {
    const client = new SNSClient({ region: 'eu-west-1' });
    const sns = mockClient(client);
    sns.on(PublishCommand, { TargetArn: 'arn:endpoint/ios' }).rejects(snsError('InternalErrorException', 500));
    sns.on(PublishCommand, { TargetArn: 'arn:endpoint/other' }).rejects(snsError('ThrottledException', 400));
    await expect(
      new SnsPushSender(client, {}).sendPush({
        devices: [ios, { ...ios, endpoint: 'arn:endpoint/other' }],
        title: 'Hi',
        body: 'x',
        tags: TAGS,
      }),
    ).rejects.toMatchObject({ failure: 'unknown' });
  });
});
