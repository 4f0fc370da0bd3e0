/**
 * The storefront-facing endpoint: an API Gateway HTTP API whose Segment Tracking API routes all
 * go to the ingest function, which checks the write key, resolves anonymous ids and enqueues
 * into events.fifo. The stage is throttled and access-logged (without client IPs).
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { type CfnStage, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Distribution } from 'aws-cdk-lib/aws-cloudfront';
import { Construct } from 'constructs';
import { EdgeOrigin } from './edge-distribution.js';
import type { OperatorAlerts } from './operator-alerts.js';
import { SadakatFunction } from './sadakat-function.js';
import { grantTableAccess, TABLE_ACCESS } from './table-access.js';
import { KMS_ENCRYPT_DECRYPT } from './wildcard-acknowledgements.js';

/** Segment's calls and the one-letter aliases its browser and mobile libraries use. */
export const INGEST_PATHS = ['batch', 'track', 'identify', 'page', 'screen', 'group', 'alias', 'b', 't', 'i', 'p'].map(
  (call) => `/v1/${call}`,
);

/** analytics.js reads its settings here (`cdnURL` pointed at this API). */
export const SETTINGS_PATH = '/v1/projects/{writeKey}/settings';

export interface IngestApiProps {
  table: ITable;
  eventsQueue: IQueue;
  writeKeys: ISecret;
  identitySecret: ISecret;
  /** The campaign folder: ingest reads settings.yaml `trust` (server-only events from browsers). */
  campaignDir: string;
  alerts: OperatorAlerts;
  /** Steady requests per second over the whole stage (each request may carry a batch). */
  rateLimit?: number;
  /** Default: twice `rateLimit`, at least 400 and at most API Gateway's account burst. */
  burstLimit?: number;
  /** Concurrent executions reserved for the ingest function (opt-in, context `ingestReservedConcurrency`). */
  reservedConcurrency?: number;
  /** CloudFront with this CloudFront-scope web ACL in front, and the API open to nothing else (decision 111). */
  edgeWebAclArn?: string;
}

/** The stage's throttle without context: 200 requests a second, bursts of 400. */
export const DEFAULT_INGEST_THROTTLE = { rateLimit: 200, burstLimit: 400 } as const;
/** API Gateway's default burst per account and Region: a stage's burst above it is never reached. */
const ACCOUNT_BURST = 5_000;

/** The stage throttle for `rateLimit` (default 200) and `burstLimit` (default: twice the rate, 400 to 5,000). */
export function ingestThrottle(rateLimit?: number, burstLimit?: number): { rateLimit: number; burstLimit: number } {
  const rate = rateLimit ?? DEFAULT_INGEST_THROTTLE.rateLimit;
  return {
    rateLimit: rate,
    burstLimit: burstLimit ?? Math.min(ACCOUNT_BURST, Math.max(DEFAULT_INGEST_THROTTLE.burstLimit, 2 * rate)),
  };
}

export class IngestApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly handler: SadakatFunction;
  /** CloudFront in front of the API, when the stack has an edge firewall. */
  readonly distribution?: Distribution;
  /** What storefronts and mail links use: CloudFront's URL with an edge firewall, else the API's own endpoint. */
  readonly publicUrl: string;

  constructor(scope: Construct, id: string, props: IngestApiProps) {
    super(scope, id);
    const edge = props.edgeWebAclArn === undefined ? undefined : new EdgeOrigin(this, 'Edge', { alerts: props.alerts });

    const handler = new SadakatFunction(this, 'Ingest', {
      name: 'ingest',
      description: 'sadakat ingest: Segment Tracking API → events.fifo',
      memorySize: 512,
      timeout: Duration.seconds(10),
      campaignDir: props.campaignDir,
      ...(props.reservedConcurrency === undefined ? {} : { reservedConcurrentExecutions: props.reservedConcurrency }),
      environment: {
        TABLE_NAME: props.table.tableName,
        EVENTS_QUEUE_URL: props.eventsQueue.queueUrl,
        WRITE_KEYS_SECRET_ARN: props.writeKeys.secretArn,
        IDENTITY_SECRET_ARN: props.identitySecret.secretArn,
      },
    });
    // Ingest only looks up identity links (ID# items); process-events writes them.
    grantTableAccess(handler.function, props.table, TABLE_ACCESS.ingest);
    props.eventsQueue.grantSendMessages(handler.function);
    props.writeKeys.grantRead(handler.function);
    props.identitySecret.grantRead(handler.function);
    handler.acknowledgeWildcards(KMS_ENCRYPT_DECRYPT);
    props.alerts.watchFunction(handler, handler.function);

    const api = new HttpApi(this, 'Api', {
      description: 'sadakat: Segment-compatible event ingest',
      createDefaultStage: false,
      // Every route, those other constructs add included, unless a route names another.
      ...(edge ? { defaultAuthorizer: edge.authorizer } : {}),
    });
    const integration = new HttpLambdaIntegration('Ingest', handler.function);
    // Preflights go to the function too: the allowed origins are per browser key, in the write-keys secret.
    const routes = [
      ...INGEST_PATHS.map((path) => ({ path, methods: [HttpMethod.POST, HttpMethod.OPTIONS] })),
      { path: SETTINGS_PATH, methods: [HttpMethod.GET, HttpMethod.OPTIONS] },
    ];
    for (const { path, methods } of routes) {
      for (const route of api.addRoutes({ path, methods, integration })) {
        // The write key is the Segment protocol's credential (Basic auth or body); the function checks it.
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'Storefronts authenticate with a Segment write key (Basic auth or writeKey in the body, which no API Gateway authorizer can read); ingest verifies it in constant time and answers 401.',
        });
      }
    }

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'Stage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      throttle: ingestThrottle(props.rateLimit, props.burstLimit),
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            route: '$context.routeKey',
            status: '$context.status',
            length: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    this.api = api;
    this.handler = handler;
    if (edge && props.edgeWebAclArn !== undefined) {
      this.distribution = edge.distribute(api, props.edgeWebAclArn);
      // analytics.js's settings name the host storefronts send to: CloudFront's, never the API's own.
      handler.function.addEnvironment('PUBLIC_HOST', this.distribution.distributionDomainName);
      this.publicUrl = `https://${this.distribution.distributionDomainName}`;
    } else {
      this.publicUrl = api.apiEndpoint;
    }
  }

  /**
   * A throttle of their own for routes outside the Segment API (`GET /u/{token}` …): HTTP API
   * throttles each route separately, so storefront traffic cannot use up an unsubscribe's
   * capacity, and a burst of one-click unsubscribes (mailbox providers send them from a few IPs,
   * so no per-IP limit) cannot use up ingest's.
   */
  throttleRoutes(routeKeys: readonly string[], throttle: { rateLimit: number; burstLimit: number }): void {
    const stage = this.stage.node.defaultChild as CfnStage;
    // RouteSettings is untyped JSON to CDK: it passes through as written, so CloudFormation's casing.
    const existing = (stage.routeSettings ?? {}) as Record<string, unknown>;
    const added = Object.fromEntries(
      routeKeys.map((key) => [
        key,
        { ThrottlingRateLimit: throttle.rateLimit, ThrottlingBurstLimit: throttle.burstLimit },
      ]),
    );
    stage.routeSettings = { ...existing, ...added };
  }
}
