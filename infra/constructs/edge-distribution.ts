/**
 * CloudFront with a WAFv2 web ACL in front of the HTTP API (context `edgeWebAclArn`; decision
 * 111). HTTP APIs take no web ACL of their own, so the per-IP limit lives at the edge, and the
 * API accepts only what came through it: CloudFront adds a generated secret in the
 * `x-sadakat-edge` header to every request it forwards (a viewer's own header of that name is
 * overwritten), and the API's default authorizer — every route, those added later included,
 * but unsubscribe, whose old links must keep working — needs it. A request sent to the
 * execute-api endpoint directly has no such header and gets 401 from API Gateway before any
 * function runs; the endpoint's host is published nowhere (the stack's IngestUrl, new mail links
 * and the analytics.js settings all name CloudFront's).
 */
import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  PriceClass,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { EDGE_ORIGIN_HEADER } from '../../shared/events/edge-origin.js';
import type { OperatorAlerts } from './operator-alerts.js';
import { SadakatFunction } from './sadakat-function.js';

export interface EdgeOriginProps {
  alerts: OperatorAlerts;
}

/** The secret and the authorizer; made before the API, which takes the authorizer as its default. */
export class EdgeOrigin extends Construct {
  readonly authorizer: IHttpRouteAuthorizer;
  private readonly secret: Secret;

  constructor(scope: Construct, id: string, props: EdgeOriginProps) {
    super(scope, id);
    // Nothing to keep: CloudFront and the authorizer get a new one together on a new stack.
    this.secret = new Secret(this, 'Secret', {
      description: 'sadakat: the header CloudFront adds to prove a request came through the edge firewall',
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'CloudFront reads the value from the template at deploy time (a dynamic reference), so a Lambda rotation would leave the edge sending the old value until the next deploy and every request refused; replace it by deploying.',
    });
    const handler = new SadakatFunction(this, 'Authorizer', {
      name: 'edge-origin-authorizer',
      description: 'sadakat edge-origin-authorizer: only requests that came through CloudFront reach the API',
      environment: { EDGE_ORIGIN_SECRET_ARN: this.secret.secretArn },
    });
    this.secret.grantRead(handler.function);
    props.alerts.watchFunction(handler, handler.function);
    this.authorizer = new HttpLambdaAuthorizer('EdgeOrigin', handler.function, {
      authorizerName: 'edge-origin',
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      // A request without the header is refused by API Gateway itself, without an invocation.
      identitySource: [`$request.header.${EDGE_ORIGIN_HEADER}`],
      // Cached per header value: CloudFront's one value costs an invocation an hour.
      resultsCacheTtl: Duration.hours(1),
    });
  }

  /** CloudFront in front of `api`, with the web ACL and the secret header, for every path and method. */
  distribute(api: HttpApi, webAclArn: string): Distribution {
    const distribution = new Distribution(this, 'Distribution', {
      comment: 'sadakat: ingest, unsubscribe and confirm links behind the edge firewall',
      defaultBehavior: {
        origin: new HttpOrigin(`${api.apiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`, {
          protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
          customHeaders: { [EDGE_ORIGIN_HEADER]: this.secret.secretValue.unsafeUnwrap() },
        }),
        allowedMethods: AllowedMethods.ALLOW_ALL,
        // Nothing here is cacheable: every answer depends on the key, the body or the token.
        cachePolicy: CachePolicy.CACHING_DISABLED,
        // API Gateway routes on its own host name, so the viewer's Host is the one header not passed.
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      },
      webAclId: webAclArn,
      // North America, Europe (Türkiye included) and Israel: the cheapest class.
      priceClass: PriceClass.PRICE_CLASS_100,
      httpVersion: HttpVersion.HTTP2_AND_3,
    });
    Validations.of(distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'Storefront customers may be anywhere the shop sells; a geo restriction is the shop’s choice, not the app’s.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          'Every request that reaches the API is in its access log (without client IPs, on purpose); WAF keeps sampled requests and metrics of what it blocks. CloudFront standard logs would add a bucket of client IPs.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate cannot set a minimum TLS version; an operator who adds a custom domain with an ACM certificate sets TLSv1.2_2021 there (docs/deploy.md).',
      },
    );
    return distribution;
  }
}
