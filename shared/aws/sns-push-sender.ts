/**
 * PushSender on SNS mobile push: one Publish per enabled device to its platform endpoint (created
 * from the device token with CreatePlatformEndpoint when the profile has no endpoint yet — the
 * call is idempotent for the same token), with a per-platform JSON payload. An endpoint SNS
 * reports disabled is returned so the send decision can prune it through a `device` message.
 *
 * When no device took the notification the worst failure is thrown, in the order unknown >
 * permanent > throttled: once a message may have gone out it must not be retried.
 */
import { CreatePlatformEndpointCommand, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { PushDevice } from '../profiles/schema.js';
import type { PushNotification, PushResult, PushSender } from '../channels/ports.js';
import { ProviderError, type ProviderFailure } from '../channels/provider-error.js';
import { errorCode, toProviderError } from './provider-failure.js';

/** Platform application ARNs (CDK context), by device platform. */
export type PlatformApplications = Partial<Record<PushDevice['platform'], string>>;

const SEVERITY: Record<ProviderFailure, number> = { throttled: 0, permanent: 1, unknown: 2 };

export class SnsPushSender implements PushSender {
  constructor(
    private readonly client: SNSClient,
    private readonly applications: PlatformApplications,
  ) {}

  async sendPush(push: PushNotification): Promise<PushResult> {
    const result: PushResult = { delivered: 0, disabled: [] };
    let worst: ProviderError | undefined;
    for (const device of push.devices) {
      try {
        const endpoint = device.endpoint ?? (await this.createEndpoint(device));
        const response = await this.client.send(
          new PublishCommand({ TargetArn: endpoint, MessageStructure: 'json', Message: payload(push) }),
        );
        result.delivered++;
        result.providerMessageId ??= response.MessageId;
      } catch (error) {
        if (errorCode(error) === 'EndpointDisabled' || errorCode(error) === 'EndpointDisabledException') {
          result.disabled.push(device.endpoint ?? device.token);
          continue;
        }
        const failure = toProviderError(error);
        if (!worst || SEVERITY[failure.failure] > SEVERITY[worst.failure]) worst = failure;
      }
    }
    if (result.delivered === 0 && worst) throw worst;
    return result;
  }

  private async createEndpoint(device: PushDevice): Promise<string> {
    const application = this.applications[device.platform];
    if (!application) throw new ProviderError('permanent', `NoPlatformApplication:${device.platform}`);
    const response = await this.client.send(
      new CreatePlatformEndpointCommand({ PlatformApplicationArn: application, Token: device.token }),
    );
    if (!response.EndpointArn) throw new ProviderError('unknown', 'NoEndpointArn');
    return response.EndpointArn;
  }
}

/**
 * SNS `MessageStructure: json`: one payload per platform, each itself a JSON string. Android's
 * stays under the `GCM` key, but in the FCM HTTP v1 shape (`fcmV1Message.message`): the legacy
 * FCM API is shut down, and SNS sends a v1 message when the value has that top-level key
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-fcm-v1-payloads.html). FCM v1 `data` values
 * must be strings.
 */
export function payload(push: Pick<PushNotification, 'title' | 'body' | 'tags'>): string {
  const apns = JSON.stringify({
    aps: { alert: { title: push.title, body: push.body } },
    messageId: push.tags.messageId,
  });
  const gcm = JSON.stringify({
    fcmV1Message: {
      message: {
        notification: { title: push.title, body: push.body },
        data: { messageId: push.tags.messageId },
      },
    },
  });
  return JSON.stringify({ default: push.body, APNS: apns, APNS_SANDBOX: apns, GCM: gcm });
}
