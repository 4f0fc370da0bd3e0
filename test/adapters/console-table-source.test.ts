/**
 * `sadakat console --table`: every page's requests to the table, counted on a real engine
 * (dynalite) holding 20 customers and then 400. No page may scan, and no page may read more
 * because the table is bigger: the counts are the same at both sizes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  PutObjectCommand,
  type PutObjectCommandInput,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_ACCESS } from '../../infra/constructs/table-access.js';
import { CampaignState } from '../../console/campaign-state.js';
import { type RunningConsole, startConsole } from '../../console/server.js';
import { DeployedTableSource, explainTableError } from '../../console/table-source.js';
import { batchWriteItems, type WriteRequest } from '../../shared/aws/batch-write.js';
import { DynamoJourneyStore } from '../../shared/aws/dynamo-journey-store.js';
import { newRun } from '../../shared/journeys/run.js';
import { stackCampaign } from '../../shared/aws/stack-campaign.js';
import { SAMPLE_ZONES } from '../../shared/aws/dynamo-console-source.js';
import { recordIndexState, registerZones } from '../../shared/aws/dynamo-index-state.js';
import { summarizeSlice } from '../../shared/analytics/refresh/summarize.js';
import { s3ConsoleSnapshot, s3ReportSnapshot } from '../../shared/aws/s3-console-snapshot.js';
import { readReportData } from '../../shared/aws/dynamo-report-source.js';
import { campaignReport, tableReport } from '../../cli/commands/report.js';
import { CONSOLE_SNAPSHOT_KEY, publishConsoleSnapshot } from '../../shared/analytics/refresh/console-counts.js';
import { FileRefreshArtifacts } from '../../shared/local/file-artifacts.js';
import { campaignHash } from '../../shared/config/campaign-hash.js';
import {
  audienceMembershipKey,
  audiencePartition,
  customersShardKey,
  dueShardKey,
  messageStatsKey,
  STATS_SHARDS,
  sendDecisionKey,
  shardOf,
} from '../../shared/aws/table.js';
import { type LocalRuntime, startLocalRuntime } from '../../shared/local/runtime.js';
import { systemClock } from '../../shared/ports.js';
import { emptyProfile } from '../../shared/profiles/schema.js';
import { sendRequestSchema } from '../../shared/channels/send-request.js';

const ROUTES = [
  '/',
  '/customers',
  '/customers?q=c1',
  '/customers/c1',
  '/segments',
  '/segments/email_reachable',
  '/segments/churn_risk',
  '/journeys',
  '/journeys/viewed-not-bought',
  '/messages',
  '/messages?customer=c1',
  '/experiments',
  '/problems',
];

let folder: string;
let runtime: LocalRuntime;
let campaign: CampaignState;
let running: RunningConsole;
let cookie: string;
/** Each request the pages make, as `<action> <partition key>`. */
const requests: string[] = [];

async function seed(from: number, to: number): Promise<void> {
  const at = '2026-11-02T10:00:00.000Z';
  const requests: WriteRequest[] = [];
  for (let i = from; i < to; i++) {
    const id = `c${i}`;
    requests.push(
      {
        PutRequest: {
          Item: { PK: `C#${id}`, SK: 'PROFILE', customersPK: customersShardKey(id), ...emptyProfile(id, at) },
        },
      },
      {
        PutRequest: {
          Item: {
            PK: `C#${id}`,
            SK: `M#m${i}`,
            customerId: id,
            messageId: `m${i}`,
            status: 'sent',
            channel: 'email',
            journeyId: 'viewed-not-bought',
            runId: `r${i}`,
            stepId: 'reminder',
            claimedAt: at,
            updatedAt: at,
          },
        },
      },
      // A decision that sent nothing (decision 205), as the send function keeps it.
      {
        PutRequest: {
          Item: {
            ...sendDecisionKey(id, at, `d${i}`),
            customerId: id,
            messageId: `d${i}`,
            journeyId: 'viewed-not-bought',
            runId: `r${i}`,
            stepId: 'reminder',
            channel: 'sms',
            reason: 'frequency_cap',
            detail: 'sms perDay 1',
            decidedAt: at,
          },
        },
      },
    );
  }
  // The decision counters: one item per step, channel, metric and shard, whatever the customers.
  for (let shard = 0; shard < STATS_SHARDS; shard++) {
    const key = messageStatsKey('viewed-not-bought', undefined, 'reminder', 'email', 'sent', shard);
    requests.push({ PutRequest: { Item: { ...key, count: to } } });
  }
  // Members of the scheduled journey's audience (win-back's churn_risk) in two zones, registered
  // first, as the audience index adapter writes them (DynamoAudienceIndex.apply).
  const zones = ['-', 'Europe/Istanbul'];
  await registerZones(runtime.doc, runtime.tableName, zones);
  for (let i = from; i < to; i++) {
    const bucket = zones[i % 2] as string;
    const item = { ...audienceMembershipKey(`c${i}`, 'churn_risk'), bucket };
    requests.push({
      PutRequest: { Item: { ...item, audPK: audiencePartition('churn_risk', bucket, shardOf(`c${i}`)) } },
    });
  }
  await batchWriteItems(runtime.doc, runtime.tableName, requests, { operation: 'seed' });
}

