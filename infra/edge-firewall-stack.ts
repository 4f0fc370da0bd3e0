/**
 * The edge firewall: a WAFv2 web ACL for CloudFront, which AWS only accepts in us-east-1, so it is
 * a stack of its own there (`Sadakat-<stage>-EdgeFirewall`). The pipeline stack, in any region,
 * puts CloudFront in front of its HTTP API with this ACL when given its ARN (`edgeWebAclArn`):
 * a value an operator copies from this stack's `WebAclArn` output, or the ARN of an ACL the
 * organisation already manages. docs/deploy.md "Capacity strangers cannot exhaust"; decision 111.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';

/** Paths that get no per-IP limit: one-click unsubscribes and confirmations arrive in bursts from mailbox providers' few IPs. */
export const UNLIMITED_PATH_PREFIXES = ['/u/', '/c/'] as const;

/** Requests per IP per minute to everything else (ingest, the settings route). */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 300;

export interface EdgeFirewallStackProps extends StackProps {
  /** Requests one IP may make in a minute before it is blocked for the rest of the window. */
  rateLimitPerMinute?: number;
}

export class EdgeFirewallStack extends Stack {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeFirewallStackProps = {}) {
    super(scope, id, props);
    const metric = (name: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `${this.stackName}-${name}`,
    });
    // Only a rate-based rule: each rule is $1 a month, and AWS's managed rule groups (SQL
    // injection, known bad inputs) guard against attacks on servers this API does not have.
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      description: 'sadakat - per-IP rate limit in front of ingest, unsubscribe and confirm links exempt',
      defaultAction: { allow: {} },
      visibilityConfig: metric('acl'),
      rules: [
        {
          name: 'per-ip-rate',
          priority: 0,
          action: { block: {} },
          visibilityConfig: metric('per-ip-rate'),
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              evaluationWindowSec: 60,
              limit: props.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE,
              scopeDownStatement: {
                notStatement: {
                  statement: {
                    orStatement: {
                      statements: UNLIMITED_PATH_PREFIXES.map((prefix) => ({
                        byteMatchStatement: {
                          fieldToMatch: { uriPath: {} },
                          positionalConstraint: 'STARTS_WITH',
                          searchString: prefix,
                          textTransformations: [{ priority: 0, type: 'NONE' }],
                        },
                      })),
                    },
                  },
                },
              },
            },
          },
        },
      ],
    });
    new CfnOutput(this, 'WebAclArn', {
      value: this.webAcl.attrArn,
      description: 'Give it to the pipeline deploy as -c edgeWebAclArn=<this>',
    }).overrideLogicalId('WebAclArn');
  }
}
