/**
 * Cost per event (issue 19): the demo played twice in one run on the same seed — with the switch
 * of decision 237 off (`segmentMoves: 'any'`: journeys see every move of their segments, as main did
 * before) beside this code — with every DynamoDB write counted where the SDK sends it
 * (shared/aws/write-meter.ts), refused conditional writes and the index writes DynamoDB adds too.
 * Figures: WCU per accepted event over every events-queue message, per message type, messages
 * per profile write, the send path's writes per decision and the demo's wall time. The two
 * summaries must agree on everything but the capacity figures.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { capacityByType } from '../shared/local/demo/capacity-stats.js';
import { runDemo, type DemoSummary } from '../shared/local/demo/run-demo.js';
import type { WriteMeter } from '../shared/aws/write-meter.js';
import type { BenchRow } from './bench-row.js';

interface Played {
  summary: DemoSummary;
  seconds: number;
  events: WriteMeter;
}

async function play(options: { customers: number; days: number; segmentMoves?: 'any' }): Promise<Played> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sadakat-bench-cost-'));
  let events: WriteMeter | undefined;
  try {
    const began = performance.now();
    const summary = await runDemo({
      customers: options.customers,
      days: options.days,
      seed: 1,
      dataDir,
      engine: 'dynalite',
      campaignDir: 'campaign',
      ...(options.segmentMoves ? { segmentMoves: options.segmentMoves } : {}),
      onWrites: (meters) => {
        events = meters.events;
      },
    });
    const seconds = (performance.now() - began) / 1000;
    if (!events) throw new Error('the demo reported no write meter');
    return { summary, seconds, events };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

function round(value: number): string {
  return value.toFixed(2);
}

/** The summary without the figures coalescing is meant to change. */
function comparable(summary: DemoSummary): unknown {
  // Fewer writes leave smaller version numbers: a byte or two of item size.
  const {
    writeCapacity: _capacity,
    sendWrites: _sends,
    profilesWritten: _written,
    profileItemBytes: _bytes,
    ...rest
  } = summary;
  return rest;
}

export async function run(options: { customers?: number; days?: number } = {}): Promise<{
  rows: BenchRow[];
  sameSummary: boolean;
}> {
  const size = { customers: options.customers ?? 5000, days: options.days ?? 7 };
  const baseline = await play({ ...size, segmentMoves: 'any' });
  const ours = await play(size);
  const row = (name: string, value: number, peer: number, unit = 'WCU'): BenchRow => ({
    name,
    value,
    unit,
    peerName: 'before decision 237 (segment moves: any)',
    peer,
    ratio: peer === 0 ? 0 : value / peer,
  });
  const profileWrites = (played: Played) =>
    played.summary.events.accepted / Math.max(1, played.events.byKind.PROFILE?.items ?? 0);
  const rows: BenchRow[] = [
    row(
      'WCU per accepted event, every events-queue message',
      ours.summary.writeCapacity.perAcceptedEvent,
      baseline.summary.writeCapacity.perAcceptedEvent,
    ),
    row(
      `… with the index writes DynamoDB adds (decision 236; ${round(ours.events.indexes.capacityUnits / ours.summary.events.accepted)} of them)`,
      (ours.events.total.capacityUnits + ours.events.indexes.capacityUnits) / ours.summary.events.accepted,
      (baseline.events.total.capacityUnits + baseline.events.indexes.capacityUnits) / baseline.summary.events.accepted,
    ),
    row(
      `… of them refused conditional writes, billed (decision 235; ${ours.events.refused.items} refused)`,
      ours.events.refused.capacityUnits / ours.summary.events.accepted,
      baseline.events.refused.capacityUnits / baseline.summary.events.accepted,
    ),
    row('accepted events per profile write', profileWrites(ours), profileWrites(baseline), 'events'),
    row(
      'send path writes per decision',
      ours.summary.sendWrites.perDecision,
      baseline.summary.sendWrites.perDecision,
      'writes',
    ),
    row('demo wall time', ours.seconds, baseline.seconds, 's'),
    {
      name: `profile item bytes p99 (p50 ${ours.summary.profileItemBytes.p50}, max ${ours.summary.profileItemBytes.max})`,
      value: ours.summary.profileItemBytes.p99,
      unit: 'bytes',
      peerName: 'one write unit',
      peer: 1024,
      ratio: ours.summary.profileItemBytes.p99 / 1024,
    },
  ];
  const before = Object.fromEntries(capacityByType(baseline.summary.writeCapacity));
  for (const [type, figure] of capacityByType(ours.summary.writeCapacity))
    rows.push(row(`WCU per ${type} (mean; p99 ${figure.p99})`, figure.mean, before[type]?.mean ?? 0));
  for (const [kind, tally] of Object.entries(ours.events.indexByKind).sort(([a], [b]) => a.localeCompare(b)))
    rows.push(
      row(
        `process-events index WCU for ${kind} items, per accepted event`,
        tally.capacityUnits / ours.summary.events.accepted,
        (baseline.events.indexByKind[kind]?.capacityUnits ?? 0) / baseline.summary.events.accepted,
      ),
    );
  // Which transitions of a run's `due` entry the index writes come from (decision 257).
  for (const [transition, count] of Object.entries(ours.events.indexTransitions).sort(([a], [b]) => a.localeCompare(b)))
    if (transition.startsWith('due:'))
      rows.push(
        row(
          `process-events \`due\` entries ${transition.slice('due:'.length)} (a move is a delete and a put), per accepted event`,
          count / ours.summary.events.accepted,
          (baseline.events.indexTransitions[transition] ?? 0) / baseline.summary.events.accepted,
          'writes',
        ),
      );
  for (const [kind, tally] of Object.entries(ours.events.byKind).sort(([a], [b]) => a.localeCompare(b)))
    rows.push(
      row(
        `process-events WCU on ${kind} items, per accepted event`,
        tally.capacityUnits / ours.summary.events.accepted,
        (baseline.events.byKind[kind]?.capacityUnits ?? 0) / baseline.summary.events.accepted,
      ),
    );
  return { rows, sameSummary: isDeepStrictEqual(comparable(ours.summary), comparable(baseline.summary)) };
}