async function countPerRoute(): Promise<Record<string, string[]>> {
  const perRoute: Record<string, string[]> = {};
  for (const route of ROUTES) {
    requests.length = 0;
    const response = await fetch(`http://127.0.0.1:${running.port}${route}`, {
      headers: { cookie },
      redirect: 'manual',
    });
    await response.text();
    perRoute[route] = [...requests].sort(); // a variant's stats partitions are read at once, in no set order
  }
  return perRoute;
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'sadakat-console-table-'));
  runtime = await startLocalRuntime({ dataDir: folder, engine: 'dynalite', clock: systemClock, fresh: true });
  runtime.doc.middlewareStack.add(
    (next, context) => async (args) => {
      const values = (args.input as { ExpressionAttributeValues?: Record<string, unknown> }).ExpressionAttributeValues;
      requests.push(`${String(context.commandName).replace(/Command$/, '')} ${String(values?.[':pk'] ?? '-')}`);
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  campaign = await CampaignState.open('campaign', () => systemClock.now());
  const source = new DeployedTableSource(runtime.doc, runtime.tableName, 'eu-central-1', campaign, systemClock);
  running = await startConsole({ port: 0, source, campaign, clock: systemClock });
  const opened = await fetch(running.url, { redirect: 'manual' });
  cookie = (opened.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}, 60_000);

afterAll(async () => {
  await running?.close();
  campaign?.close();
  await runtime?.stop();
  await rm(folder, { recursive: true, force: true });
});

describe('sadakat console --table: requests per page', () => {
  it('never scans, and reads as much from a table of 400 customers as from one of 20', async () => {
    // Prepare
    await seed(0, 20);
    const small = await countPerRoute();
    await seed(20, 400);

    // Act
    const large = await countPerRoute();

    console.log(
      'requests per page in --table mode (20 → 400 customers):',
      Object.entries(large).map(([route, reads]) => `${route} ${small[route]?.length} → ${reads.length}`),
    );
    // Assess: the same requests, on the same partitions, at both sizes — but an audience's sample,
    // which reads zone after zone until it has its members: at most 1 + SAMPLE_ZONES × 16 Queries.
    const sample = '/segments/churn_risk';
    expect({ ...large, [sample]: [] }).toEqual({ ...small, [sample]: [] });
    for (const reads of [small[sample] ?? [], large[sample] ?? []]) {
      expect(reads.length).toBeGreaterThan(1);
      expect(reads.length).toBeLessThanOrEqual(1 + SAMPLE_ZONES * 16 + (large['/segments'] ?? []).length);
    }
    const all = Object.values(large).flat();
    const actions = all.map((request) => request.split(' ')[0]);
    expect(actions.filter((action) => action?.includes('Scan'))).toEqual([]);
    // A customer is one Query; the overview one Query per stats partition (STATS_SHARDS and the
    // unsharded one of older counters) of each journey and variant of the campaign.
    expect(large['/customers/c1']).toEqual(['Query C#c1']);
    expect(large['/messages?customer=c1']).toEqual([...(large['/'] ?? []), 'Query C#c1'].sort());
    // Across customers: sends deferred or in flight, a few per shard of the due index (2 × 16 Queries).
    const pending = (large['/messages'] ?? []).filter((request) => /^Query (DEFER|CLAIM)#\d+$/.test(request));
    expect(pending).toHaveLength(2 * 16);
    expect(large['/messages']).toHaveLength((large['/'] ?? []).length + 2 * 16);
    expect(large['/problems']).toEqual([]);
    expect(large['/experiments']).toEqual(large['/']);
    const journeys = campaign.snapshot.loaded?.journeys ?? [];
    const partitionsOfCampaign = journeys.reduce(
      (sum, journey) =>
        sum + 1 + journey.steps.reduce((count, step) => count + (step.kind === 'split' ? step.variants.length : 0), 0),
      0,
    );
    expect(partitionsOfCampaign).toBeGreaterThan(journeys.length);
    expect(large['/']).toHaveLength(partitionsOfCampaign * (STATS_SHARDS + 1));
    // Everything the pages read is allowed by the policy the CDK app outputs for --table, nothing more.
    const allowed: { actions: readonly string[]; partitions: readonly string[] } = TABLE_ACCESS.console;
    const outside = all.filter((request) => {
      const [action = '', pk = ''] = request.split(' ');
      return !allowed.actions.includes(action) || !allowed.partitions.some((prefix) => pk.startsWith(prefix));
    });
    expect(outside).toEqual([]);
    expect(all.length).toBeGreaterThan(0);
  }, 60_000);

  it('says on the page what a deployed table does not show without its snapshot', async () => {
    // Prepare: a send deferred by quiet hours, waiting in the due index.
    const request = {
      messageId: 'a'.repeat(64),
      customerId: 'c7',
      journeyId: 'viewed-not-bought',
      runId: 'r7',
      stepId: 'reminder',
      visit: 1,
      channel: 'email',
      template: 'reminder',
      requestedAt: '2026-11-02T22:00:00.000Z',
    };
    await runtime.adapters.table.due.defer(sendRequestSchema.parse(request), '2026-11-03T07:00:00.000Z');

    // Act
    const overview = await (await fetch(`http://127.0.0.1:${running.port}/`, { headers: { cookie } })).text();
    const experiments = await (
      await fetch(`http://127.0.0.1:${running.port}/experiments`, { headers: { cookie } })
    ).text();
    const customer = await (
      await fetch(`http://127.0.0.1:${running.port}/customers/c1`, { headers: { cookie } })
    ).text();

    // Assess
    expect(overview).toContain('never counted on a deployed table (that would be a scan)');
    expect(overview).toContain('table sadakat (eu-central-1), read-only');
    // The report's message counters per variant (8 shards of 400 sent), and why not the rest of the report.
    expect(experiments).toContain('not computed by the console in --table mode');
    expect(experiments).toContain(
      'sadakat report --table sadakat --region eu-central-1 --bucket &lt;ConsoleSnapshotBucket&gt;',
    );
    expect(experiments).toContain('viewed-not-bought: message counters per variant');
    expect(experiments).toContain('3.200');
    expect(customer).toContain('viewed-not-bought / reminder');
    const messages = await (
      await fetch(`http://127.0.0.1:${running.port}/messages?customer=c1`, { headers: { cookie } })
    ).text();
    // Across customers: what the due index lists, and why no more; a sample of an audience, and why not of other segments.
    const across = await (await fetch(`http://127.0.0.1:${running.port}/messages`, { headers: { cookie } })).text();
    expect(across).toContain('waiting to go out');
    expect(across).toContain('href="/customers/c7"');
    expect(across).toContain('Messages already sent or refused are in no index');
    const audience = await (
      await fetch(`http://127.0.0.1:${running.port}/segments/churn_risk`, { headers: { cookie } })
    ).text();
    expect(audience).toContain('read from the audience index');
    expect(audience).toMatch(/href="\/customers\/c\d+"/);
    const other = await (
      await fetch(`http://127.0.0.1:${running.port}/segments/email_reachable`, { headers: { cookie } })
    ).text();
    expect(other).toContain('not available in --table mode for this segment');
    // Why was this not sent: the customer page and /messages of one customer show the kept decision.
    for (const page of [customer, messages]) {
      expect(page).toContain('frequency_cap');
      expect(page).toContain('sms perDay 1');
    }
  });

  it('warns on every page when the local campaign folder is not the one the stack deployed', async () => {
    // Prepare: the pipeline stack's outputs, as DescribeStacks answers them.
    const cloudFormation = mockClient(CloudFormationClient);
    const answer = (hash?: string) =>
      cloudFormation.on(DescribeStacksCommand, { StackName: 'Sadakat-prod-Pipeline' }).resolves({
        Stacks: [
          {
            StackName: 'Sadakat-prod-Pipeline',
            CreationTime: new Date(0),
            StackStatus: 'UPDATE_COMPLETE',
            Outputs: hash ? [{ OutputKey: 'CampaignSha256', OutputValue: hash }] : [],
          },
        ],
      });
    const source = () =>
      new DeployedTableSource(runtime.doc, runtime.tableName, 'eu-central-1', campaign, systemClock, {
        deployedCampaign: stackCampaign(
          'Sadakat-prod-Pipeline',
          'eu-central-1',
          cloudFormation as unknown as CloudFormationClient,
        ),
      });

    // Act
    answer(campaignHash('campaign'));
    const same = await source().status();
    answer('0'.repeat(64));
    const differs = await source().status();
    answer(undefined);
    const unknown = await source().status();
    const withoutStack = await new DeployedTableSource(
      runtime.doc,
      runtime.tableName,
      undefined,
      campaign,
      systemClock,
    ).status();
    cloudFormation.restore();

    // Assess
    expect(same.warning).toBeUndefined();
    expect(differs.warning).toContain(
      'differs from the one deployed by stack Sadakat-prod-Pipeline (deployed 000000000000…',
    );
    expect(unknown.warning).toContain('has no CampaignSha256 output');
    expect(withoutStack.warning).toContain('Pass --stack');
  });

  it('counts the nightly snapshot from the indexes, without a Scan: customers, audience sizes, runs waiting per step', async () => {
    // Prepare: the 400 members of the scheduled journey's audience seeded in two zones (the writer
    // registers the zones), the backfill's record that the index answers for it, and 12 runs waiting on a timer
    // in the due index, as runs written before decision 290 do.
    await recordIndexState(runtime.doc, runtime.tableName, { audiences: ['churn_risk'] });
    const runs: WriteRequest[] = Array.from({ length: 12 }, (_, i) => ({
      PutRequest: {
        Item: {
          PK: `C#c${i}`,
          SK: `J#win-back#run${i}`,
          customerId: `c${i}`,
          journeyId: 'win-back',
          runId: `run${i}`,
          stepId: i < 8 ? 'opened-offer' : 'opened-reminder',
          status: 'waiting',
          wakeAt: '2099-01-01T00:00:00.000Z',
          duePK: dueShardKey(`c${i}`),
        },
      },
    }));
    await batchWriteItems(runtime.doc, runtime.tableName, runs, { operation: 'seed' });
    // Runs written since decision 290 wait through their wakes: one waits, one waited twice (two
    // wakes, counted once), one waited and ended before its wake (a wake that counts nothing).
    const store = new DynamoJourneyStore(runtime.doc, runtime.tableName);
    const later = (customerId: string) => ({
      ...newRun('win-back', 'later', customerId, false, '2026-12-07T00:00:00.000Z'),
      status: 'waiting' as const,
      stepId: 'opened-offer',
      wakeAt: '2099-01-01T00:00:00.000Z',
    });
    await store.putRun(later('w1'), undefined);
    const once = await store.putRun({ ...later('w2'), stepId: 'opened-reminder' }, undefined);
    await store.putRun({ ...once.run, wakeAt: '2099-02-01T00:00:00.000Z' }, 0);
    const ended = await store.putRun(later('w3'), undefined);
    await store.putRun({ ...ended.run, status: 'exited', wakeAt: undefined }, 0);
    const artifacts = new FileRefreshArtifacts(folder);
    const run = { runId: 'run-1', asOf: '2026-12-06', at: '2026-12-07T02:00:00.000Z', timezone: 'Europe/Istanbul' };

    // Act: what each summarize slice writes, merged by fit.
    requests.length = 0;
    for (const segment of [0, 1, 2])
      await summarizeSlice(
        {
          scan: runtime.adapters.table.customers,
          artifacts,
          counts: (slice) => runtime.adapters.table.consoleCounts(['churn_risk'], slice),
        },
        { ...run, segment, totalSegments: 3 },
      );
    const read = [...requests];
    const published = await publishConsoleSnapshot(artifacts, 'run-1', [0, 1, 2]);

    // Assess
    expect(published).toEqual({
      asOf: run.at,
      customers: 400,
      segments: { churn_risk: 400 },
      journeys: { 'win-back': { waiting: 14, steps: { 'opened-offer': 9, 'opened-reminder': 5 } } },
    });
    expect(await artifacts.get(CONSOLE_SNAPSHOT_KEY)).toEqual(published);
    expect(read.filter((request) => request.startsWith('Scan'))).toEqual([]);
    // The audience is counted in the registered zones' partitions only: 2 zones × 16 shards.
    expect(read.filter((request) => request.startsWith('Query AUD#churn_risk#'))).toHaveLength(2 * 16);
    // Counts only: no customer id or address in what S3 keeps.
    expect(JSON.stringify(published)).not.toMatch(/"c\d+"|@/);
  });

  it("shows the nightly snapshot's counts with its as-of time, read with one GetObject beside the same table reads", async () => {
    // Prepare: the artifacts bucket as S3 answers.
    const s3 = mockClient(S3Client);
    const snapshot = {
      asOf: '2026-12-07T02:00:00.000Z',
      customers: 12345,
      segments: { churn_risk: 9876 },
      journeys: { 'viewed-not-bought': { waiting: 4242, steps: { reminder: 4242 } } },
    };
    s3.on(GetObjectCommand, { Bucket: 'artifacts', Key: 'refresh/console-snapshot.json' }).resolves({
      // The one method of the SDK's streaming body the adapter uses.
      Body: { transformToString: async () => JSON.stringify(snapshot) } as unknown as GetObjectCommandOutput['Body'],
    });
    const source = new DeployedTableSource(runtime.doc, runtime.tableName, 'eu-central-1', campaign, systemClock, {
      nightly: s3ConsoleSnapshot('artifacts', 'eu-central-1', s3 as unknown as S3Client),
    });
    const nightlyConsole = await startConsole({ port: 0, source, campaign, clock: systemClock });
    const opened = await fetch(nightlyConsole.url, { redirect: 'manual' });
    const nightlyCookie = (opened.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const read = async (path: string) =>
      (await fetch(`http://127.0.0.1:${nightlyConsole.port}${path}`, { headers: { cookie: nightlyCookie } })).text();

    // Act
    requests.length = 0;
    const overview = await read('/');
    const tableReads = [...requests].sort();
    const journey = await read('/journeys/viewed-not-bought');
    const segments = await read('/segments');
    await nightlyConsole.close();
    s3.restore();

    // Assess: the numbers, the as-of time, and the same table reads as without a snapshot.
    expect(overview).toContain('12.345');
    expect(overview).toContain('nightly refresh');
    expect(overview).toMatch(/As of [^<]*2026/);
    expect(journey).toContain('4.242');
    expect(segments).toContain('9.876');
    // What the indexes cannot count is said, not shown as a number.
    expect(overview).toContain('not available in --table mode');
    expect(overview).toContain('<span class="value">—</span>'); // anonymous visitors
    expect(journey).toContain('4.242 here · — passed');
    expect(tableReads).toEqual(
      await (async () => {
        requests.length = 0;
        await fetch(`http://127.0.0.1:${running.port}/`, { headers: { cookie } }).then((response) => response.text());
        return [...requests].sort();
      })(),
    );
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
  });

  it('shows the report `sadakat report --table --bucket` stored, read with one GetObject and no table read', async () => {
    // Prepare: the artifacts bucket as S3 answers, keeping what is put; runs and an order beside the seeded sends.
    const s3 = mockClient(S3Client);
    const objects = new Map<string, string>();
    s3.on(PutObjectCommand).callsFake(async (input: PutObjectCommandInput) => {
      objects.set(`${input.Bucket}/${input.Key}`, String(input.Body));
      return {};
    });
    s3.on(GetObjectCommand).callsFake(async (input: { Bucket: string; Key: string }) => {
      const body = objects.get(`${input.Bucket}/${input.Key}`);
      if (body === undefined)
        throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
      return { Body: { transformToString: async () => body } as unknown as GetObjectCommandOutput['Body'] };
    });
    const runs: WriteRequest[] = Array.from({ length: 6 }, (_, i) => ({
      PutRequest: {
        Item: {
          PK: `C#c${i}`,
          SK: `J#viewed-not-bought#rr${i}`,
          customerId: `c${i}`,
          journeyId: 'viewed-not-bought',
          runId: `rr${i}`,
          holdout: i === 5,
          enteredAt: '2026-11-01T10:00:00.000Z',
          ...(i < 2 ? { convertedAt: '2026-11-02T09:00:00.000Z' } : {}),
        },
      },
    }));
    const orders: WriteRequest[] = [0, 1].map((i) => ({
      PutRequest: {
        Item: {
          PK: `C#c${i}`,
          SK: `O#o${i}`,
          customerId: `c${i}`,
          orderId: `o${i}`,
          at: '2026-11-02T09:00:00.000Z',
          amount: 120.5 + i,
        },
      },
    }));
    await batchWriteItems(runtime.doc, runtime.tableName, [...runs, ...orders], { operation: 'seed' });
    const loaded = campaign.snapshot.loaded;
    if (!loaded) throw new Error('the example campaign did not load');
    const stored = s3ReportSnapshot('artifacts', 'eu-central-1', s3 as unknown as S3Client);
    const source = new DeployedTableSource(runtime.doc, runtime.tableName, 'eu-central-1', campaign, systemClock, {
      report: stored,
    });
    const reportConsole = await startConsole({ port: 0, source, campaign, clock: systemClock });
    const opened = await fetch(reportConsole.url, { redirect: 'manual' });
    const reportCookie = (opened.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const read = async () =>
      (await fetch(`http://127.0.0.1:${reportConsole.port}/experiments`, { headers: { cookie: reportCookie } })).text();
    const asOf = '2026-12-01T00:00:00.000Z';

    // Act: the page before anyone ran the report, `sadakat report --table … --bucket`'s path, the page after.
    const before = await read();
    requests.length = 0;
    const report = await tableReport(
      runtime.doc,
      runtime.tableName,
      loaded.journeys,
      loaded.settings,
      asOf,
      undefined,
      4,
    );
    const scanned = [...requests];
    await stored.write({ writtenAt: '2026-12-01T00:05:00.000Z', report });
    s3.resetHistory();
    requests.length = 0;
    const after = await read();
    const pageReads = [...requests];
    const gets = s3.commandCalls(GetObjectCommand).length;
    await reportConsole.close();
    s3.restore();

    // Assess: what the console shows is `sadakat report`'s JSON for the same data (4 parallel Scan segments
    // against the local report's one), read with one GetObject.
    const local = campaignReport(
      loaded.journeys,
      loaded.settings,
      await readReportData(runtime.doc, runtime.tableName, new Date(asOf)),
      asOf,
    );
    expect(JSON.parse(objects.get('artifacts/refresh/console-report.json') ?? '{}')).toEqual({
      writtenAt: '2026-12-01T00:05:00.000Z',
      report: JSON.parse(JSON.stringify(local)),
    });
    const journey = report.journeys.find((entry) => entry.journeyId === 'viewed-not-bought');
    expect(journey?.entered).toBe(6);
    expect(scanned.every((request) => request.startsWith('Scan'))).toBe(true); // the person's run scans
    expect(scanned.length).toBeGreaterThanOrEqual(4);
    expect(JSON.stringify(report)).toContain('"revenue":242'); // the two orders, 120.5 + 121.5
    expect(before).toContain('sadakat report --table sadakat --region eu-central-1 --bucket artifacts');
    expect(before).toContain('message counters per variant');
    expect(after).toContain('from <code>sadakat report --table</code> run by a person');
    expect(after).toMatch(/As of [^<]*2026/);
    expect(after).toContain('id="viewed-not-bought" class="report"');
    expect(after).not.toContain('message counters per variant');
    expect(pageReads).toEqual([]);
    expect(gets).toBe(1);
  });

  it('refuses at start a table that is not there, and says what to do when the credentials may not read it', async () => {
    // Prepare
    const missing = new DeployedTableSource(runtime.doc, 'no-such-table', 'eu-central-1', campaign, systemClock);
    const denied = Object.assign(new Error('User: arn:aws:iam::1:user/m is not authorized'), {
      name: 'AccessDeniedException',
    });

    // Act
    const refused = await missing.check().then(
      () => 'read',
      (error: Error) => error.message,
    );

    // Assess
    expect(refused).toBe(
      "--table no-such-table --region eu-central-1: no such table in eu-central-1 (the data stack's output ConsoleTableName names it; pass --region if it is elsewhere)",
    );
    expect(explainTableError(denied, 'sadakat', undefined)).toBe(
      '--table sadakat: your AWS credentials may not read it; attach the data stack\'s SadakatConsoleReadOnly policy (README "Console")',
    );
  });
});
