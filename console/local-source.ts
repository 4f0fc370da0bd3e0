/**
 * Where the console reads a local data folder from (DESIGN "Local embedded default"): while
 * `sadakat serve` runs on the folder, through serve's engine (its publication, serve.json);
 * otherwise through an engine of its own, opened for a read and closed again once the console has
 * been idle for a moment — so `sadakat serve` (or `demo`) can still be started on the folder while
 * the console is open.
 *
 * The overview snapshot (one scan of the folder) is cached and rebuilt when the engine's files
 * change, at most every `SNAPSHOT_MIN_AGE_MS`; each customer is one Query.
 */
import { type FSWatcher, existsSync, watch } from 'node:fs';
import { join } from 'node:path';
import {
  type ConsoleDecision,
  type ConsoleMessage,
  type ConsoleSnapshot,
  type CustomerItems,
  readConsoleSnapshot,
  readCustomerItems,
} from '../shared/aws/dynamo-console-source.js';
import { readReportData } from '../shared/aws/dynamo-report-source.js';
import { hasLocalData } from '../shared/local/data-dir.js';
import { attachLocalRuntime, type LocalRuntime, startLocalRuntime } from '../shared/local/runtime.js';
import { readPublication } from '../shared/local/serve-publication.js';
import type { ReportData } from '../shared/measurement/report.js';
import type { StoredReport } from '../shared/aws/s3-console-snapshot.js';
import type { Clock } from '../shared/ports.js';

const IDLE_CLOSE_MS = 1_500;
const SNAPSHOT_MIN_AGE_MS = 2_000;
const OWN_SNAPSHOT_MAX_AGE_MS = 30_000;

export interface SourceStatus {
  /** What the pages say about where the data comes from. */
  description: string;
  /** A `sadakat serve` runs on the folder: pages update live. */
  live: boolean;
  /** The folder has no data yet (run demo or serve first). */
  empty: boolean;
  /** Said on every page: e.g. the local campaign folder differs from the deployed one (`--table --stack`). */
  warning?: string;
}

export interface ConsoleSource {
  status(): Promise<SourceStatus>;
  customer(customerId: string): Promise<CustomerItems>;
  snapshot(): Promise<ConsoleSnapshot>;
  reportData(): Promise<ReportData>;
  /** `--table --bucket`: the report `sadakat report --table` stored, shown instead of computing one (decision 224). */
  storedReport?(): Promise<StoredReport | undefined>;
  /** A sample of a segment's members; `note` says what it is when it is not the folder's own count. */
  segmentSample(segmentId: string): Promise<SegmentSample>;
  /** Messages and decisions across customers for `/messages`; `note` says what they are when not the most recent ones. */
  acrossCustomers(): Promise<AcrossCustomers>;
  /** Called when the data may have changed (serve wrote to the folder). */
  onChange(listener: () => void): () => void;
  close(): Promise<void>;
}

export interface SegmentSample {
  members: string[];
  note?: string;
}

export interface AcrossCustomers {
  messages: ConsoleMessage[];
  unsent: ConsoleDecision[];
  note?: string;
}

