/**
 * The SNS notification SES event publishing would deliver to ses-feedback for a demo email:
 * what the demo plays back as the synthetic customers' deliveries, opens, clicks, bounces and
 * complaints.
 */
import { encodeMessageTags } from '../../channels/message-tags.js';
import { messageTagsOf, type SendRequest } from '../../channels/send-request.js';
import type { FeedbackKind } from './offer-response.js';

export function snsFeedbackEvent(kind: FeedbackKind, request: SendRequest, at: number, address: string) {
  const timestamp = new Date(at).toISOString();
  const tags = Object.fromEntries(encodeMessageTags(messageTagsOf(request)).map((tag) => [tag.Name, [tag.Value]]));
  const detail =
    kind === 'Bounce'
      ? { bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: address }], timestamp } }
      : kind === 'Complaint'
        ? { complaint: { complainedRecipients: [{ emailAddress: address }], timestamp } }
        : { [kind.toLowerCase()]: { timestamp } };
  const message = {
    eventType: kind,
    mail: { messageId: request.messageId, timestamp, destination: [address], tags },
    ...detail,
  };
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:local:000000000000:ses-events:local',
        Sns: {
          Type: 'Notification',
          MessageId: `${request.messageId}-${kind}`,
          TopicArn: 'arn:aws:sns:local:000000000000:ses-events',
          Subject: '',
          Message: JSON.stringify(message),
          Timestamp: timestamp,
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: {},
        },
      },
    ],
  };
}
