/** `sadakat demo`: the pipeline end to end on the embedded runtime, then a summary. */
import type { Command } from 'commander';
import type { DemoSummary } from '../../shared/local/demo/run-demo.js';
import { capacityByType } from '../../shared/local/demo/capacity-stats.js';
import type { WriteMeter } from '../../shared/aws/write-meter.js';
import type { EngineChoice } from '../../shared/local/data-dir.js';
import { formatOption, localCampaignOptions, nonNegativeInteger, positiveInteger } from '../options.js';
import { progressBar, type Progress } from '../progress.js';
import { join } from 'node:path';
import { formatReportTable } from '../report-table.js';
import { outputWidth, wrapLine } from '../text-table.js';
import { cpuMs, type PhaseTimings } from '../../shared/local/demo/phase-timer.js';

export function registerDemo(program: Command): void {
  const command = program.command('demo');
  // dynalite by default, as every command: the demo writes ~100k items, and DynamoDB Local's
  // SQLite store commits each write to disk (≈ 80 writes/s measured here), 5× slower (docs/decisions.md).
  localCampaignOptions(command, { description: 'local data folder (cleared first)', reopen: false });
  formatOption(command, 'table', 'json');
  command
    .description(
      'run the pipeline on the embedded runtime: 18 months of history, then a live week of traffic with journeys, sends and SES feedback, then the A/B report',
    )
    .option('--customers <n>', 'synthetic customers', positiveInteger, 5000)
    .option('--days <n>', 'days of live traffic', positiveInteger, 7)
    .option('--seed <n>', 'random seed (same seed, same summary)', nonNegativeInteger, 1)
    .option('--timings', 'print the wall time of each phase (on stderr)')
    .option('--verbose', 'also the engineering figures: write capacity, queue deliveries, expiry passes')
    .option('--wide', 'every column of the report table, however wide (default: fit the terminal, 100 when piped)')
    .action(
      async (options: {
        customers: number;
        days: number;
        seed: number;
        dataDir: string;
        engine: EngineChoice;
        campaign: string;
        format: 'table' | 'json';
        timings?: boolean;
        wide?: boolean;
        verbose?: boolean;
      }) => {
        // Loaded on use: the runtime pulls in the AWS SDK and the engines, which `validate` never needs.
        const { runDemo } = await import('../../shared/local/demo/run-demo.js');
        const started = performance.now();
        const cpuStarted = cpuMs();
        const bars: Record<string, Progress> = {};
        let timings: PhaseTimings = {};
        let cpuTimings: PhaseTimings = {};
        let writes = '';
        const summary = await runDemo({
          customers: options.customers,
          days: options.days,
          seed: options.seed,
          dataDir: options.dataDir,
          engine: options.engine,
          campaignDir: options.campaign,
          onProgress: (phase, done, total) => {
            for (const [name, bar] of Object.entries(bars)) if (name !== phase) bar.stop();
            (bars[phase] ??= progressBar(
              { history: 'history', refresh: 'refresh', traffic: 'live week' }[phase],
            )).update(done, total);
          },
          onTimings: (measured, cpu) => {
            timings = measured;
            cpuTimings = cpu;
          },
          onWrites: (meters) => {
            writes = `${writeLines('process-events writes', meters.events)}${writeLines('send path writes', meters.sends)}`;
          },
        });
        for (const bar of Object.values(bars)) bar.stop();
        const seconds = (performance.now() - started) / 1000;
        if (options.format === 'json') {
          process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
          process.stderr.write(`demo finished in ${seconds.toFixed(1)} s\n`);
        } else {
          process.stdout.write(
            formatSummary(summary, seconds, options.dataDir, outputWidth(options.wide), options.verbose === true),
          );
        }
        if (options.timings)
          process.stderr.write(`${formatTimings(timings, cpuTimings, seconds, cpuMs() - cpuStarted)}${writes}`);
      },
    );
}

