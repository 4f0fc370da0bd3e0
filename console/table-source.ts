/**
 * `sadakat console --table T [--region R] [--stack S] [--bucket B]`: a deployed table, read with the
 * caller's own AWS credentials (the `SadakatConsoleReadOnly` policy: Query only, on `C#` and
 * `STATS#MSG#`; the snapshot object; the pipeline stack's outputs). No page scans — a
 * deployed table can hold ten million profiles. What each page reads:
 *
 * - a customer: one Query on `PK=C#<id>`, at most CUSTOMER_ITEM_LIMIT items;
 * - the overview and messages: the `STATS#MSG#` decision counters, one Query per journey and
 *   variant of the local campaign (bounded by the campaign, not by the table).
 *
 * - known customers, audience sizes, runs waiting per step: the nightly refresh's snapshot,
 *   counted from indexes (`--bucket`: one GetObject, decisions 207, 220), with its as-of time;
 * - an audience segment's sample: the audience index, at most 1 + 4 × 16 Queries (decision 221);
 * - across customers on `/messages`: sends deferred or in flight, 2 × 16 Queries (decision 222);
 * - `/experiments`: the A/B report a person stored with `sadakat report --table T --bucket B` (`--bucket`:
 *   one GetObject, decision 224), or without one the report's message counters per variant, the
 *   overview's Queries (decision 223);
 * - the deployed campaign's hash (`--stack`: one DescribeStacks), compared with the local folder.
 *
 * Not available in this mode, and said so on the pages (each would take a scan): anonymous
 * visitors, events and sends per day, other segments' sizes and samples, runs' totals, messages
 * already sent or refused across customers (by customer instead), the report's conversions and
 * statistics; find-by-email is off (no peppered-hash lookup item).
 */
import {
  type ConsoleSnapshot,
  type CustomerItems,
  type JourneySnapshot,
  probeConsoleTable,
  readAudienceSample,
  readCustomerItems,
  readDecisionCounters,
  readPendingSends,
} from '../shared/aws/dynamo-console-source.js';
import type { createDocumentClient } from '../shared/aws/dynamo-client.js';
import type { ReportData } from '../shared/measurement/report.js';
import type { StoredReport, StoredReportObject } from '../shared/aws/s3-console-snapshot.js';
import type { ConsoleCounts, WaitingRuns } from '../shared/analytics/refresh/console-counts.js';
import type { Journey } from '../shared/journeys/ast.js';
import { NOT_COUNTED } from './format.js';
import { campaignHash } from '../shared/config/campaign-hash.js';
import type { Clock } from '../shared/ports.js';
import type { CampaignState } from './campaign-state.js';
import type { AcrossCustomers, ConsoleSource, SegmentSample, SourceStatus } from './local-source.js';
import { scheduledAudiences } from '../shared/journeys/audiences.js';

export const TABLE_MODE_NOTES = [
  'Customer counts, audience sizes and runs waiting at each journey step are never counted on a deployed table (that would be a scan): they come from the nightly snapshot the refresh counts from its indexes. Pass --bucket <ConsoleSnapshotBucket>.',
  'Find by email is off with --table: customers are found by id.',
];

export class UnavailableInTableMode extends Error {}

/** A journey's counts from the snapshot: runs waiting on a timer, per step; the totals a scan would give are NOT_COUNTED. */
function waitingOnly(journey: Journey, waiting: WaitingRuns | undefined): JourneySnapshot {
  return {
    entered: NOT_COUNTED,
    active: waiting?.waiting ?? 0,
    completed: NOT_COUNTED,
    exited: NOT_COUNTED,
    holdout: NOT_COUNTED,
    variants: {},
    steps: Object.fromEntries(
      journey.steps.map((step) => [step.id, { waiting: waiting?.steps[step.id] ?? 0, passed: NOT_COUNTED }]),
    ),
  };
}

/** The table cannot be read at all: the reason, naming the flag and what to do. */
export class TableUnreadable extends Error {}

/** A failed read of `--table`, said in terms of the flags and the policy (never a stack trace). */
export function explainTableError(error: unknown, table: string, region: string | undefined): string {
  const name = error instanceof Error ? error.name : '';
  const where = `--table ${table}${region ? ` --region ${region}` : ''}`;
  if (name === 'ResourceNotFoundException')
    return `${where}: no such table in ${region ?? 'your default region'} (the data stack's output ConsoleTableName names it; pass --region if it is elsewhere)`;
  if (name === 'AccessDeniedException' || name === 'UnrecognizedClientException')
    return `${where}: your AWS credentials may not read it; attach the data stack's SadakatConsoleReadOnly policy (README "Console")`;
  if (name === 'CredentialsProviderError')
    return `${where}: no AWS credentials found (set AWS_PROFILE or run aws configure / aws sso login)`;
  if (error instanceof Error && /region/i.test(error.message) && !region)
    return `${where}: no AWS region configured; pass --region`;
  return `${where}: the table could not be read (${error instanceof Error ? error.message : String(error)})`;
}

type DocumentClient = ReturnType<typeof createDocumentClient>;

