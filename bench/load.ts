/**
 * Load: `sadakat serve` in a child process, driven from this process over loopback at stepped
 * event rates (each step bounded in events and seconds) until it falls behind — processed or
 * accepted below 90% of the target, or events still unprocessed when the step's settle time ends.
 * The sustained rate is the highest step kept up with.
 *
 * Peers, measured in the same run: the transport ceiling (the same driver, unthrottled, against a
 * bare loopback server that only parses and answers 200, also in its own process), and the latency
 * floor of one event on the same engine (a GetItem and a conditional UpdateItem of a profile-sized
 * item, one pair at a time, as bench/spine.ts pairs them). The same ladder on
 * `serve --no-journeys` shows what journeys and sends cost on top of profiles.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { archiveRoot } from '../shared/local/file-archive.js';
import { startLocalRuntime } from '../shared/local/runtime.js';
import { systemClock } from '../shared/ports.js';
import { bareProfilePair } from './bare-profile-pair.js';
import { formatRows, type BenchRow } from './bench-row.js';
import {
  driveSteady,
  driveStep,
  keepAliveAgent,
  percentiles,
  saturate,
  type Percentiles,
  type SteadyPlan,
  type StepResult,
} from './load-driver.js';
import { LoadMix } from './load-mix.js';
import { startBareServer, startServeChild } from './serve-child.js';
import { TraceTail } from './trace-tail.js';

const WRITE_KEY = 'bench-load-key';

export interface LoadPlan {
  engine: 'dynalite' | 'dynamodb-local';
  rates: readonly number[];
  /** Each step posts at most this many seconds' worth of its rate... */
  stepSeconds: number;
  /** ...and at most this many events. */
  stepEvents: number;
  settleSeconds: number;
  ceilingSeconds: number;
  /** The steady-rate run whose writes per event the cost model uses (issue 19). */
  steady: SteadyPlan;
}

/**
 * Events per storefront request in the batched steady run (`--events-per-request N`): decision
 * 248's estimate of an analytics.js batch. The mix's sessions hold ≈ 4.3 events, so a request
 * holds a whole session; the rows state the mean measured.
 */
const EVENTS_PER_REQUEST = 7;

/** The default run stays within about three minutes on a quiet two-core machine. */
const FULL: Omit<LoadPlan, 'engine'> = {
  rates: [10, 25, 50, 100, 150, 200, 300, 400, 600, 800],
  stepSeconds: 10,
  stepEvents: 4000,
  settleSeconds: 15,
  ceilingSeconds: 3,
  steady: { rate: 10, seconds: 60, gapSeconds: 3, settleSeconds: 120, eventsPerRequest: EVENTS_PER_REQUEST },
};
const QUICK: Omit<LoadPlan, 'engine'> = {
  rates: [20, 40],
  stepSeconds: 4,
  stepEvents: 150,
  settleSeconds: 10,
  ceilingSeconds: 1,
  steady: { rate: 10, seconds: 6, gapSeconds: 1, settleSeconds: 15, eventsPerRequest: EVENTS_PER_REQUEST },
};

