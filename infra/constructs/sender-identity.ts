/**
 * The SES domain identity mail is sent from, created from the `sesDomain` context: Easy DKIM and a
 * custom MAIL FROM subdomain, retained with the data stack (a verified identity and its DNS
 * records outlive any deploy). The stack outputs are the DNS records the operator publishes.
 * CloudFormation exposes the DKIM tokens as attributes but nothing for the MAIL FROM domain, so
 * its MX and SPF records are computed here from the region and the domain (docs/deploy.md §2).
 */
import { Aws, CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import { EmailIdentity, Identity, MailFromBehaviorOnMxFailure } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

/** The MAIL FROM subdomain: `bounce.<sesDomain>`, used for nothing else (SPF then aligns for DMARC). */
export const MAIL_FROM_SUBDOMAIN = 'bounce';

/** SES's published SPF include; the same in every region. */
export const MAIL_FROM_SPF = 'v=spf1 include:amazonses.com ~all';

/** Where SES receives bounces for a custom MAIL FROM domain in `region` (priority 10). */
export function mailFromMx(region: string): string {
  return `10 feedback-smtp.${region}.amazonses.com`;
}

/** The DMARC record docs/deploy.md asks for first: report only, tightened after reading the reports. */
export function dmarcRecord(domain: string): string {
  return `_dmarc.${domain} TXT "v=DMARC1; p=none; rua=mailto:dmarc-reports@${domain}"`;
}

export interface SenderIdentityProps {
  /** The sending domain, e.g. `shop.example.com` (deployment context `sesDomain`). */
  domain: string;
}

export class SenderIdentity extends Construct {
  readonly identity: EmailIdentity;
  readonly mailFromDomain: string;

  constructor(scope: Construct, id: string, props: SenderIdentityProps) {
    super(scope, id);
    const { domain } = props;
    this.mailFromDomain = `${MAIL_FROM_SUBDOMAIN}.${domain}`;
    this.identity = new EmailIdentity(this, 'Identity', {
      identity: Identity.domain(domain),
      // Easy DKIM (2048-bit keys rotated by SES); the three CNAMEs are the outputs below.
      dkimSigning: true,
      mailFromDomain: this.mailFromDomain,
      // Until the MX record is published SES sends with its own MAIL FROM rather than refusing mail.
      mailFromBehaviorOnMxFailure: MailFromBehaviorOnMxFailure.USE_DEFAULT_VALUE,
    });
    // A verified identity is account state with DNS behind it: deleting the stack must not
    // un-verify the domain. A second stack creating the same identity fails (import it instead).
    this.identity.applyRemovalPolicy(RemovalPolicy.RETAIN);

    const dkim = [
      [this.identity.dkimDnsTokenName1, this.identity.dkimDnsTokenValue1],
      [this.identity.dkimDnsTokenName2, this.identity.dkimDnsTokenValue2],
      [this.identity.dkimDnsTokenName3, this.identity.dkimDnsTokenValue3],
    ] as const;
    dkim.forEach(([name, value], index) => {
      this.output(
        `DkimRecord${index + 1}`,
        `${name} CNAME ${value}`,
        `Easy DKIM record ${index + 1} of 3 for ${domain}`,
      );
    });
    this.output(
      'MailFromMxRecord',
      `${this.mailFromDomain} MX ${mailFromMx(Aws.REGION)}`,
      `MX record of the custom MAIL FROM domain ${this.mailFromDomain}`,
    );
    this.output(
      'MailFromSpfRecord',
      `${this.mailFromDomain} TXT "${MAIL_FROM_SPF}"`,
      `SPF record of the custom MAIL FROM domain ${this.mailFromDomain}`,
    );
    this.output(
      'DmarcRecord',
      dmarcRecord(domain),
      'Start DMARC at p=none, read the aggregate reports, then tighten (docs/deploy.md section 2)',
    );
  }

  /** A stack output under a fixed name (not a hashed construct path): operators and docs look it up by it. */
  private output(name: string, value: string, description: string): void {
    new CfnOutput(this, name, {
      value,
      description: `${description}: publish it in the domain's DNS`,
    }).overrideLogicalId(name);
  }
}