function localCampaignHash(dir: string): string | undefined {
  try {
    return campaignHash(dir);
  } catch {
    return undefined;
  }
}

/** How long the deployed campaign's hash is reused before the stack is asked again. */
const DEPLOYED_CAMPAIGN_MAX_AGE_MS = 5 * 60_000;

/** Where the hash of the deployed campaign comes from (`--stack`: the pipeline stack's CampaignSha256 output). */
export interface DeployedCampaign {
  /** What the pages call it: `stack Sadakat-prod-Pipeline`. */
  name: string;
  /** The deployed folder's sha256, or undefined when the stack has no such output (deployed before it existed). */
  sha256(): Promise<string | undefined>;
}

/** Where the nightly refresh's snapshot is read from (`--bucket`: the artifacts bucket's `refresh/console-snapshot.json`). */
export interface NightlySnapshot {
  /** What the pages call it: `s3://bucket/refresh/console-snapshot.json`. */
  name: string;
  /** The snapshot, or undefined when no refresh has written one yet. */
  read(): Promise<ConsoleCounts | undefined>;
}

export interface DeployedSources {
  deployedCampaign?: DeployedCampaign;
  nightly?: NightlySnapshot;
  /** `--bucket`: where `sadakat report --table … --bucket` stored the A/B report (decision 224). */
  report?: Pick<StoredReportObject, 'bucket' | 'name' | 'read'>;
}

export class DeployedTableSource implements ConsoleSource {
  private deployed: { at: number; sha256: Promise<string | undefined> } | undefined;
  private nightly: { at: number; counts: Promise<ConsoleCounts | undefined> } | undefined;

  constructor(
    private readonly doc: DocumentClient,
    private readonly tableName: string,
    private readonly region: string | undefined,
    private readonly campaign: CampaignState,
    private readonly clock: Clock,
    private readonly options: DeployedSources = {},
  ) {}

  /** A warning when the local campaign folder is not the deployed one; undefined when they match. */
  async campaignWarning(): Promise<string | undefined> {
    const source = this.options.deployedCampaign;
    if (!source)
      return 'Pass --stack <pipeline stack> to check that your local campaign folder is the one deployed: pages read counters of the local journeys.';
    const now = Date.now();
    if (!this.deployed || now - this.deployed.at > DEPLOYED_CAMPAIGN_MAX_AGE_MS)
      this.deployed = { at: now, sha256: source.sha256().catch(() => undefined) };
    const deployed = await this.deployed.sha256;
    if (deployed === undefined)
      return `Cannot tell whether your local campaign folder is the one deployed: ${source.name} has no CampaignSha256 output (deploy again) or could not be read.`;
    const local = localCampaignHash(this.campaign.snapshot.dir);
    if (local === deployed) return undefined;
    return `Your local campaign folder ${this.campaign.snapshot.dir} differs from the one deployed by ${source.name} (deployed ${deployed.slice(0, 12)}…, local ${local?.slice(0, 12) ?? 'unreadable'}…): journeys, steps and templates on these pages are the local ones.`;
  }

  /** Before the address is printed: the table is there and these credentials may read it. */
  async check(): Promise<void> {
    try {
      await probeConsoleTable(this.doc, this.tableName);
    } catch (error) {
      throw new TableUnreadable(explainTableError(error, this.tableName, this.region));
    }
  }

  async status(): Promise<SourceStatus> {
    const warning = await this.campaignWarning();
    return {
      description: `table ${this.tableName}${this.region ? ` (${this.region})` : ''}, read-only`,
      live: false,
      empty: false,
      ...(warning ? { warning } : {}),
    };
  }

  customer(customerId: string): Promise<CustomerItems> {
    return readCustomerItems(this.doc, this.tableName, customerId, this.clock.now()).catch((error: unknown) => {
      throw new TableUnreadable(explainTableError(error, this.tableName, this.region));
    });
  }

