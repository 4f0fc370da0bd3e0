/**
 * cdk-nag AwsSolutions-IAM5 acknowledgements for the wildcards that CDK's own grants write.
 * Each is one exact finding (v3 has no prefix match) with the reason it is acceptable; the
 * resource findings are computed from the same ARN token the grant used, so they name exactly
 * the ARN cdk-nag reports.
 */
import { Stack, Validations } from 'aws-cdk-lib';
// cdk-nag's own renderer of a CloudFormation reference inside a finding id (not re-exported by its index).
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

export interface WildcardFinding {
  /** `Action::…` or `Resource::…`, as cdk-nag prints it inside `AwsSolutions-IAM5[…]`. */
  finding: string;
  reason: string;
}

export function acknowledgeWildcards(scope: IConstruct, findings: readonly WildcardFinding[]): void {
  for (const { finding, reason } of findings)
    Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
}

/** The finding for a resource ARN (a token or a literal) as it appears in `scope`'s stack. */
export function resourceFinding(scope: IConstruct, arn: string, reason: string): WildcardFinding {
  return { finding: `Resource::${flattenCfnReference(Stack.of(scope).resolve(arn))}`, reason };
}

/** What `key.grantEncryptDecrypt` (SQS send, DynamoDB writes on an encrypted table) adds. */
export const KMS_ENCRYPT_DECRYPT: readonly WildcardFinding[] = [
  {
    finding: 'Action::kms:GenerateDataKey*',
    reason:
      "CDK KMS grant for server-side encryption (SQS/DynamoDB call GenerateDataKey on the caller's behalf); scoped to the one data key.",
  },
  {
    finding: 'Action::kms:ReEncrypt*',
    reason:
      'CDK KMS grant for server-side encryption (ReEncryptFrom/To when AWS rotates data keys); scoped to the one data key.',
  },
];

/** What `bucket.grantRead(fn, prefix)` adds besides the prefix itself. */
export const S3_READ: readonly WildcardFinding[] = [
  {
    finding: 'Action::s3:GetObject*',
    reason: 'CDK S3 read grant (GetObject and its version/ACL variants), limited to the artifacts prefix.',
  },
  {
    finding: 'Action::s3:GetBucket*',
    reason: 'CDK S3 read grant (bucket location and metadata the SDK needs), on the artifacts bucket only.',
  },
  {
    finding: 'Action::s3:List*',
    reason: 'CDK S3 read grant (ListBucket so a missing artifact is a 404, not a 403), on the artifacts bucket only.',
  },
];

/** What `bucket.grantPut(fn, prefix)` adds besides the prefix itself. */
export const S3_PUT: readonly WildcardFinding[] = [
  {
    finding: 'Action::s3:Abort*',
    reason: 'CDK S3 put grant (AbortMultipartUpload for failed uploads), limited to the artifacts prefix.',
  },
];