/** `npm run bench load [-- --quick] [--steady] [--events-per-request N] [--engine dynamodb-local]`; SADAKAT_BENCH_QUICK=1 also asks for the tiny run. */
export async function runSection(args: readonly string[], javaPresent: boolean): Promise<string> {
  const quick = args.includes('--quick') || process.env.SADAKAT_BENCH_QUICK === '1';
  const asked = args.includes('--engine') ? args[args.indexOf('--engine') + 1] : undefined;
  // DynamoDB Local needs Java; without it the run says which engine it fell back to in its title.
  const engine = asked === 'dynamodb-local' && javaPresent ? 'dynamodb-local' : 'dynalite';
  const base = quick ? QUICK : FULL;
  const asEventsPerRequest = args.includes('--events-per-request')
    ? Number(args[args.indexOf('--events-per-request') + 1])
    : EVENTS_PER_REQUEST;
  if (!Number.isInteger(asEventsPerRequest) || asEventsPerRequest < 1)
    throw new Error('--events-per-request must be a whole number of at least 1');
  const plan: LoadPlan = { engine, ...base, steady: { ...base.steady, eventsPerRequest: asEventsPerRequest } };
  // `--steady`: only the steady-rate run whose writes per event the cost model uses.
  if (args.includes('--steady')) {
    const dir = await mkdtemp(join(tmpdir(), 'sadakat-bench-steady-'));
    try {
      const title = `load: steady-rate writes, sadakat serve (journeys and sends on, ${engine})`;
      return `${formatRows(title, await steadyBesideBaseline(plan, dir))}\n`;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const result = await run(plan);
  const title = `load: sadakat serve (journeys and sends on, ${engine}) driven from a second process over loopback`;
  return `${formatRows(title, result.rows)}\n${stepTable('serve', result.steps)}\n${stepTable('serve --no-journeys', result.profilesOnly.steps)}\n`;
}

export interface LoadResult {
  /** Journeys and sends on (serve's default). */
  steps: LadderStep[];
  sustained: number;
  /** The same ladder on `serve --no-journeys`: what profiles alone sustain. */
  profilesOnly: { steps: LadderStep[]; sustained: number };
  ceiling: number;
  pairLatencyMs: PairFigures;
  rows: BenchRow[];
}

/** Progress on stderr: the whole section takes minutes. */
function progress(line: string): void {
  process.stderr.write(`  load: ${line}\n`);
}

export async function run(plan: LoadPlan): Promise<LoadResult> {
  const workDir = await mkdtemp(join(tmpdir(), 'sadakat-bench-load-'));
  try {
    const ceiling = await transportCeiling(plan.ceilingSeconds);
    progress(`bare server took ${Math.round(ceiling)} events/s`);
    const steps = await ladder(plan, join(workDir, 'serve'), true);
    const profilesOnlySteps = await ladder(plan, join(workDir, 'profiles-only'), false);
    const steady = await steadyBesideBaseline(plan, join(workDir, 'steady'));
    progress('bare Get+Update pairs on the same engine');
    const pairLatencyMs = await pairLatency(plan.engine, join(workDir, 'peer'));
    const sustained = sustainedRate(steps);
    const profilesOnly = { steps: profilesOnlySteps, sustained: sustainedRate(profilesOnlySteps) };
    return {
      steps,
      sustained,
      profilesOnly,
      ceiling,
      pairLatencyMs,
      rows: [...rows(steps, sustained, profilesOnly.sustained, ceiling, pairLatencyMs), ...steady],
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** One serve child, its rates stepped up until it falls behind. */
/** A step of the ladder with the CPU serve spent on it (every thread), per event it processed. */
type LadderStep = StepResult & { cpuMsPerEvent?: number };

async function ladder(plan: LoadPlan, dir: string, journeys: boolean): Promise<LadderStep[]> {
  const name = journeys ? 'serve' : 'serve --no-journeys';
  progress(`starting ${name}`);
  await mkdir(dir, { recursive: true });
  const tracePath = join(dir, 'trace.jsonl');
  await writeFile(tracePath, '');
  const serve = await startServeChild({
    dataDir: join(dir, 'data'),
    writeKey: WRITE_KEY,
    tracePath,
    engine: plan.engine,
    journeys,
  });
  const trace = await TraceTail.open(tracePath);
  const agent = keepAliveAgent();
  const steps: LadderStep[] = [];
  try {
    const mix = new LoadMix(journeys ? 'journeys' : 'profiles');
    for (const rate of plan.rates) {
      const cpuBefore = await serve.cpuMs();
      const driven = await driveStep(
        { url: serve.url, writeKey: WRITE_KEY, agent },
        mix,
        {
          rate,
          maxEvents: Math.min(plan.stepEvents, rate * plan.stepSeconds),
          maxSeconds: plan.stepSeconds,
          settleSeconds: plan.settleSeconds,
        },
        trace,
      );
      const cpuAfter = await serve.cpuMs();
      const processed = driven.accepted - driven.late;
      const step: LadderStep = {
        ...driven,
        ...(cpuBefore !== undefined && cpuAfter !== undefined && processed > 0
          ? { cpuMsPerEvent: (cpuAfter - cpuBefore) / processed }
          : {}),
      };
      steps.push(step);
      progress(
        `${name} ${rate}/s: ingest ${round(step.ingestRate)}/s, processed ${round(step.processedRate)}/s, event→profile p50 ${round(step.eventToProfileMs.p50)} ms, serve CPU ${round(step.cpuMsPerEvent ?? Number.NaN)} ms/event${step.keptUp ? '' : ' — fell behind'}`,
      );
      if (!step.keptUp) break;
    }
  } finally {
    agent.destroy();
    await trace.close();
    progress(`stopping ${name} (it drains what was accepted)`);
    await serve.stop();
  }
  return steps;
}

/**
 * The writes per event the cost model uses: serve (journeys and sends on) fed storefront traffic
 * as AWS sees it — a customer's events seconds apart, one or several to a request — at a steady
 * rate, every process-events and send invocation's writes read from the trace (`serve --trace`).
 */
/** What the steady run's baseline is compared on (per processed event). */
interface SteadyFigures {
  /** Events per request posted. */
  eventsPerRequest: number;
  queueMessages: number;
  invocations: number;
  /** Modelled: one SendMessageBatch per request, a ReceiveMessage and a DeleteMessageBatch per process-events invocation. */
  sqsRequests: number;
  /** ingest's (one per request) and process-events'. */
  lambdaInvocations: number;
  wcu: number;
  withIndexes: number;
  items: number;
  profileItems: number;
  readUnits: number;
}

/**
 * The steady run twice on fresh folders: first at one event per request (one queue message per
 * event, as before decision 287), then at the plan's events per request; the second's rows carry
 * the first's figures as their peers, and the first's rows are reported too.
 */
async function steadyBesideBaseline(plan: LoadPlan, dir: string): Promise<BenchRow[]> {
  const single = { ...plan, steady: { ...plan.steady, eventsPerRequest: 1 } };
  const before = await steadyWrites(single, join(dir, 'single'), {});
  const batched = await steadyWrites(plan, join(dir, 'batched'), { baseline: before.figures });
  return [...before.rows, ...batched.rows];
}

async function steadyWrites(
  plan: LoadPlan,
  dir: string,
  options: { baseline?: SteadyFigures },
): Promise<{ rows: BenchRow[]; figures: SteadyFigures }> {
  const { rate, seconds, gapSeconds, eventsPerRequest } = plan.steady;
  progress(
    `steady ${rate} events/s for ${seconds} s, at most ${eventsPerRequest} events per request, ${gapSeconds} s between a customer's events`,
  );
  await mkdir(dir, { recursive: true });
  const tracePath = join(dir, 'trace.jsonl');
  await writeFile(tracePath, '');
  const serve = await startServeChild({
    dataDir: join(dir, 'data'),
    writeKey: WRITE_KEY,
    tracePath,
    engine: plan.engine,
    lambdaLogLevel: 'INFO',
  });
  const trace = await TraceTail.open(tracePath);
  const agent = keepAliveAgent();
  try {
    const cpuBefore = await serve.cpuMs();
    const result = await driveSteady(
      { url: serve.url, writeKey: WRITE_KEY, agent },
      new LoadMix('steady'),
      plan.steady,
      trace,
    );
    // The last invocations report their writes just after their events' trace lines.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await trace.poll();
    const cpuAfter = await serve.cpuMs();
    const events = trace.writes.get('process-events');
    const sends = trace.writes.get('send');
    // Events not processed when the settle time ran out (a machine too busy) are left out of the figures.
    const processed = result.accepted - result.late;
    if (!events || processed <= 0) throw new Error('steady run: serve traced no process-events writes');
    const perRequest = result.posted / Math.max(1, result.requests);
    const label = `steady ${rate}/s, ${round(perRequest)} events per request (${processed} events${result.late > 0 ? `, ${result.late} late, left out` : ''})`;
    // The same engine's least cost of one event, measured while serve idles: the ratio carries to AWS.
    const pair = await pairLatency(plan.engine, join(dir, 'peer'));
    const floor = (name: string, value: number, unit: string): BenchRow => ({
      name,
      value,
      unit,
      peerName: 'floor: one write per event',
      peer: 1,
      ratio: value,
    });
    const figures: SteadyFigures = {
      eventsPerRequest: perRequest,
      queueMessages: events.messages / processed,
      invocations: events.invocations / processed,
      sqsRequests: (result.requests + 2 * events.invocations) / processed,
      lambdaInvocations: (result.requests + events.invocations) / processed,
      wcu: events.capacityUnits / processed,
      withIndexes: (events.capacityUnits + events.indexUnits) / processed,
      items: events.items / processed,
      profileItems: events.profileItems / processed,
      readUnits: events.readUnits / processed,
    };
    const { baseline } = options;
    const beside = (name: string, value: number, peer: number, unit: string): BenchRow => ({
      name: `${label}: ${name}`,
      value,
      unit,
      peerName: `the same run at 1 event per request (${round(baseline?.eventsPerRequest ?? 1)})`,
      peer,
      ratio: peer === 0 ? 0 : value / peer,
    });
    const compared = baseline
      ? [
          beside('events-queue messages per event', figures.queueMessages, baseline.queueMessages, 'messages'),
          beside('process-events invocations per event', figures.invocations, baseline.invocations, 'invocations'),
          beside(
            'SQS requests per event (a SendMessageBatch per request; a receive and a delete per invocation)',
            figures.sqsRequests,
            baseline.sqsRequests,
            'requests',
          ),
          beside(
            'Lambda invocations per event (ingest + process-events)',
            figures.lambdaInvocations,
            baseline.lambdaInvocations,
            'invocations',
          ),
          beside('WCU per event, table (refused writes in)', figures.wcu, baseline.wcu, 'WCU'),
          beside('WCU per event, table + indexes', figures.withIndexes, baseline.withIndexes, 'WCU'),
          beside('profile items written per event', figures.profileItems, baseline.profileItems, 'writes'),
          beside('read units per event', figures.readUnits, baseline.readUnits, 'RCU'),
        ]
      : [];
    const rows: BenchRow[] = [
      ...compared,
      floor(`${label}: WCU per event, every events-queue message`, events.capacityUnits / processed, 'WCU'),
      {
        name: `${label}: … the same with the index writes DynamoDB adds (decision 236)`,
        value: (events.capacityUnits + events.indexUnits) / processed,
        unit: 'WCU',
        peerName: 'table only, refused conditional writes left out (the figure before decision 235)',
        peer: (events.capacityUnits - events.refusedUnits) / processed,
        ratio: (events.capacityUnits + events.indexUnits) / Math.max(1e-9, events.capacityUnits - events.refusedUnits),
      },
      floor(`${label}: items written per event`, events.items / processed, 'writes'),
      ...Object.entries(events.kinds)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([kind, items]) => floor(`${label}: ${kind} items written per event`, items / processed, 'writes')),
      floor(
        `${label}: conditional writes refused per event (billed, in the WCU above)`,
        events.refused / processed,
        'writes',
      ),
      floor(
        `${label}: index writes per event (${round(events.indexUnits / processed)} WCU)`,
        events.indexWrites / processed,
        'writes',
      ),
      {
        name: `${label}: events-queue messages per profile write`,
        value: events.messages / Math.max(1, events.profileItems),
        unit: 'messages',
        peerName: 'messages per process-events invocation',
        peer: events.messages / events.invocations,
        ratio: events.messages / Math.max(1, events.profileItems) / (events.messages / events.invocations),
      },
      {
        name: `${label}: send path writes per decided send (${sends?.messages ?? 0} decisions)`,
        value: sends ? sends.items / Math.max(1, sends.messages) : 0,
        unit: 'writes',
      },
      {
        name: `${label}: send path WCU per decided send, table + indexes (${round(sends ? sends.indexUnits / Math.max(1, sends.messages) : 0)} of them index)`,
        value: sends ? (sends.capacityUnits + sends.indexUnits) / Math.max(1, sends.messages) : 0,
        unit: 'WCU',
      },
      {
        name: `${label}: read units per event (${round(events.readRequests / processed)} read requests)`,
        value: events.readUnits / processed,
        unit: 'RCU',
      },
      {
        name: `${label}: process-events ms per message (local engine, ${events.invocations} invocations)`,
        value: events.durationMs / Math.max(1, events.messages),
        unit: 'ms',
        peerName: `bare Get+Update pair p50 ms (p99 ${round(pair.p99)})`,
        peer: pair.p50,
        ratio: events.durationMs / Math.max(1, events.messages) / pair.p50,
      },
      ...(cpuBefore !== undefined && cpuAfter !== undefined
        ? [
            {
              name: `${label}: serve process CPU ms per event, every thread (ingest, process-events, sends, the dynalite engine, HTTP): a bound on the handlers' own CPU`,
              value: (cpuAfter - cpuBefore) / processed,
              unit: 'ms',
            },
          ]
        : []),
      ...(await archiveRows(join(dir, 'data'), label, processed, sends?.messages ?? 0)),
      ...logRows(serve.output(), label, processed, sends?.messages ?? 0),
    ];
    return { rows, figures };
  } finally {
    agent.destroy();
    await trace.close();
    await serve.stop();
  }
}

/**
 * Bytes the handlers' Powertools loggers wrote at INFO (serve's stdout, JSON lines with a `service`),
 * per accepted event for ingest + process-events and per decided send for send: the application's
 * part of CloudWatch Logs ingestion. Lambda's own START/END/REPORT lines are not in it.
 */
function logRows(stdout: string, label: string, events: number, decisions: number): BenchRow[] {
  const bytes = new Map<string, { bytes: number; lines: number }>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const service = /"service":"([^"]+)"/.exec(line)?.[1] ?? 'other';
    const tally = bytes.get(service) ?? { bytes: 0, lines: 0 };
    tally.bytes += Buffer.byteLength(line, 'utf8') + 1;
    tally.lines++;
    bytes.set(service, tally);
  }
  const of = (service: string) => bytes.get(service) ?? { bytes: 0, lines: 0 };
  const perEvent = (service: string): BenchRow => ({
    name: `${label}: ${service} log bytes at INFO per accepted event (${of(service).lines} lines)`,
    value: of(service).bytes / events,
    unit: 'bytes',
  });
  return [
    perEvent('ingest'),
    perEvent('process-events'),
    {
      name: `${label}: send log bytes at INFO per decided send (${of('send').lines} lines)`,
      value: of('send').bytes / Math.max(1, decisions),
      unit: 'bytes',
    },
  ];
}

/** The local archive's JSON lines per stream: bytes per accepted event (events) and per decision (decisions). */
async function archiveRows(dataDir: string, label: string, events: number, decisions: number): Promise<BenchRow[]> {
  const measure = async (stream: string) => {
    let bytes = 0;
    let lines = 0;
    const root = join(archiveRoot(dataDir), stream);
    for (const entry of await readdir(root, { recursive: true }).catch(() => [])) {
      if (!entry.endsWith('.jsonl')) continue;
      const text = await readFile(join(root, entry), 'utf8');
      bytes += Buffer.byteLength(text, 'utf8');
      lines += text.split('\n').filter(Boolean).length;
    }
    return { bytes, lines };
  };
  const rows = await measure('events');
  const decided = await measure('decisions');
  return [
    {
      name: `${label}: archive events rows ${rows.lines}, bytes per accepted event`,
      value: rows.bytes / events,
      unit: 'bytes',
    },
    {
      name: `${label}: archive decisions rows ${decided.lines}, bytes per decided send`,
      value: decided.bytes / Math.max(1, decisions),
      unit: 'bytes',
    },
  ];
}

function sustainedRate(steps: readonly StepResult[]): number {
  return Math.max(0, ...steps.filter((step) => step.keptUp).map((step) => step.rate));
}

function rows(
  steps: readonly LadderStep[],
  sustained: number,
  profilesOnly: number,
  ceiling: number,
  pair: PairFigures,
): BenchRow[] {
  const ceilingName = 'bare parse+200 server, same driver, events/s';
  // When even the last step kept up, the ladder ended before the server did.
  const bound = steps.at(-1)?.keptUp ? ', a lower bound' : '';
  const result: BenchRow[] = [
    {
      name: `sustained events/s (highest step kept up${bound})`,
      value: sustained,
      unit: 'events/s',
      peerName: ceilingName,
      peer: ceiling,
      ratio: sustained / ceiling,
    },
    {
      name: 'sustained events/s, serve --no-journeys',
      value: profilesOnly,
      unit: 'events/s',
      peerName: ceilingName,
      peer: ceiling,
      ratio: profilesOnly / ceiling,
    },
    {
      // Issue 19's goal: ≥ 0.7× what the same engine does as bare pairs, one pair at a time.
      name: 'sustained events/s vs bare Get+Update pairs/s, same engine',
      value: sustained,
      unit: 'events/s',
      peerName: `bare pairs/s, one at a time (1000 / p50 ${round(pair.p50)} ms)`,
      peer: 1000 / pair.p50,
      ratio: sustained / (1000 / pair.p50),
    },
    ...cpuRows(steps, sustained, pair),
    {
      name: 'sustained with journeys and sends vs profiles only',
      value: sustained,
      unit: 'events/s',
      peerName: 'serve --no-journeys events/s',
      peer: profilesOnly,
      ratio: sustained / profilesOnly,
    },
  ];
  const pairName = `bare Get+Update pair p50 ms (p99 ${round(pair.p99)})`;
  for (const step of steps) {
    const label = `step ${step.rate}/s${step.keptUp ? '' : ' (fell behind)'}`;
    result.push({
      name: `${label}: processed events/s (ingest ${round(step.ingestRate)})`,
      value: step.processedRate,
      unit: 'events/s',
      peerName: 'target rate',
      peer: step.rate,
      ratio: step.processedRate / step.rate,
    });
    result.push({
      name: `${label}: event→profile p50 ms (p99 ${round(step.eventToProfileMs.p99)})`,
      value: step.eventToProfileMs.p50,
      unit: 'ms',
      peerName: pairName,
      peer: pair.p50,
      ratio: step.eventToProfileMs.p50 / pair.p50,
    });
    if (step.eventToDecisionMs.count > 0) {
      result.push({
        name: `${label}: event→send decision p50 ms (p99 ${round(step.eventToDecisionMs.p99)}, n ${step.eventToDecisionMs.count})`,
        value: step.eventToDecisionMs.p50,
        unit: 'ms',
        peerName: pairName,
        peer: pair.p50,
        ratio: step.eventToDecisionMs.p50 / pair.p50,
      });
    }
  }
  return result;
}

/**
 * What a loaded machine changes least: events per CPU-second of serve (every thread: ingest,
 * process-events, sends, the engine, GC) at the sustained step — the lowest step when none kept
 * up — beside bare pairs per CPU-second on the same engine.
 */
function cpuRows(steps: readonly LadderStep[], sustained: number, pair: PairFigures): BenchRow[] {
  const step = steps.find((candidate) => candidate.rate === sustained) ?? steps[0];
  if (step?.cpuMsPerEvent === undefined) return [];
  return [
    {
      name: `events per CPU-second of serve, every thread, at the ${step.rate}/s step (${round(step.cpuMsPerEvent)} ms per event)`,
      value: 1000 / step.cpuMsPerEvent,
      unit: 'events/s',
      peerName: `bare Get+Update pairs per CPU-second, same engine (${round(pair.cpuMsPerPair)} ms per pair)`,
      peer: 1000 / pair.cpuMsPerPair,
      ratio: pair.cpuMsPerPair / step.cpuMsPerEvent,
    },
  ];
}

function stepTable(name: string, steps: readonly LadderStep[]): string {
  const header = `  ${'target/s'.padStart(8)} ${'posted'.padStart(7)} ${'ingest/s'.padStart(9)} ${'proc/s'.padStart(8)} ${'late'.padStart(5)} ${'prof p50'.padStart(9)} ${'prof p99'.padStart(9)} ${'send p50'.padStart(9)} ${'send p99'.padStart(9)} ${'cpu ms/ev'.padStart(9)}  decisions`;
  const lines = steps.map(
    (step) =>
      `  ${String(step.rate).padStart(8)} ${String(step.posted).padStart(7)} ${round(step.ingestRate).padStart(9)} ${round(step.processedRate).padStart(8)} ${String(step.late).padStart(5)} ${round(step.eventToProfileMs.p50).padStart(9)} ${round(step.eventToProfileMs.p99).padStart(9)} ${round(step.eventToDecisionMs.p50).padStart(9)} ${round(step.eventToDecisionMs.p99).padStart(9)} ${round(step.cpuMsPerEvent ?? Number.NaN).padStart(9)}  ${Object.entries(
        step.decisions,
      )
        .map(([reason, count]) => `${reason} ${count}`)
        .join(', ')}${step.keptUp ? '' : '  ← fell behind'}`,
  );
  return [`  ${name} steps (latencies in ms, from the driver sending the request)`, header, ...lines].join('\n');
}

async function transportCeiling(seconds: number): Promise<number> {
  const bare = await startBareServer();
  const agent = keepAliveAgent();
  try {
    return await saturate({ url: bare.url, writeKey: WRITE_KEY, agent }, new LoadMix('ceiling'), seconds);
  } finally {
    agent.destroy();
    await bare.stop();
  }
}

/** The bare pairs' latency and the CPU each took (the bench's process, every thread: it does nothing else meanwhile). */
interface PairFigures extends Percentiles {
  cpuMsPerPair: number;
}

/** One profile-sized GetItem + conditional UpdateItem at a time on the same engine: the least one event costs. */
async function pairLatency(engine: LoadPlan['engine'], dataDir: string): Promise<PairFigures> {
  const runtime = await startLocalRuntime({ dataDir, engine, clock: systemClock, fresh: true });
  try {
    const body = {
      traits: { email: 'peer@example.com', firstName: 'Peer' },
      events: Object.fromEntries(
        Array.from({ length: 12 }, (_, index) => [
          `Event ${index}`,
          { count: index, lastAt: new Date(0).toISOString() },
        ]),
      ),
    };
    const samples: number[] = [];
    const cpuBefore = process.cpuUsage();
    for (let index = 0; index < 300; index++) {
      const key = { PK: `C#peer-${index % 50}`, SK: 'PROFILE' };
      const began = performance.now();
      await bareProfilePair(runtime.doc, runtime.tableName, key, body);
      samples.push(performance.now() - began);
    }
    const cpu = process.cpuUsage(cpuBefore);
    return { ...percentiles(samples), cpuMsPerPair: (cpu.user + cpu.system) / 1000 / samples.length };
  } finally {
    await runtime.stop();
  }
}

function round(value: number): string {
  return Number.isNaN(value) ? '–' : value >= 100 ? value.toFixed(0) : value.toFixed(1);
}