  async snapshot(): Promise<ConsoleSnapshot> {
    const journeys: readonly Journey[] = this.campaign.snapshot.loaded?.journeys ?? [];
    const partitions = journeys.flatMap((journey) => {
      const variants = journey.steps.flatMap((step) =>
        step.kind === 'split' ? step.variants.map((variant) => variant.id) : [],
      );
      return [undefined, ...variants].map((variant) => ({ journeyId: journey.id, variant }));
    });
    const [counters, nightly] = await Promise.all([
      readDecisionCounters(this.doc, this.tableName, partitions).catch((error: unknown) => {
        throw new TableUnreadable(explainTableError(error, this.tableName, this.region));
      }),
      this.nightlyCounts(),
    ]);
    const common = {
      decisions: counters.total,
      decisionsByVariant: counters.byVariant,
      daily: false,
      messages: [],
      unsent: [],
      emails: new Map<string, string>(),
    };
    if (!nightly)
      return {
        ...common,
        asOf: this.clock.now().toISOString(),
        counted: false,
        notes: this.options.nightly
          ? [
              `No nightly snapshot in ${this.options.nightly.name} yet: customer and segment counts and per-step journey counts appear after the next nightly refresh (a deployed table is never scanned).`,
              TABLE_MODE_NOTES[1] as string,
            ]
          : TABLE_MODE_NOTES,
        customers: 0,
        anonymous: 0,
        segments: {},
        eventsPerDay: {},
        sendsPerDay: {},
        journeys: {},
      };
    return {
      ...common,
      asOf: nightly.asOf,
      counted: true,
      notes: [
        `Customers, the sizes of scheduled journeys' audiences and runs waiting at each step are the nightly refresh's snapshot (${this.options.nightly?.name}), counted from the table's indexes as of the time above; send decisions by reason are read live. Not available in --table mode, since each would take a scan of the table: anonymous visitors, events and sends per day, the sizes of other segments, runs entered, completed or past a step, and recent messages across customers (open a customer, or filter Messages by customer).`,
        TABLE_MODE_NOTES[1] as string,
      ],
      customers: nightly.customers,
      anonymous: NOT_COUNTED,
      segments: Object.fromEntries(
        [...(this.campaign.snapshot.loaded?.segments.byId.keys() ?? [])].map((id) => [
          id,
          { members: nightly.segments[id] ?? NOT_COUNTED, sample: [] },
        ]),
      ),
      eventsPerDay: {},
      sendsPerDay: {},
      journeys: Object.fromEntries(
        journeys.map((journey) => [journey.id, waitingOnly(journey, nightly.journeys[journey.id])]),
      ),
    };
  }

  /** The refresh's snapshot (one GetObject, reused for 5 minutes); undefined without `--bucket` or before the first refresh. */
  private nightlyCounts(): Promise<ConsoleCounts | undefined> {
    const source = this.options.nightly;
    if (!source) return Promise.resolve(undefined);
    const now = Date.now();
    if (!this.nightly || now - this.nightly.at > DEPLOYED_CAMPAIGN_MAX_AGE_MS) {
      const counts = source.read().catch((error: unknown) => {
        if (this.nightly?.counts === counts) this.nightly = undefined;
        throw new TableUnreadable(
          `${source.name}: the nightly snapshot could not be read (${error instanceof Error ? error.message : String(error)})`,
        );
      });
      this.nightly = { at: now, counts };
    }
    return this.nightly.counts;
  }

  /** An audience's members from the audience index (bounded, decision 221); other segments have no index to sample. */
  async segmentSample(segmentId: string): Promise<SegmentSample> {
    const audiences = scheduledAudiences(this.campaign.snapshot.loaded?.journeys ?? []);
    if (!audiences.includes(segmentId))
      return {
        members: [],
        note: 'A sample of members is not available in --table mode for this segment: only the audiences of scheduled journeys are listed by segment (the audience index); any other would take a scan of the table.',
      };
    const members = await readAudienceSample(this.doc, this.tableName, segmentId).catch((error: unknown) => {
      throw new TableUnreadable(explainTableError(error, this.tableName, this.region));
    });
    return {
      members,
      note: 'A sample read from the audience index, which lists the members of scheduled journeys’ audiences: a member who has just left may still be listed until their next profile write.',
    };
  }

  /** Sends waiting or in flight across customers, from the due index (bounded, decision 222). */
  async acrossCustomers(): Promise<AcrossCustomers> {
    const { claims, deferred } = await readPendingSends(this.doc, this.tableName, this.clock.now()).catch(
      (error: unknown) => {
        throw new TableUnreadable(explainTableError(error, this.tableName, this.region));
      },
    );
    return {
      messages: claims,
      unsent: deferred,
      note: 'Across customers a deployed table lists only sends still under way: claimed and not yet settled (above), and deferred ones waiting to go out (below), a few per index shard. Messages already sent or refused are in no index (listing them would take a scan of the table, or a write more per send): enter a customer id to see every message and every decision that sent them nothing.',
    };
  }

  async reportData(): Promise<ReportData> {
    const run = `sadakat report --table ${this.tableName}${this.region ? ` --region ${this.region}` : ''} --bucket ${this.options.report?.bucket ?? '<ConsoleSnapshotBucket>'}`;
    throw new UnavailableInTableMode(
      `Conversions, revenue, lift and significance — the rest of the A/B report — are not computed by the console in --table mode: they need each customer’s runs, orders and ledger entries, which no index lists (reading them takes a scan of the table). To see the full report here, have a person with Scan permission on the table run \`${run}\` once (README "Console"): this page then shows it with its as-of time${this.options.report ? '' : ' (start the console with --bucket to read it)'}. Below are the message counters per variant, the same ones the report reads.`,
    );
  }

  /** The report a person stored with `sadakat report --table … --bucket` (one GetObject); undefined without `--bucket` or before anyone ran it. */
  async storedReport(): Promise<StoredReport | undefined> {
    const source = this.options.report;
    if (!source) return undefined;
    return source.read().catch((error: unknown) => {
      throw new TableUnreadable(
        `${source.name}: the stored report could not be read (${error instanceof Error ? error.message : String(error)})`,
      );
    });
  }

  onChange(): () => void {
    return () => {};
  }

  async close(): Promise<void> {
    this.doc.destroy();
  }
}