export class LocalFolderSource implements ConsoleSource {
  private own: { runtime: Promise<LocalRuntime>; users: number; idle?: NodeJS.Timeout } | undefined;
  private attached: { pid: number; runtime: Promise<LocalRuntime> } | undefined;
  private cached: { at: number; version: number; snapshot: Promise<ConsoleSnapshot> } | undefined;
  private version = 0;
  private watcher: FSWatcher | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly dataDir: string,
    private readonly clock: Clock,
  ) {
    this.watchEngineFiles();
  }

  async status(): Promise<SourceStatus> {
    const serving = await readPublication(this.dataDir);
    if (serving.state === 'live')
      return {
        description: `${this.dataDir}, through sadakat serve (pid ${serving.publication.pid}, ${serving.publication.engine})`,
        live: true,
        empty: false,
      };
    if (!hasLocalData(this.dataDir))
      return {
        description: `${this.dataDir} (no data yet: run sadakat demo or sadakat serve)`,
        live: false,
        empty: true,
      };
    return { description: this.dataDir, live: false, empty: false };
  }

  customer(customerId: string): Promise<CustomerItems> {
    return this.read((runtime) => readCustomerItems(runtime.doc, runtime.tableName, customerId, this.clock.now()));
  }

  snapshot(): Promise<ConsoleSnapshot> {
    const now = Date.now();
    const age = this.cached ? Math.max(0, now - this.cached.at) : Number.POSITIVE_INFINITY;
    // Attached to serve, a change of its files is news; on our own engine nothing else writes
    // while we read, but another command may have in between, so a snapshot lives a while only.
    const fresh = this.attached
      ? this.cached?.version === this.version || age < SNAPSHOT_MIN_AGE_MS
      : age < OWN_SNAPSHOT_MAX_AGE_MS;
    if (this.cached && fresh) return this.cached.snapshot;
    const snapshot = this.read((runtime) => readConsoleSnapshot(runtime.doc, runtime.tableName, this.clock.now()));
    // Its age counts from when the scan finished (while it runs, everyone waits for it): a scan of
    // a large folder can take longer than the cache's life, and would otherwise never be reused.
    const cached = { at: Number.POSITIVE_INFINITY, version: this.version, snapshot };
    this.cached = cached;
    snapshot.then(
      () => {
        cached.at = Date.now();
      },
      () => {
        if (this.cached === cached) this.cached = undefined;
      },
    );
    return snapshot;
  }

  async segmentSample(segmentId: string): Promise<SegmentSample> {
    return { members: (await this.snapshot()).segments[segmentId]?.sample ?? [] };
  }

  async acrossCustomers(): Promise<AcrossCustomers> {
    const { messages, unsent } = await this.snapshot();
    return { messages, unsent };
  }

  reportData(): Promise<ReportData> {
    return this.read((runtime) => readReportData(runtime.doc, runtime.tableName, this.clock.now()));
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.watcher?.close();
    const own = this.own;
    this.own = undefined;
    if (own?.idle) clearTimeout(own.idle);
    const attached = this.attached;
    this.attached = undefined;
    await Promise.all([
      own?.runtime.then((runtime) => runtime.stop()).catch(() => {}),
      attached?.runtime.then((runtime) => runtime.stop()).catch(() => {}),
    ]);
  }

  private async read<T>(use: (runtime: LocalRuntime) => Promise<T>): Promise<T> {
    const serving = await readPublication(this.dataDir);
    if (serving.state === 'live') {
      const { publication } = serving;
      if (this.attached?.pid !== publication.pid) {
        const previous = this.attached;
        this.attached = { pid: publication.pid, runtime: attachLocalRuntime(this.dataDir, publication, this.clock) };
        void previous?.runtime.then((runtime) => runtime.stop()).catch(() => {});
        this.attached.runtime.catch(() => {
          this.attached = undefined;
        });
      }
      return use(await this.attached.runtime);
    }
    if (!hasLocalData(this.dataDir)) throw new EmptyFolderError(this.dataDir);
    const own = this.ownRuntime();
    own.users++;
    if (own.idle) clearTimeout(own.idle);
    try {
      return await use(await own.runtime);
    } finally {
      own.users--;
      if (own.users === 0) own.idle = setTimeout(() => this.releaseOwn(own), IDLE_CLOSE_MS);
    }
  }

  private ownRuntime(): NonNullable<LocalFolderSource['own']> {
    if (!this.own) {
      const runtime = startLocalRuntime({ dataDir: this.dataDir, engine: 'auto', clock: this.clock });
      const own: NonNullable<LocalFolderSource['own']> = { runtime, users: 0 };
      this.own = own;
      runtime.catch(() => {
        if (this.own === own) this.own = undefined;
      });
    }
    return this.own;
  }

  private releaseOwn(own: NonNullable<LocalFolderSource['own']>): void {
    if (this.own !== own || own.users > 0) return;
    this.own = undefined;
    void own.runtime.then((runtime) => runtime.stop()).catch(() => {});
  }

  /** serve's (or our own) engine writes its files under `<dataDir>/dynamodb`: a change there may be new data. */
  private watchEngineFiles(): void {
    const folder = join(this.dataDir, 'dynamodb');
    if (!existsSync(folder)) return;
    try {
      this.watcher = watch(folder, { recursive: true }, () => {
        // Our own engine touches its files too when it opens: only serve's writes are news.
        if (this.own !== undefined || this.attached === undefined) return;
        this.version++;
        for (const listener of this.listeners) listener();
      });
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      // Without a watcher pages still read fresh data on load; only live updates are lost.
    }
  }
}

export class EmptyFolderError extends Error {
  constructor(readonly dataDir: string) {
    super(`no local data in ${dataDir}: run \`sadakat demo\` or \`sadakat serve\` first, or pass --data-dir`);
  }
}
