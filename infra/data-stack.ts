/**
 * The stateful stack: the single table, the key that encrypts it (and the queues and the
 * bucket), the refresh artifacts bucket, the storefront write keys and the unsubscribe keys.
 * Everything here is retained when the stack goes away, keeps a fixed logical id (renaming a
 * construct must not replace a table full of customers) and has a generated physical name.
 */
import { type CfnResource, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { Table, TableEncryption, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Key, type IKey } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, type BucketProps, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Secret, type ISecret, type SecretProps } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct, IConstruct } from 'constructs';
import { AUDIENCE_INDEX, createTableInput, CUSTOMERS_INDEX, TTL_ATTRIBUTE } from '../shared/aws/table.js';
import { ConsoleAccess } from './constructs/console-access.js';
import { SenderIdentity } from './constructs/sender-identity.js';
import { tableSchemaFrom } from './constructs/table-schema.js';

/**
 * Artifacts of refresh runs older than this are deleted. A run reads only its own, and they hold
 * customer ids with purchase statistics, so an erased customer must not stay in them for long:
 * erasure does not rewrite them, they age out within this many days (decision 61).
 */
export const ARTIFACT_RETENTION = Duration.days(3);
/** Overwritten or deleted versions (the bucket is versioned) go a day later. */
export const ARTIFACT_OLD_VERSION_RETENTION = Duration.days(1);

/**
 * Records Firehose could not convert (`errors/`, the row as it came: allow-listed and pseudonymous)
 * are kept this long to find the cause, then expire; so do Athena's query results (`athena-results/`).
 */
export const ARCHIVE_ERROR_RETENTION = Duration.days(14);
export const ARCHIVE_RESULTS_RETENTION = Duration.days(7);

/**
 * What the pipeline stack imports, as named exports (`<stack>:TableArn` …): names an operator can
 * read, and references that resolve to `Fn::ImportValue` of a known name while the pipeline
 * stack is built, so its cdk-nag finding ids can be computed there.
 */
export interface DataReferences {
  /** The data stack's name: its exports (`<name>:TableArn` …) are what `sadakat doctor` reads. */
  stackName: string;
  tableArn: string;
  keyArn: string;
  artifactsArn: string;
  /** The event archive's bucket (issue 23): Parquet per stream and day, written by Firehose. */
  archiveArn: string;
  writeKeysArn: string;
  unsubscribeKeysArn: string;
  identitySecretArn: string;
  pepperArn: string;
  /** The SES identity this stack created from `sesDomain`; absent when it created none. */
  sesIdentityArn?: string;
}

export interface DataStackProps extends StackProps {
  /** Creates the SES domain identity (Easy DKIM, custom MAIL FROM, retained) with its DNS records as outputs. */
  sesDomain?: string;
  /** The table's warm throughput (context `tableWarmReadUnits`, `tableWarmWriteUnits`): raised ahead of a known peak. */
  warmThroughput?: { readUnitsPerSecond?: number; writeUnitsPerSecond?: number };
  /**
   * Issue 20's indexes on the table (context `scaleIndexes`, default `all`): `none` leaves the
   * `audience` and `customers` indexes out, `audience` only the `customers` one — one GSI per
   * stack update is all CloudFormation takes on an existing table.
   */
  scaleIndexes?: 'none' | 'audience' | 'all';
  /** The pipeline stack's name: the console policy may read its outputs (the deployed campaign's hash). */
  pipelineStackName?: string;
}

export class DataStack extends Stack {
  readonly references: DataReferences;
  readonly key: IKey;
  readonly table: ITable;
  readonly artifacts: IBucket;
  /** The event archive (issue 23): pseudonymous rows, kept until the operator deletes them. */
  readonly archive: IBucket;
  /** Storefront write keys, `[{ id, key, scope, origins? }]` (or the older comma-separated list); see docs/deploy.md. */
  readonly writeKeys: ISecret;
  /** The identity secret storefront back ends sign `context.identityToken` with (DESIGN "Trust"). */
  readonly identitySecret: ISecret;
  /** HMAC keys of unsubscribe tokens, as `{"current":"k1","keys":{"k1":"…"}}`; see docs/deploy.md. */
  readonly unsubscribeKeys: ISecret;
  /** The key of every hash kept on purpose (tombstones, suppressions, audit lines, limits); DESIGN "Trust". */
  readonly pepper: ISecret;
  /** The sending identity, when `sesDomain` was given. */
  readonly sender?: SenderIdentity;