/** `process-events writes: 41230 items, 45012 WCU — PROFILE 20110 (22050 WCU), J 9001 (9001 WCU)…` */
function writeLines(title: string, meter: WriteMeter): string {
  const kinds = Object.entries(meter.byKind)
    .sort(([, a], [, b]) => b.capacityUnits - a.capacityUnits)
    .map(([kind, tally]) => `${kind} ${tally.items} (${Math.round(tally.capacityUnits)} WCU)`);
  const refused = meter.refused.items > 0 ? ` (${meter.refused.items} refused conditional writes, billed)` : '';
  const indexes = Object.entries(meter.indexByKind)
    .sort(([, a], [, b]) => b.capacityUnits - a.capacityUnits)
    .map(([kind, tally]) => `${kind} ${tally.items} (${Math.round(tally.capacityUnits)} WCU)`);
  const indexLine =
    meter.indexes.items > 0
      ? `  + index writes (DynamoDB bills them; worked out, not reported by the engine): ${meter.indexes.items}, ${Math.round(meter.indexes.capacityUnits)} WCU — ${indexes.join(', ')}\n`
      : '';
  return `${title}: ${meter.total.items} items, ${Math.round(meter.total.capacityUnits)} WCU${refused} — ${kinds.join(', ')}\n${indexLine}`;
}

/** Wall and CPU seconds per phase; `other` is what no phase timed (loading the campaign, the summary). */
function formatTimings(timings: PhaseTimings, cpuTimings: PhaseTimings, seconds: number, cpuTotalMs: number): string {
  const sum = (values: PhaseTimings) => Object.values(values).reduce((total, ms) => total + ms, 0);
  const row = (name: string, wallSeconds: number, cpuSeconds: number) =>
    `  ${name.padEnd(16)} ${wallSeconds.toFixed(1).padStart(7)} s ${cpuSeconds.toFixed(1).padStart(7)} s`;
  return [
    `time per phase     ${'wall'.padStart(9)} ${'cpu'.padStart(9)}`,
    ...Object.entries(timings).map(([phase, ms]) =>
      row(phase, ms / 1000, (cpuTimings[phase as keyof PhaseTimings] ?? 0) / 1000),
    ),
    row('other', Math.max(0, seconds - sum(timings) / 1000), Math.max(0, (cpuTotalMs - sum(cpuTimings)) / 1000)),
    row('total', seconds, cpuTotalMs / 1000),
    '',
  ].join('\n');
}

function formatClv(clv: DemoSummary['refresh']['clv']): string {
  if (clv.status !== 'fitted') return `not fitted (${clv.reason})`;
  const p = clv.params;
  return `BG/NBD r=${p.r.toFixed(3)} α=${p.alpha.toFixed(3)} a=${p.a.toFixed(3)} b=${p.b.toFixed(3)}, Gamma-Gamma p=${p.p.toFixed(2)} q=${p.q.toFixed(2)} γ=${p.gamma.toFixed(2)}`;
}

function formatPower(power: DemoSummary['power']): string {
  if (!power) return 'no customer of the main experiment has a closed goal window yet';
  const builtIn = `${(power.powerForBuiltInEffect * 100).toFixed(0)}% for ${power.experiment} (${power.journeyId}) to detect its built-in effect of ${(power.builtInEffect * 100).toFixed(1)} points`;
  const detectable =
    power.detectableLift === null
      ? 'no lift is detectable at 80% power at these sizes yet'
      : `the smallest lift detectable at 80% power is +${(power.detectableLift * 100).toFixed(0)}%`;
  const goal =
    power.minimumDetectableLift !== null
      ? ` (settings ask for +${(power.minimumDetectableLift * 100).toFixed(0)}%)`
      : power.minimumDetectableEffect !== null
        ? ` (settings ask for ${(power.minimumDetectableEffect * 100).toFixed(1)} points)`
        : '';
  return `${builtIn}${power.powerForBuiltInEffect < 0.8 ? ' — below 80%: run more customers or days' : ''}; ${detectable}${goal}`;
}

/**
 * What a marketer reads first — customers, journeys, messages, results — in plain words; then how
 * the data came in; the engineering figures (write capacity, queue, expiry passes) with
 * `--verbose` (all are in --format json). Every line fits `width`.
 */
