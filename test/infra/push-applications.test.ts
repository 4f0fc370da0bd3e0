import { describe, expect, it } from 'vitest';
import { pushApplications } from '../../infra/constructs/send-pipeline.js';

const arn = (platform: string, name: string) => `arn:aws:sns:eu-central-1:123456789012:app/${platform}/${name}`;

describe('pushApplications', () => {
  it('maps APNS and GCM applications to the iOS and Android variables', () => {
    // Act
    const variables = pushApplications([arn('GCM', 'shop-android'), arn('APNS_SANDBOX', 'shop-ios-dev')]);

    // Assess
    expect(variables).toEqual({
      FCM_PLATFORM_APPLICATION_ARN: arn('GCM', 'shop-android'),
      APNS_PLATFORM_APPLICATION_ARN: arn('APNS_SANDBOX', 'shop-ios-dev'),
    });
  });

  it('refuses a platform the send function cannot use, naming the ARN', () => {
    // Act
    const map = () => pushApplications([arn('ADM', 'shop-kindle')]);

    // Assess
    expect(map).toThrow(
      `pushPlatformApplicationArns: ${arn('ADM', 'shop-kindle')}: expected an APNS, APNS_SANDBOX or GCM platform application`,
    );
  });

  it('refuses two applications for the same platform', () => {
    // Act
    const map = () => pushApplications([arn('APNS', 'a'), arn('APNS_SANDBOX', 'b')]);

    // Assess
    expect(map).toThrow('two applications for iOS');
  });
});
