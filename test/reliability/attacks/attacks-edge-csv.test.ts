/**
 * CSV formula injection (issue 17): customer ids come from storefront calls anyone can post, so
 * `sadakat rfm/clv --format csv` must never hand a spreadsheet a live formula. Cells of free-text
 * columns starting with = + - @ tab or CR get a leading apostrophe; E.164 phone numbers do not.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerClv } from '../../../cli/commands/clv.js';
import { registerRfm } from '../../../cli/commands/rfm.js';
import { toCsv } from '../../../shared/csv-output.js';
import { runCli } from '../../cli-harness.js';

/** Ids the transactions reader accepts (it refuses control characters, so tab and CR are tried on toCsv below). */
const HOSTILE_IDS = ['=HYPERLINK("http://evil.test","x")', '+SUM(1,2)', '-2+3', '@cmd'];

describe('CSV formula injection', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sadakat-csv-attack-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('`sadakat rfm --format csv` writes hostile customer ids as text, not formulas', async () => {
    // Prepare
    const rows = HOSTILE_IDS.map(
      (id, index) => `"${id.replaceAll('"', '""')}",2025-0${(index % 5) + 1}-01,10,o${index}`,
    );
    const path = join(dir, 'hostile.csv');
    await writeFile(path, `customer_id,timestamp,amount,order_id\n${rows.join('\n')}\n`);

    // Act
    const run = await runCli(
      [registerRfm],
      ['rfm', '--transactions', path, '--as-of', '2025-06-30', '--format', 'csv'],
    );

    // Assess
    const records: string[][] = parse(run.stdout);
    const ids = records.slice(1).map((record) => record[0] ?? '');
    expect(ids.sort()).toEqual(HOSTILE_IDS.map((id) => `'${id}`).sort());
  });

  it('`sadakat clv predict --format csv` writes hostile customer ids as text, not formulas', async () => {
    // Prepare: the CDNOW sample, its customers 1-4 renamed to hostile ids.
    const hostileOf = new Map(HOSTILE_IDS.map((id, index) => [String(index + 1), id]));
    // Its first 1,300 customers: enough repeat buyers (500) for the fit, fewer rows to fit.
    const sample = (await readFile('../shared/data/cdnow_sample.transactions.csv', 'utf8'))
      .split('\n')
      .filter((line, index) => index === 0 || Number(line.split(',')[0]) <= 1300)
      .join('\n');
    const renamed = sample.replace(/^(\d+),/gm, (line, customer: string) => {
      const hostile = hostileOf.get(customer);
      return hostile === undefined ? line : `"${hostile.replaceAll('"', '""')}",`;
    });
    const path = join(dir, 'hostile-cdnow.csv');
    await writeFile(path, renamed);

    // Act
    const run = await runCli(
      [registerClv],
      ['clv', 'predict', '--transactions', path, '--calibration-end', '1997-09-30', '--weeks', '39', '--format', 'csv'],
    );

    // Assess
    const ids = (parse(run.stdout) as string[][]).slice(1).map((record) => record[0] ?? '');
    expect(ids.filter((id) => id.startsWith("'")).sort()).toEqual(HOSTILE_IDS.map((id) => `'${id}`).sort());
    expect(ids.some((id) => /^[=+\-@]/.test(id))).toBe(false);
  });

  it('neutralises tab and carriage-return starts too, and leaves E.164 phone numbers and numbers alone', () => {
    // Act
    const text = toCsv(
      ['customer_id', 'phone', 'amount'],
      [
        ['\tTAB', '+905551234567', -3],
        ['\rCR', '+1 (555) =2', 4],
      ],
      ['customer_id', 'phone'],
    );

    // Assess
    expect(parse(text)).toEqual([
      ['customer_id', 'phone', 'amount'],
      ["'\tTAB", '+905551234567', '-3'],
      ["'\rCR", "'+1 (555) =2", '4'],
    ]);
  });
});
