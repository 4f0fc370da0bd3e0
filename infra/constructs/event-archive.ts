/**
 * The event archive in AWS (issue 23): per stream (events, decisions, engagement) a Firehose
 * delivery stream that converts the functions' JSON rows to Parquet with the Glue table's schema
 * and writes them to the archive bucket (data stack) under `<stream>/dt=<the row's own UTC day>/`;
 * a Glue database with the three tables, generated from shared/archive/columns.ts — the list the
 * writers fill, since Firehose's conversion drops any field its schema lacks — with partition
 * projection on `dt`; an Athena workgroup with the saved queries of shared/archive/queries.ts.
 *
 * Records that fail conversion go to `errors/<stream>/format-conversion-failed/…` as they came
 * (the allow-listed, pseudonymous row: no more than the table would hold) and expire with the
 * bucket's lifecycle rule (ARCHIVE_ERROR_RETENTION). Alarms: a conversion failure, a stream above
 * 80% of any of its quotas, and every `archive write failed` line of a writing function (rows
 * Firehose refused; the customer's message was not failed for them).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { CfnNamedQuery, CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { PolicyStatement, Role, ServicePrincipal, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { CfnDeliveryStream } from 'aws-cdk-lib/aws-kinesisfirehose';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, LogGroup, LogStream, MetricFilter, RetentionDays, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ARCHIVE_COLUMNS,
  ARCHIVE_STREAMS,
  PARTITION_COLUMN,
  PARTITION_TIME,
  type ArchiveStream,
  type ColumnType,
} from '../../shared/archive/columns.js';
import { ARCHIVE_FAILED } from '../../shared/archive/ports.js';
import { ARCHIVE_QUERIES } from '../../shared/archive/queries.js';
import { ARCHIVE_STREAM_ENV } from '../../shared/aws/firehose-archive.js';
import type { OperatorAlerts } from './operator-alerts.js';
import { acknowledgeWildcards, resourceFinding } from './wildcard-acknowledgements.js';

/** Firehose's record format conversion needs a buffer of at least 64 MB. */
export const ARCHIVE_BUFFER_MB = 64;
/** At most this long before a smaller buffer is written anyway (Firehose allows 900 s). */
export const ARCHIVE_BUFFER_SECONDS = 900;
/** Where Firehose writes records it could not convert or partition (the bucket expires them). */
export const ARCHIVE_ERROR_PREFIX = 'errors/';
/** Where the workgroup writes query results (the bucket expires them). */
export const ATHENA_RESULTS_PREFIX = 'athena-results/';
/** Alarm when a stream uses more than this share of a quota (records, bytes or calls per second). */
export const ARCHIVE_QUOTA_ALARM_SHARE = 0.8;
/** The metric (namespace `sadakat/<stack name>`) of archive rows a function lost to Firehose. */
export const ARCHIVE_FAILED_METRIC = 'ArchiveRowsFailed';
/** The timestamp formats of the JSON rows (ISO 8601 UTC from toISOString, or without millis). */
export const ARCHIVE_TIMESTAMP_FORMATS = ["yyyy-MM-dd'T'HH:mm:ss.SSSZZ", "yyyy-MM-dd'T'HH:mm:ssZZ"];
/** The first day partition projection knows; a later one only shortens Athena's listing. */
export const ARCHIVE_FIRST_DAY = '2026-01-01';

const GLUE_TYPES: Readonly<Record<ColumnType, string>> = {
  string: 'string',
  double: 'double',
  boolean: 'boolean',
  timestamp: 'timestamp',
};

/** A Glue column per archive column, in the writer's order; comments cut to Glue's 255 characters. */
export function glueColumns(stream: ArchiveStream): CfnTable.ColumnProperty[] {
  return ARCHIVE_COLUMNS[stream].map((column) => ({
    name: column.name,
    type: GLUE_TYPES[column.type],
    comment: column.doc.slice(0, 255),
  }));
}

