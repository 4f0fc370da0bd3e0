/**
 * `npm run bench`: every benchmark, each figure beside a peer measured in the same run.
 * Not part of `npm test`: tests assert behaviour, benches report numbers.
 */
import { spawnSync } from 'node:child_process';
import { formatRows } from './bench-row.js';
import { run as runSegments, TITLE as SEGMENTS_TITLE } from './segments.js';
import { run as runSpine } from './spine.js';

const only = process.argv[2];
const javaPresent = /version "(1[7-9]|[2-9]\d)/.test(spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr ?? '');

process.stdout.write(`sadakat bench — ${new Date().toISOString().slice(0, 10)}, node ${process.version}, command: npm run bench${only ? ` ${only}` : ''}\n`);

if (!only || only === 'spine') {
  for (const engine of javaPresent ? (['dynamodb-local', 'dynalite'] as const) : (['dynalite'] as const)) {
    process.stdout.write(`${formatRows(`spine on ${engine} (2,000 customers, 2 live days)`, await runSpine({ engine }))}\n`);
  }
}

if (!only || only === 'segments') {
  process.stdout.write(`${formatRows(SEGMENTS_TITLE, await runSegments())}\n`);
}