export function formatSummary(
  summary: DemoSummary,
  seconds: number,
  dataDir: string,
  width: number,
  verbose: boolean,
): string {
  const { customers } = summary;
  const accounts = Object.values(summary.journeys).map((journey) => journey.sendAccount);
  const refused: Record<string, number> = {};
  for (const account of accounts)
    for (const [reason, count] of Object.entries(account.refused)) refused[reason] = (refused[reason] ?? 0) + count;
  const pending = accounts.reduce((sum, account) => sum + account.pending.length, 0);
  const lines = [
    '',
    `sadakat demo — seed ${summary.seed}, engine ${summary.engine}, ${seconds.toFixed(1)} s`,
    '',
    `customers        ${customers.known} with an account: ${customers.known - customers.signedUp} at the start (--customers) and ${customers.signedUp} who signed up during the live week; ${plural(customers.anonymous, 'visitor')} never logged in; ${plural(customers.merged, 'visitor')} logged in and were merged into their account`,
    `segments         ${Object.entries(summary.segments)
      .map(([id, size]) => `${id} ${size.members}`)
      .join(' · ')}`,
    ...(Object.keys(summary.tiers).length > 0
      ? [
          `tiers            ${Object.entries(summary.tiers)
            .map(([tier, count]) => `${tier} ${count}`)
            .join(' · ')} (customers per loyalty tier at the end)`,
        ]
      : []),
    ...Object.entries(summary.journeys).flatMap(([id, journey], index) => [
      `${index === 0 ? 'journeys' : ''}`.padEnd(17) + journeyLine(id, journey),
      `                   messages: ${accountLine(journey.sendAccount)}`,
    ]),
    `messages         sent: email ${summary.sends.email} · sms ${summary.sends.sms} · push ${summary.sends.push} · call tasks ${summary.sends.call}; not sent: ${
      refusedText(refused, '') || 'none'
    }; ${pending} still pending when the demo stopped`,
    `responses        ${
      Object.entries(summary.feedback)
        .map(([kind, count]) => `${kind} ${count}`)
        .join(' · ') || 'no SES feedback'
    }; ${plural(summary.responseOrders, 'order')} placed in response to an email or a call`,
    `satisfaction     ${npsLine(summary.nps)}; complaints ${summary.complaints.opened} opened · ${summary.complaints.resolved} resolved · ${summary.complaints.open} still open (promotions paused meanwhile: ${summary.refusals.open_complaint ?? 0} refused)`,
    `calls            ${plural(summary.calls.queued, 'call task')} for agents, ${summary.calls.completed} completed${
      summary.calls.completed > 0
        ? `: ${Object.entries(summary.calls.outcomes)
            .map(([outcome, count]) => `${outcome} ${count}`)
            .join(' · ')}`
        : ''
    }; the rest nobody took (the journey's timeout branch)`,
    `results          ${formatPower(summary.power)}`,
    '',
    'A/B report',
    '',
    formatReportTable(summary.report, width),
    'how the data came in',
    `  history        ${summary.history.orders} past orders of ${summary.history.customers} customers imported`,
    `  scores         the night before (${summary.refresh.asOf}): ${summary.refresh.scored} customers scored, ${summary.refresh.recommendations} with product recommendations`,
    `                 RFM ${Object.entries(summary.refresh.rfmSegments ?? {})
      .map(([segment, count]) => `${segment} ${count}`)
      .join(' · ')}`,
    `  store traffic  ${summary.events.posted} events posted, ${summary.events.accepted} accepted, ${summary.events.rejected} rejected, ${summary.events.duplicates} repeats changed nothing`,
    ...Object.entries(summary.events.rejectedByReason).map(
      ([reason, count]) => `                   rejected ${count}× — ${reason}`,
    ),
    '',
    `sent email       ${join(dataDir, summary.files.mail)}/*.eml (${summary.files.emails} messages; the local SES viewer closed with the demo)`,
    `SMS and push     ${join(dataDir, summary.files.snsOutbox)}`,
    `call list        ${join(dataDir, summary.files.callList)}  —  npx sadakat calls export --format csv`,
    `HTML report      ${join(dataDir, summary.files.reportHtml)}`,
    `data folder      ${dataDir}  —  try: npx sadakat report --format html --out report.html · npx sadakat profile cust-000001`,
    ...(verbose ? ['', ...engineeringLines(summary)] : ['the model and pipeline figures: --verbose, or --format json']),
    '',
  ];
  return lines
    .join('\n')
    .split('\n')
    .map((line) => wrapLine(line, width, ' '.repeat(19)))
    .join('\n');
}