/** The jq query that gives a row its partition day: the first 10 characters of its own time column. */
export function partitionQuery(stream: ArchiveStream): string {
  return `{${PARTITION_COLUMN.name}: .${PARTITION_TIME[stream]}[0:10]}`;
}

/** A Glue database name for the stack (lowercase letters, digits and underscores). */
export function archiveDatabaseName(stackName: string): string {
  return `${stackName.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_archive`;
}

export interface EventArchiveProps {
  /** The archive bucket (data stack), encrypted with `key`. */
  bucket: IBucket;
  key: IKey;
  alerts: OperatorAlerts;
  /** The functions that write archive rows (process-events, send) with their log groups. */
  writers: readonly { name: string; function: LambdaFunction; logGroup: ILogGroup }[];
}

export class EventArchive extends Construct {
  readonly database: CfnDatabase;
  readonly tables: Readonly<Record<ArchiveStream, CfnTable>>;
  readonly streams: Readonly<Record<ArchiveStream, CfnDeliveryStream>>;
  readonly workGroup: CfnWorkGroup;
  private readonly alerts: OperatorAlerts;

  constructor(scope: Construct, id: string, props: EventArchiveProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { bucket, key } = props;
    this.alerts = props.alerts;
    const databaseName = archiveDatabaseName(stack.stackName);

    this.database = new CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: {
        name: databaseName,
        description: 'sadakat archive: pseudonymous events, send decisions and engagement (README "Your data, out")',
      },
    });

    const tables = {} as Record<ArchiveStream, CfnTable>;
    for (const stream of ARCHIVE_STREAMS) {
      const location = `s3://${bucket.bucketName}/${stream}/`;
      const table = new CfnTable(this, `${pascal(stream)}Table`, {
        catalogId: stack.account,
        databaseName,
        tableInput: {
          name: stream,
          description: `sadakat archive: ${stream} (columns from shared/archive/columns.ts)`,
          tableType: 'EXTERNAL_TABLE',
          parameters: {
            classification: 'parquet',
            EXTERNAL: 'TRUE',
            // Partition projection: Athena computes the day partitions; nothing has to add them.
            'projection.enabled': 'true',
            [`projection.${PARTITION_COLUMN.name}.type`]: 'date',
            [`projection.${PARTITION_COLUMN.name}.format`]: 'yyyy-MM-dd',
            [`projection.${PARTITION_COLUMN.name}.range`]: `${ARCHIVE_FIRST_DAY},NOW`,
            [`projection.${PARTITION_COLUMN.name}.interval`]: '1',
            [`projection.${PARTITION_COLUMN.name}.interval.unit`]: 'DAYS',
            'storage.location.template': `${location}${PARTITION_COLUMN.name}=\${${PARTITION_COLUMN.name}}/`,
          },
          partitionKeys: [{ name: PARTITION_COLUMN.name, type: 'string', comment: PARTITION_COLUMN.doc.slice(0, 255) }],
          storageDescriptor: {
            columns: glueColumns(stream),
            location,
            inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
            outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
            serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
            compressed: true,
          },
        },
      });
      table.addDependency(this.database);
      tables[stream] = table;
    }
    this.tables = tables;

    // Firehose's own delivery errors (S3, Glue, KMS) are logged here; rows never are.
    const logGroup = new LogGroup(this, 'DeliveryLogs', { retention: RetentionDays.ONE_MONTH });
    const role = new Role(this, 'DeliveryRole', {
      assumedBy: new ServicePrincipal('firehose.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'sadakat archive: Firehose writing Parquet to the archive bucket',
    });
    const objectPrefixes = [...ARCHIVE_STREAMS.map((stream) => `${stream}/`), ARCHIVE_ERROR_PREFIX];
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
        resources: [bucket.bucketArn],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
        resources: objectPrefixes.map((prefix) => bucket.arnForObjects(`${prefix}*`)),
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }),
    );
    const glueArn = (resource: string) => stack.formatArn({ service: 'glue', resource, resourceName: undefined });
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'],
        resources: [
          glueArn('catalog'),
          glueArn(`database/${databaseName}`),
          ...ARCHIVE_STREAMS.map((stream) => glueArn(`table/${databaseName}/${stream}`)),
        ],
      }),
    );
    acknowledgeWildcards(
      role,
      objectPrefixes.map((prefix) =>
        resourceFinding(
          role,
          bucket.arnForObjects(`${prefix}*`),
          `Firehose writes objects it names itself (dated, random suffix) under the ${prefix} prefix of the archive bucket only.`,
        ),
      ),
    );

    const streams = {} as Record<ArchiveStream, CfnDeliveryStream>;
    for (const stream of ARCHIVE_STREAMS) {
      const logStream = new LogStream(this, `${pascal(stream)}DeliveryLog`, { logGroup, logStreamName: stream });
      const delivery = new CfnDeliveryStream(this, `${pascal(stream)}Stream`, {
        deliveryStreamType: 'DirectPut',
        deliveryStreamEncryptionConfigurationInput: { keyType: 'AWS_OWNED_CMK' },
        extendedS3DestinationConfiguration: {
          bucketArn: bucket.bucketArn,
          roleArn: role.roleArn,
          prefix: `${stream}/${PARTITION_COLUMN.name}=!{partitionKeyFromQuery:${PARTITION_COLUMN.name}}/`,
          errorOutputPrefix: `${ARCHIVE_ERROR_PREFIX}${stream}/!{firehose:error-output-type}/!{timestamp:yyyy-MM-dd}/`,
          bufferingHints: { sizeInMBs: ARCHIVE_BUFFER_MB, intervalInSeconds: ARCHIVE_BUFFER_SECONDS },
          // Parquet compresses its own pages (Snappy); Firehose's compression must be off.
          compressionFormat: 'UNCOMPRESSED',
          encryptionConfiguration: { kmsEncryptionConfig: { awskmsKeyArn: key.keyArn } },
          cloudWatchLoggingOptions: {
            enabled: true,
            logGroupName: logGroup.logGroupName,
            logStreamName: logStream.logStreamName,
          },
          dynamicPartitioningConfiguration: { enabled: true, retryOptions: { durationInSeconds: 300 } },
          processingConfiguration: {
            enabled: true,
            processors: [
              // A record holds up to 500 rows as JSON lines (shared/aws/firehose-archive.ts).
              { type: 'RecordDeAggregation', parameters: [{ parameterName: 'SubRecordType', parameterValue: 'JSON' }] },
              {
                type: 'MetadataExtraction',
                parameters: [
                  { parameterName: 'MetadataExtractionQuery', parameterValue: partitionQuery(stream) },
                  { parameterName: 'JsonParsingEngine', parameterValue: 'JQ-1.6' },
                ],
              },
            ],
          },
          dataFormatConversionConfiguration: {
            enabled: true,
            inputFormatConfiguration: {
              deserializer: { hiveJsonSerDe: { timestampFormats: ARCHIVE_TIMESTAMP_FORMATS } },
            },
            outputFormatConfiguration: { serializer: { parquetSerDe: { compression: 'SNAPPY' } } },
            schemaConfiguration: {
              catalogId: stack.account,
              databaseName,
              tableName: stream,
              region: stack.region,
              roleArn: role.roleArn,
              versionId: 'LATEST',
            },
          },
        },
      });
      // The role's policy must exist before Firehose first assumes it.
      delivery.node.addDependency(role);
      delivery.addDependency(tables[stream]);
      streams[stream] = delivery;
      this.watchStream(stream, delivery);
    }
    this.streams = streams;

    for (const writer of props.writers) {
      for (const stream of ARCHIVE_STREAMS)
        writer.function.addEnvironment(ARCHIVE_STREAM_ENV[stream], streams[stream].ref);
      grantPut(
        writer.function,
        ARCHIVE_STREAMS.map((stream) => streams[stream].attrArn),
      );
      this.watchWriter(writer.name, writer.logGroup);
    }

    this.workGroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: `${stack.stackName}-archive`,
      description: 'sadakat archive queries (README "Your data, out")',
      // The named queries go with the workgroup when the stack is deleted.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        // 10 GB: a query without a `dt` condition on a large archive stops before it costs much.
        bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${bucket.bucketName}/${ATHENA_RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: key.keyArn },
        },
      },
    });
    for (const query of ARCHIVE_QUERIES) {
      const named = new CfnNamedQuery(this, `Query${pascal(query.name)}`, {
        name: query.name,
        description: query.description,
        database: databaseName,
        queryString: query.sql,
        workGroup: this.workGroup.ref,
      });
      named.addDependency(this.database);
    }
  }

  /** Conversion failures, and a stream nearing any of its per-stream quotas. */
  private watchStream(stream: ArchiveStream, delivery: CfnDeliveryStream): void {
    const period = Duration.minutes(5);
    const metric = (metricName: string, statistic: string) =>
      new Metric({
        namespace: 'AWS/Firehose',
        metricName,
        dimensionsMap: { DeliveryStreamName: delivery.ref },
        period,
        statistic,
      });
    const alerts = this.alerts;
    alerts.alarm(this, `${pascal(stream)}ConversionFailed`, metric('FailedConversion.Records', 'Sum'), {
      description: `Firehose could not convert ${stream} rows to Parquet: they are in the archive bucket under ${ARCHIVE_ERROR_PREFIX}${stream}/ (expiring); check the Glue table against shared/archive/columns.ts.`,
    });
    const seconds = period.toSeconds();
    alerts.alarm(
      this,
      `${pascal(stream)}Quota`,
      new MathExpression({
        expression: `MAX([records / ${seconds} / recordsLimit, bytes / ${seconds} / bytesLimit, puts / ${seconds} / putsLimit])`,
        usingMetrics: {
          records: metric('IncomingRecords', 'Sum'),
          recordsLimit: metric('RecordsPerSecondLimit', 'Maximum'),
          bytes: metric('IncomingBytes', 'Sum'),
          bytesLimit: metric('BytesPerSecondLimit', 'Maximum'),
          puts: metric('IncomingPutRequests', 'Sum'),
          putsLimit: metric('PutRequestsPerSecondLimit', 'Maximum'),
        },
        period,
        label: `${stream} share of its Firehose quota`,
      }),
      {
        threshold: ARCHIVE_QUOTA_ALARM_SHARE,
        description: `The ${stream} delivery stream used more than ${ARCHIVE_QUOTA_ALARM_SHARE * 100}% of a per-stream quota (records, bytes or calls per second): above it rows are refused (counted as archive write failed). Ask for a higher quota.`,
      },
    );
  }

  /** Every `archive write failed` line of a writing function, summed over the rows it names. */
  private watchWriter(name: string, logGroup: ILogGroup): void {
    const failed = new MetricFilter(this, `${pascal(name)}Failed`, {
      logGroup,
      filterPattern: FilterPattern.stringValue('$.message', '=', ARCHIVE_FAILED),
      metricNamespace: `sadakat/${Stack.of(this).stackName}`,
      metricName: ARCHIVE_FAILED_METRIC,
      metricValue: '$.rows',
    });
    this.alerts.alarm(
      this,
      `${pascal(name)}ArchiveFailed`,
      failed.metric({ period: Duration.minutes(5), statistic: 'Sum' }),
      {
        description:
          'Archive rows were lost: Firehose refused a write (quota, outage). The customers’ messages were processed; the archive has a gap for this period.',
      },
    );
  }
}

function grantPut(grantee: IGrantable, streamArns: readonly string[]): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['firehose:PutRecordBatch'], resources: [...streamArns] }),
  );
}

function pascal(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
