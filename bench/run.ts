/**
 * `npm run bench`: every benchmark, each figure beside a peer measured in the same run.
 * Not part of `npm test`: tests assert behaviour, benches report numbers.
 */
import { spawnSync } from 'node:child_process';
import { formatRows } from './bench-row.js';
import { run as runSegments, TITLE as SEGMENTS_TITLE } from './segments.js';
import { run as runAssignment } from './assignment.js';
import { run as runAudience, title as audienceTitle } from './audience.js';
import { run as runBundles } from './bundles.js';
import { formatChurnTable, run as runChurn } from './churn.js';
import { run as runClvFit } from './clv-fit.js';
import { run as runConsole } from './console.js';
import { run as runCost } from './cost.js';
import { run as runDemoSpeed } from './demo-speed.js';
import { run as runFitMemory } from './fit-memory.js';
import { run as runScoreWrites, TITLE as SCORE_WRITES_TITLE } from './score-writes.js';
import { run as runIngestTrust } from './ingest-trust.js';
import { run as runJourneyTick } from './journey-tick.js';
import { run as runPacing, TITLE as PACING_TITLE } from './pacing.js';
import { runSection as runLoad } from './load.js';
import { run as runRefresh } from './refresh.js';
import { run as runSpine } from './spine.js';
import { run as runStorage } from './storage.js';

// Benches run on Node 20 like the CLI; the SDK's Node 22 notice is noise here (see cli/main.ts).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const only = process.argv[2];
const javaPresent = /version "(1[7-9]|[2-9]\d)/.test(
  spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr ?? '',
);

process.stdout.write(
  `sadakat bench — ${new Date().toISOString().slice(0, 10)}, node ${process.version}, command: npm run bench${only ? ` ${only}` : ''}\n`,
);

if (!only || only === 'spine') {
  for (const engine of javaPresent ? (['dynamodb-local', 'dynalite'] as const) : (['dynalite'] as const)) {
    process.stdout.write(
      `${formatRows(`spine on ${engine} (2,000 customers, 2 live days)`, await runSpine({ engine }))}\n`,
    );
  }
}

if (!only || only === 'cost') {
  // `npm run bench cost [customers] [days]`: the default is the demo's own size.
  const [customers, days] = process.argv.slice(3).map(Number);
  const cost = await runCost({
    ...(customers ? { customers } : {}),
    ...(days ? { days } : {}),
  });
  process.stdout.write(
    `${formatRows(`cost per event: the demo on dynalite (seed 1) beside the same code with decision 237 switched off; summaries otherwise equal: ${cost.sameSummary ? 'yes' : 'NO'}`, cost.rows)}\n`,
  );
}

if (!only || only === 'demo') {
  // `npm run bench demo [customers] [days] [baseline commit]`: npm start's CPU and wall time
  // beside a baseline commit's (default 300 × 3, beside main).
  const [customers, days] = process.argv.slice(3, 5).map(Number);
  const baseline = process.argv[5];
  const speed = await runDemoSpeed({
    ...(customers ? { customers } : {}),
    ...(days ? { days } : {}),
    ...(baseline ? { baseline } : {}),
  });
  process.stdout.write(
    `${formatRows(`npm start's speed: sadakat demo --customers ${speed.size.customers} --days ${speed.size.days} (seed 1, dynalite) beside ${speed.baseline}'s, each in its own process, both at once; summaries otherwise equal: ${speed.sameSummary ? 'yes' : 'NO'}`, speed.rows)}\n`,
  );
}

if (!only || only === 'storage') {
  // `npm run bench storage [customers] [days]`: item sizes by type after a small demo (default 300 × 3).
  const [customers, days] = process.argv.slice(3).map(Number);
  const size = { customers: customers || 300, days: days || 3 };
  process.stdout.write(
    `${formatRows(`storage by item type: the demo's table (${size.customers} customers, ${size.days} days, dynalite)`, await runStorage(size))}
`,
  );
}

if (!only || only === 'segments') {
  process.stdout.write(`${formatRows(SEGMENTS_TITLE, await runSegments())}\n`);
}

if (!only || only === 'clv') {
  process.stdout.write(
    `${formatRows('CLV fit (BG/NBD + Gamma-Gamma; distinct triplets vs per-customer likelihood)', await runClvFit({ syntheticCustomers: 1_000_000 }))}\n`,
  );
}

if (!only || only === 'fit-memory') {
  process.stdout.write(
    `${formatRows('refresh fit memory: peak RSS of a child fitting 250,000 and 1,000,000 synthetic buyers (issue 20)', await runFitMemory())}\n`,
  );
}

if (!only || only === 'score-writes') {
  process.stdout.write(`${formatRows(SCORE_WRITES_TITLE, await runScoreWrites())}\n`);
}

if (!only || only === 'churn') process.stdout.write(`${formatChurnTable(await runChurn())}\n`);

if (!only || only === 'refresh') {
  process.stdout.write(
    `${formatRows('nightly refresh scoring on dynalite (2,000 customers)', await runRefresh({ engine: 'dynalite', customers: 2000 }))}\n`,
  );
}

if (!only || only === 'audience') {
  // `npm run bench audience [items]`: the issue's 1M items by default (about half an hour on a loaded 2-core machine).
  const items = Number(process.argv[3]) || 1_000_000;
  const audience = await runAudience({ items, log: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`${formatRows(audienceTitle(items), audience.rows)}\n${audience.notes.join('\n')}\n`);
}

if (!only || only === 'assignment') {
  process.stdout.write(
    `${formatRows('experiment assignment (agrees with GrowthBook on every id)', await runAssignment())}\n`,
  );
}

if (!only || only === 'ingest-trust') {
  process.stdout.write(
    `${formatRows('ingest requests/s with the trust checks beside a server key, which skips them (in-process, batches of 20 calls, 1,000 requests × 5 rounds)', await runIngestTrust())}\n`,
  );
}

if (!only || only === 'journey-tick') {
  process.stdout.write(
    `${formatRows('journey-tick + wake on dynalite (1,000 waiting runs)', await runJourneyTick({ engine: 'dynalite', customers: 1000 }))}\n`,
  );
}

if (!only || only === 'pacing') {
  process.stdout.write(`${formatRows(PACING_TITLE, await runPacing())}\n`);
}

if (!only || only === 'bundles') {
  process.stdout.write(
    // `npm run bench bundles [function…]`: only those functions.
    `${formatRows('Lambda bundles as the stack builds them (esbuild, ESM, minified, SDK bundled)', await runBundles(only ? process.argv.slice(3) : []))}\n`,
  );
}

if (!only || only === 'console') {
  process.stdout.write(
    `${formatRows('sadakat console first renders on 50,000 customers (dynalite) beside sadakat profile', await runConsole({ customers: 50_000 }))}\n`,
  );
}

if (!only || only === 'load') process.stdout.write(await runLoad(process.argv.slice(3), javaPresent));
