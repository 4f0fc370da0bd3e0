import { describe, expect, it } from 'vitest';
import { InvalidContextError, readDeploymentContext } from '../../infra/deployment-context.js';

const lookup = (values: Record<string, unknown>) => (key: string) => values[key];
const PUSH_IOS = 'arn:aws:sns:eu-central-1:123456789012:app/APNS/shop-ios';
const CONNECT_INSTANCE = 'arn:aws:connect:eu-central-1:123456789012:instance/a1b2c3d4-5678-90ab-cdef-111122223333';
const PUSH_ANDROID = 'arn:aws:sns:eu-central-1:123456789012:app/GCM/shop-android';

describe('readDeploymentContext', () => {
  it('refuses a push application of a platform sadakat does not send to', () => {
    // Act
    const read = () =>
      readDeploymentContext(
        lookup({ pushPlatformApplicationArns: 'arn:aws:sns:eu-central-1:123456789012:app/ADM/shop-kindle' }),
      );

    // Assess
    expect(read).toThrow(
      'context pushPlatformApplicationArns.0: expected an APNS, APNS_SANDBOX or GCM platform application',
    );
  });

  it('defaults to the dev stage with no push applications', () => {
    // Act
    const context = readDeploymentContext(lookup({}));

    // Assess
    expect(context).toEqual({ stage: 'dev', pushPlatformApplicationArns: [] });
  });

  it('reads push application ARNs from a comma-separated -c value', () => {
    // Act
    const context = readDeploymentContext(lookup({ pushPlatformApplicationArns: `${PUSH_IOS}, ${PUSH_ANDROID}` }));

    // Assess
    expect(context.pushPlatformApplicationArns).toEqual([PUSH_IOS, PUSH_ANDROID]);
  });

  it('reads push application ARNs from a list in cdk.json', () => {
    // Act
    const context = readDeploymentContext(lookup({ pushPlatformApplicationArns: [PUSH_IOS] }));

    // Assess
    expect(context.pushPlatformApplicationArns).toEqual([PUSH_IOS]);
  });

  it('treats an empty value as not given', () => {
    // Act
    const context = readDeploymentContext(lookup({ alarmEmail: '', stage: '' }));

    // Assess
    expect(context).toEqual({ stage: 'dev', pushPlatformApplicationArns: [] });
  });

  it('lists every wrong value with its key and reason', () => {
    // Act
    const read = () =>
      readDeploymentContext(
        lookup({ stage: 'Prod', sesIdentityArn: 'arn:aws:sns:eu-central-1:123456789012:x', alarmEmail: 'ops' }),
      );

    // Assess
    expect(read).toThrow(InvalidContextError);
    expect(read).toThrow(
      [
        'context stage: expected lower-case letters, digits and dashes, starting with a letter (at most 20)',
        'context sesIdentityArn: expected an ARN of ses',
        'context alarmEmail: expected an email address',
      ].join('\n'),
    );
  });

  it('refuses sesDomain and sesIdentityArn together: the stack would create an identity that exists', () => {
    // Act
    const read = () =>
      readDeploymentContext(
        lookup({ sesDomain: 'shop.example.com', sesIdentityArn: 'arn:aws:ses:eu-central-1:123456789012:identity/x' }),
      );

    // Assess
    expect(read).toThrow(InvalidContextError);
    expect(read).toThrow(
      /^context sesIdentityArn: give sesDomain \(the stack creates the SES identity\) or sesIdentityArn/,
    );
  });

  it('refuses a push ARN of another service, naming its position', () => {
    // Act
    const read = () =>
      readDeploymentContext(
        lookup({ pushPlatformApplicationArns: `${PUSH_IOS},arn:aws:ses:eu-central-1:123456789012:identity/x` }),
      );

    // Assess
    expect(read).toThrow('context pushPlatformApplicationArns.1: expected an ARN of sns');
  });

  it('refuses half a Connect context, naming the missing key', () => {
    expect(() => readDeploymentContext((key) => (key === 'connectInstanceArn' ? CONNECT_INSTANCE : undefined))).toThrow(
      /context connectContactFlowId: give connectInstanceArn and connectContactFlowId together/,
    );
    expect(() =>
      readDeploymentContext((key) =>
        key === 'connectInstanceArn'
          ? 'arn:aws:sns:eu-central-1:123456789012:x'
          : key === 'connectContactFlowId'
            ? 'f1e2d3c4-b5a6-9780-fedc-ba9876543210'
            : undefined,
      ),
    ).toThrow(/context connectInstanceArn: expected an ARN of connect/);
  });
});