/** `abandoned-cart: 690 customers entered (691 runs), 34 in the global holdout; 476 completed, 215 left early`. */
function journeyLine(id: string, journey: DemoSummary['journeys'][string]): string {
  const runs = journey.entered !== journey.customers ? ` (${journey.entered} runs: some entered again)` : '';
  const variants = Object.entries(journey.variants)
    .map(([variant, count]) => `${variant} ${count}`)
    .join(' · ');
  return `${id}: ${journey.customers} customers entered${runs}, ${journey.holdout} in the global holdout; ${journey.completed} completed, ${journey.exited} left early${variants ? `; variants ${variants}` : ''}`;
}

/** Every queued message's end: `917 queued → 600 sent · 300 not sent (no_consent 525 …) · 17 pending until …`. */
function accountLine(account: DemoSummary['journeys'][string]['sendAccount']): string {
  const refused = Object.values(account.refused).reduce((sum, count) => sum + count, 0);
  const due = account.pending.map((item) => item.dueAt).sort();
  const pending =
    account.pending.length > 0
      ? ` · ${account.pending.length} pending (due ${due[0]?.slice(0, 16).replace('T', ' ')}${due.length > 1 ? ` to ${due.at(-1)?.slice(0, 16).replace('T', ' ')}` : ''} UTC)`
      : '';
  const lost = account.unaccounted > 0 ? ` · ⚠ ${account.unaccounted} unaccounted for` : '';
  return `${account.queued} queued → ${account.sent} sent · ${refused} not sent${refusedText(account.refused, ' (')}${refused > 0 ? ')' : ''}${pending}${lost}`;
}

/** With --verbose: the model's parameters and what the pipeline did to get there. */
function engineeringLines(summary: DemoSummary): string[] {
  return [
    `CLV model        ${formatClv(summary.refresh.clv)}`,
    `history writes   ${summary.history.capacityUnits} WCU`,
    `profiles         ${summary.profilesWritten} profile writes, ${summary.identityMerges} identity merges`,
    `expiry           ${summary.expiry.passes} expiry passes on the virtual clock enqueued ${summary.expiry.rechecks} rechecks`,
    `queue            ${summary.queue.deliveries} deliveries, ${summary.queue.retried} retried, ${summary.queue.deadLettered} dead-lettered`,
    `send decisions   ${refusedText(summary.refusals, '') || 'none'} (every decision other than sent, deferrals and retries included)`,
    'write capacity per message (WCU, from ConsumedCapacity)',
    `  ${'message'.padEnd(20)} ${'count'.padStart(7)} ${'mean'.padStart(7)} ${'p99'.padStart(7)} ${'max'.padStart(7)}`,
    ...capacityByType(summary.writeCapacity).map(
      ([name, figure]) =>
        `  ${name.padEnd(20)} ${String(figure.messages).padStart(7)} ${figure.mean.toFixed(2).padStart(7)} ${figure.p99.toFixed(2).padStart(7)} ${figure.max.toFixed(2).padStart(7)}`,
    ),
    `  per accepted event ${summary.writeCapacity.perAcceptedEvent.toFixed(2)} WCU (every message kind); send path ${summary.sendWrites.perDecision.toFixed(2)} writes per decision`,
    `profile items   p50 ${summary.profileItemBytes.p50} B, p99 ${summary.profileItemBytes.p99} B, max ${summary.profileItemBytes.max} B (over 1,024 B a write costs 2 WCU)`,
  ];
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** `deferred 3 · frequency_cap 1` after the prefix, or nothing when there is none. */
function refusedText(refusals: Record<string, number>, prefix: string): string {
  const text = Object.entries(refusals)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(' · ');
  return text ? `${prefix}${text}` : '';
}

/** `NPS +12.5 from 48 answers (20 promoters · 14 passives · 14 detractors)`. */
function npsLine(nps: DemoSummary['nps']): string {
  if (nps.responses === 0) return 'no survey answers';
  const sign = nps.score > 0 ? '+' : '';
  return `NPS ${sign}${nps.score} from ${plural(nps.responses, 'answer')} (${nps.promoters} promoters · ${nps.passives} passives · ${nps.detractors} detractors)`;
}