  constructor(scope: Construct, id: string, props: DataStackProps = {}) {
    super(scope, id, props);

    const key = new Key(this, 'DataKey', {
      description: 'sadakat: customer data at rest (table, queues, artifacts)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    stableId(key, 'DataKey');

    // The table name is only a placeholder here: CloudFormation generates the deployed one.
    const { globalSecondaryIndexes, ...keys } = tableSchemaFrom(createTableInput('generated'));
    const table = new Table(this, 'Table', {
      ...keys,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(props.warmThroughput === undefined ? {} : { warmThroughput: props.warmThroughput }),
    });
    for (const index of indexesOf(globalSecondaryIndexes, props.scaleIndexes ?? 'all'))
      table.addGlobalSecondaryIndex(index);
    stableId(table, 'Table');

    const artifacts = retainedBucket(this, 'Artifacts', key, {
      versioned: true,
      lifecycleRules: [
        { id: 'expire-old-refresh-runs', prefix: 'refresh/', expiration: ARTIFACT_RETENTION },
        { id: 'drop-overwritten-versions', noncurrentVersionExpiration: ARTIFACT_OLD_VERSION_RETENTION },
      ],
      noAccessLogs:
        'Only the refresh functions of this app read and write the bucket (through their roles); server access logs would add a second bucket with nothing to audit beyond CloudTrail.',
    });

    // Beside the table and the artifacts it reads: the policy a marketer attaches to run `sadakat console --table`.
    new ConsoleAccess(this, 'Console', {
      table,
      snapshotBucket: artifacts,
      ...(props.pipelineStackName === undefined ? {} : { pipelineStackName: props.pipelineStackName }),
    });

    // The event archive (issue 23): Parquet written by Firehose (the pipeline stack), read by Athena.
    // Not versioned: objects are only ever added, and a deleted object must really be gone. Rows
    // are pseudonymous under per-customer keys that erasure deletes (crypto-shredding), so
    // nothing in here is rewritten when a customer is forgotten.
    const archive = retainedBucket(this, 'Archive', key, {
      lifecycleRules: [
        { id: 'expire-conversion-errors', prefix: 'errors/', expiration: ARCHIVE_ERROR_RETENTION },
        { id: 'expire-query-results', prefix: 'athena-results/', expiration: ARCHIVE_RESULTS_RETENTION },
      ],
      noAccessLogs:
        "Only the archive's Firehose role writes it and Athena (through IAM) reads it; server access logs would add a second bucket with nothing to audit beyond CloudTrail.",
    });

    // Stateful on purpose: storefronts embed the key, so a replaced secret would break every shop.
    const writeKeys = retainedSecret(this, 'WriteKeys', {
      description: 'sadakat: storefront write keys, [{ id, key, scope, origins? }]; see docs/deploy.md',
      // The Secrets Manager key, not the data key: granting ingest the data key through
      // Secrets Manager would put the pipeline's role into this stack's key policy (a cycle).
      generateSecretString: { passwordLength: 40, excludePunctuation: true, includeSpace: false },
      noRotation:
        'Write keys are public client identifiers embedded in storefront code (Segment protocol); rotation is a coordinated change (add a key, redeploy storefronts, remove the old one) described in docs/deploy.md, not a Lambda rotation.',
    });

    // Stateful too: tokens never expire (opt-out must keep working), so their keys must outlive any deploy.
    // CloudFormation cannot generate the nested JSON; the operator writes the first keyring (docs/deploy.md).
    const unsubscribeKeys = retainedSecret(this, 'UnsubscribeKeys', {
      description: 'sadakat: unsubscribe token keys {"current":"k1","keys":{"k1":"<secret>"}}; see docs/deploy.md',
      noRotation:
        'Unsubscribe links never expire, so keys are added, never replaced: a new key becomes current and old ones stay to verify old links (docs/deploy.md); automatic rotation would break them.',
    });

    // Stateful too: storefront back ends sign identity tokens with it; replacing it logs every browser out of "verified".
    const identitySecret = retainedSecret(this, 'IdentitySecret', {
      description:
        'sadakat: identity secret; context.identityToken = hex HMAC-SHA256(secret, userId); see docs/deploy.md',
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      noRotation:
        'The storefront back end holds a copy to sign identity tokens; rotation is coordinated (docs/deploy.md), since a Lambda rotation would invalidate every signed-in page at once.',
    });

    // Retained and never rotated: every suppression entry and tombstone is keyed by it, so a new
    // pepper would forget them all (old entries under bare sha256 keys stay readable regardless).
    const pepper = retainedSecret(this, 'Pepper', {
      description: 'sadakat: pepper of kept hashes (suppressions, tombstones, audit lines, limits); never rotate',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      noRotation:
        'The pepper keys every suppression entry and erasure tombstone; rotating it would orphan them all (a customer who unsubscribed would be mailed again), so it is generated once and kept.',
    });

    // Here, not in the pipeline stack: the identity is retained, and a pipeline stack destroyed and
    // deployed again would otherwise fail creating an identity that still exists. Deployed first,
    // so its DNS records can verify while the rest is set up (docs/deploy.md section 2).
    if (props.sesDomain !== undefined) {
      this.sender = new SenderIdentity(this, 'Sender', { domain: props.sesDomain });
      stableId(this.sender.identity, 'SesIdentity');
    }

    const exported = (value: string, name: string): string =>
      this.exportValue(value, { name: `${this.stackName}:${name}` });
    this.references = {
      stackName: this.stackName,
      tableArn: exported(table.tableArn, 'TableArn'),
      keyArn: exported(key.keyArn, 'DataKeyArn'),
      artifactsArn: exported(artifacts.bucketArn, 'ArtifactsArn'),
      archiveArn: exported(archive.bucketArn, 'ArchiveArn'),
      writeKeysArn: exported(writeKeys.secretArn, 'WriteKeysArn'),
      unsubscribeKeysArn: exported(unsubscribeKeys.secretArn, 'UnsubscribeKeysArn'),
      identitySecretArn: exported(identitySecret.secretArn, 'IdentitySecretArn'),
      pepperArn: exported(pepper.secretArn, 'PepperArn'),
      ...(this.sender === undefined
        ? {}
        : { sesIdentityArn: exported(this.sender.identity.emailIdentityArn, 'SesIdentityArn') }),
    };
    this.key = key;
    this.table = table;
    this.artifacts = artifacts;
    this.archive = archive;
    this.writeKeys = writeKeys;
    this.unsubscribeKeys = unsubscribeKeys;
    this.identitySecret = identitySecret;
    this.pepper = pepper;
  }
}

/**
 * A private bucket under the data key, TLS only, kept across deploys and stack deletion under a
 * fixed logical id; stale multipart uploads are aborted after a day. `noAccessLogs` is the reason
 * it has no server access logs (cdk-nag AwsSolutions-S1).
 */
function retainedBucket(
  scope: Construct,
  id: string,
  key: IKey,
  props: Pick<BucketProps, 'versioned' | 'lifecycleRules'> & { noAccessLogs: string },
): Bucket {
  const bucket = new Bucket(scope, id, {
    encryption: BucketEncryption.KMS,
    encryptionKey: key,
    bucketKeyEnabled: true,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    ...(props.versioned === undefined ? {} : { versioned: props.versioned }),
    lifecycleRules: [
      ...(props.lifecycleRules ?? []),
      { id: 'abort-stale-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
    ],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  stableId(bucket, id);
  Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason: props.noAccessLogs });
  return bucket;
}

/**
 * A secret kept across deploys and stack deletion, under a fixed logical id, with the reason it is
 * not rotated by Lambda (cdk-nag AwsSolutions-SMG4).
 */
function retainedSecret(
  scope: Construct,
  id: string,
  props: Pick<SecretProps, 'description' | 'generateSecretString'> & { noRotation: string },
): Secret {
  const { noRotation, ...secretProps } = props;
  const secret = new Secret(scope, id, { ...secretProps, removalPolicy: RemovalPolicy.RETAIN });
  stableId(secret, id);
  Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: noRotation });
  return secret;
}

/** Pins the CloudFormation logical id so refactoring the construct tree never replaces the resource. */
function stableId(construct: IConstruct, logicalId: string): void {
  (construct.node.defaultChild as CfnResource).overrideLogicalId(logicalId);
}

/** The table's indexes a deployment has: every one of createTableInput, less those of issue 20 not yet rolled out. */
export function indexesOf<T extends { indexName: string }>(
  indexes: readonly T[],
  scale: 'none' | 'audience' | 'all',
): T[] {
  const left = scale === 'all' ? [] : scale === 'audience' ? [CUSTOMERS_INDEX] : [AUDIENCE_INDEX, CUSTOMERS_INDEX];
  return indexes.filter((index) => !left.includes(index.indexName));
}