describe('readDeploymentContext: an existing WhatsApp event destination (decision 203)', () => {
  const TOPIC = 'arn:aws:sns:eu-central-1:123456789012:shop-whatsapp-events';
  const PHONE = 'phone-number-id-976c72a700aac43eaf573ae050e0a1b2';
  const read = (context: Record<string, string>) => () => readDeploymentContext((key) => context[key]);

  it('takes the topic only with a phone number id, and never a FIFO topic nor another service', () => {
    expect(read({ whatsappPhoneNumberId: PHONE, whatsappEventsTopicArn: TOPIC })()).toMatchObject({
      whatsappEventsTopicArn: TOPIC,
    });
    expect(read({ whatsappEventsTopicArn: TOPIC })).toThrow(
      /context whatsappEventsTopicArn: give whatsappPhoneNumberId too/,
    );
    expect(read({ whatsappPhoneNumberId: PHONE, whatsappEventsTopicArn: `${TOPIC}.fifo` })).toThrow(
      /context whatsappEventsTopicArn: expected a standard topic/,
    );
    expect(read({ whatsappPhoneNumberId: PHONE, whatsappEventsTopicArn: 'arn:aws:sqs:eu-central-1:1:x' })).toThrow(
      /context whatsappEventsTopicArn: expected an ARN of sns/,
    );
  });
});

describe('readDeploymentContext: ceilings (issue 20)', () => {
  it('reads the ingest throttle, warm throughput and reserved concurrency from -c strings', () => {
    // Act
    const context = readDeploymentContext(
      lookup({
        ingestRateLimit: '1000',
        ingestBurstLimit: '2000',
        tableWarmReadUnits: '40000',
        tableWarmWriteUnits: 20_000,
        ingestReservedConcurrency: '200',
      }),
    );

    // Assess
    expect(context).toMatchObject({
      ingestRateLimit: 1000,
      ingestBurstLimit: 2000,
      tableWarmReadUnits: 40_000,
      tableWarmWriteUnits: 20_000,
      ingestReservedConcurrency: 200,
    });
  });

  it('refuses a throttle above API Gateway’s account limits and warm throughput below what a new table has', () => {
    // Act
    const read = () =>
      readDeploymentContext(
        lookup({
          ingestRateLimit: '20000',
          ingestBurstLimit: '1.5',
          tableWarmReadUnits: '100',
          tableWarmWriteUnits: '10',
        }),
      );

    // Assess
    expect(read).toThrow(
      [
        "context ingestRateLimit: expected at most 10,000 (API Gateway's default account limit per Region)",
        'context ingestBurstLimit: expected a whole number',
        'context tableWarmReadUnits: expected at least 12,000',
        'context tableWarmWriteUnits: expected at least 4,000',
      ].join('\n'),
    );
  });

  it('refuses a reservation that would leave fewer than 100 of the account’s executions unreserved', () => {
    // Act
    const tooMuch = () => readDeploymentContext(lookup({ ingestReservedConcurrency: '901' }));
    const raisedQuota = readDeploymentContext(lookup({ ingestReservedConcurrency: '901', accountConcurrency: '5000' }));
    const justFits = readDeploymentContext(lookup({ ingestReservedConcurrency: '900' }));

    // Assess
    expect(tooMuch).toThrow(/^context ingestReservedConcurrency: would leave fewer than 100 .* unreserved/);
    expect(raisedQuota.ingestReservedConcurrency).toBe(901);
    expect(justFits.ingestReservedConcurrency).toBe(900);
  });
});
