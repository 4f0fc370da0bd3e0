/**
 * Hostile transactions files (issue 10, "Hostile input": bad CSV rows → reported and skipped).
 * Random garbage rows — wrong field counts, amounts that are not numbers (NaN, Infinity, 1e999,
 * "12,5" unquoted), impossible and far-future dates, empty, huge and control-character ids, bytes
 * that are not UTF-8, stray quotes — mixed with good rows (quoted or not, with a BOM or CRLF):
 * every bad row is reported with its line and a reason, every good row is read and imported, and
 * nothing crashes. Volume on the in-memory fakes; one file through `sadakat import orders` on the
 * local engine; `sadakat rfm` and `sadakat clv fit` report a bad row by line too.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerClv } from '../../cli/commands/clv.js';
import { registerRfm } from '../../cli/commands/rfm.js';
import { parseTransactionsCsv, type ParsedTransactions } from '../../shared/analytics/transactions-csv.js';
import { importOrders } from '../../shared/profiles/import-orders.js';
import { runCli } from '../cli-harness.js';
import { InMemoryOrderLedger, InMemoryProfileStore, NO_ERASED_ORDERS } from '../fakes/in-memory-ports.js';
import { fuzzRuns } from './fuzz-runs.js';

/** A tenth of the ingest suite's count: each case streams a whole small file through csv-parse (3–6 ms). */
const RUNS = Math.floor(fuzzRuns() / 10);
const NOW = new Date('2026-11-23T12:00:00Z');
const HEADER = 'customer_id,timestamp,amount,order_id';
const CUSTOMERS = Array.from({ length: 12 }, (_, index) => `cust-${index}`);
const STACK_TRACE = /\n\s+at |TypeError|RangeError|ReferenceError/;

const sadakat = (args: string[]) =>
  promisify(execFile)(process.execPath, ['bin/sadakat.js', ...args], {
    env: { ...process.env, FORCE_COLOR: '0' },
    timeout: 90_000,
  }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );

interface GoodRow {
  kind: 'good';
  customerId: string;
  amount: number;
  orderId: string;
  fields: string[];
}
interface BadRow {
  kind: 'bad';
  what: string;
  bytes: Buffer;
}
type Row = GoodRow | BadRow;

const quote = (field: string) => `"${field.replaceAll('"', '""')}"`;

const timestamp = fc
  .tuple(
    fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2025-12-31T23:59:59Z'), noInvalidDate: true }),
    fc.constantFrom('date', 'utc', 'offset', 'space'),
  )
  .map(([at, form]) => {
    const iso = at.toISOString();
    if (form === 'date') return iso.slice(0, 10);
    if (form === 'utc') return `${iso.slice(0, 19)}Z`;
    if (form === 'offset') return `${iso.slice(0, 19)}+03:00`;
    return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  });

/** `index` makes each good row's order id unique in its file. */
function goodRow(index: number): fc.Arbitrary<GoodRow> {
  return fc
    .tuple(
      fc.constantFrom(...CUSTOMERS),
      timestamp,
      fc.integer({ min: 1, max: 10_000_000 }),
      fc.boolean(),
      fc.boolean(),
    )
    .map(([customerId, at, cents, quoted, commaInId]) => {
      const orderId = commaInId ? `o,${index}` : `o-${index}`;
      const fields = [customerId, at, (cents / 100).toFixed(2), orderId];
      return {
        kind: 'good',
        customerId,
        amount: cents / 100,
        orderId,
        fields: fields.map((field) => (quoted || field.includes(',') ? quote(field) : field)),
      };
    });
}

const badRow: fc.Arbitrary<BadRow> = fc
  .tuple(
    fc.constantFrom(
      'too-few',
      'too-many',
      'not-a-number',
      'nan',
      'negative',
      'bad-date',
      'far-future',
      'hour-offset',
      'empty-id',
      'huge-id',
      'control',
      'not-utf8',
      'stray-quote',
    ),
    fc.constantFrom(...CUSTOMERS),
    fc.integer({ min: 0, max: 1_000 }),
  )
  .map(([what, customerId, n]): BadRow => {
    const text = (fields: string[]) => Buffer.from(fields.join(','));
    const id = `bad-${n}`;
    switch (what) {
      case 'too-few':
        return { kind: 'bad', what, bytes: text([customerId, '2024-01-01'].slice(0, 1 + (n % 2))) };
      case 'too-many':
        return { kind: 'bad', what, bytes: text([customerId, '2024-01-01', '1', '000.50', id]) };
      case 'not-a-number':
        return {
          kind: 'bad',
          what,
          bytes: text([customerId, '2024-01-01', ['abc', '1.2.3', '$5', '', '0x10', '١٢'][n % 6] as string, id]),
        };
      case 'nan':
        return {
          kind: 'bad',
          what,
          bytes: text([customerId, '2024-01-01', ['NaN', 'Infinity', '-Infinity', '1e999'][n % 4] as string, id]),
        };
      case 'negative':
        return { kind: 'bad', what, bytes: text([customerId, '2024-01-01', `-${1 + n}`, id]) };
      case 'bad-date':
        return {
          kind: 'bad',
          what,
          bytes: text([
            customerId,
            ['2024-13-01', '2024-02-30', 'yesterday', '01/02/2024', '', '2024-01-01T24:00:00Z'][n % 6] as string,
            '5',
            id,
          ]),
        };
      case 'far-future':
        return { kind: 'bad', what, bytes: text([customerId, `${2100 + n}-01-01`, '5', id]) };
      case 'hour-offset':
        return { kind: 'bad', what, bytes: text([customerId, '2024-01-01T10:00+03', '5', id]) };
      case 'empty-id':
        return { kind: 'bad', what, bytes: text(['', '2024-01-01', '5', id]) };
      case 'huge-id':
        return { kind: 'bad', what, bytes: text(['x'.repeat(257 + n * 50), '2024-01-01', '5', id]) };
      case 'control':
        return { kind: 'bad', what, bytes: text([`${customerId}\u0000`, '2024-01-01', '5', id]) };
      case 'not-utf8':
        return {
          kind: 'bad',
          what,
          bytes: Buffer.concat([
            Buffer.from(customerId),
            Buffer.from([0xff, 0xfe, 0x80 + (n % 64)]),
            Buffer.from(`,2024-01-01,5,${id}`),
          ]),
        };
      default:
        // A quote inside an unquoted field; a quote opening a field would run to the next quote in the file.
        return { kind: 'bad', what, bytes: text([`${customerId}"x`, '2024-01-01', '5', id]) };
    }
  });

interface HostileFile {
  bytes: Buffer;
  rows: Row[];
}

const hostileFile = (maxRows: number): fc.Arbitrary<HostileFile> =>
  fc
    .tuple(fc.array(fc.boolean(), { minLength: 1, maxLength: maxRows }), fc.boolean(), fc.boolean(), fc.boolean())
    .chain(([goodness, bom, crlf, trailingNewline]) =>
      fc
        .tuple(...goodness.map((good, index): fc.Arbitrary<Row> => (good ? goodRow(index) : badRow)))
        .map((rows): HostileFile => {
          const newline = Buffer.from(crlf ? '\r\n' : '\n');
          const lines = [
            Buffer.from(`${bom ? '\uFEFF' : ''}${HEADER}`),
            ...rows.map((row) => (row.kind === 'good' ? Buffer.from(row.fields.join(',')) : row.bytes)),
          ];
          const body = lines.flatMap((line, index) => (index === 0 ? [line] : [newline, line]));
          return { bytes: Buffer.concat([...body, ...(trailingNewline ? [newline] : [])]), rows };
        }),
    );

/** Row i of the file is on line i + 2 (the header is line 1). */
const lineOf = (index: number) => index + 2;

function expectEveryRowAccountedFor(file: HostileFile, parsed: ParsedTransactions): void {
  const badLines = file.rows.flatMap((row, index) => (row.kind === 'bad' ? [lineOf(index)] : []));
  const described = file.rows.flatMap((row, index) => (row.kind === 'bad' ? [`${lineOf(index)} ${row.what}`] : []));
  expect(
    parsed.errors.map((error) => error.line),
    described.join(', '),
  ).toEqual(badLines);
  for (const error of parsed.errors) {
    expect(error.reason.trim().length).toBeGreaterThan(0);
    expect(error.reason.length).toBeLessThan(300);
    expect(error.reason).not.toMatch(STACK_TRACE);
  }
  const good = file.rows.flatMap((row, index) =>
    row.kind === 'good'
      ? [{ line: lineOf(index), customerId: row.customerId, amount: row.amount, orderId: row.orderId }]
      : [],
  );
  expect(
    parsed.transactions.map(({ line, customerId, amount, orderId }) => ({ line, customerId, amount, orderId })),
  ).toEqual(good);
}

function importDeps() {
  const profiles = new InMemoryProfileStore();
  const orders = new InMemoryOrderLedger();
  return {
    profiles,
    orders,
    deps: {
      profiles,
      orders,
      settings: { trackedProperties: {}, timezone: 'UTC' },
      clock: { now: () => NOW },
      tombstones: NO_ERASED_ORDERS,
    },
  };
}

describe('hostile transactions files', { timeout: 180_000 }, () => {
  let dir: string;
  const counted = { files: 0, rows: 0, bad: 0 };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sadakat-hostile-csv-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    console.info(`hostile CSV figures: ${JSON.stringify(counted)}`);
  });

  it('reports every bad row by line and reason and reads every good row', async () => {
    await fc.assert(
      fc.asyncProperty(hostileFile(30), async (file) => {
        // Act
        const parsed = await parseTransactionsCsv(file.bytes, { now: NOW });
        // Assess
        counted.files++;
        counted.rows += file.rows.length;
        counted.bad += parsed.errors.length;
        expectEveryRowAccountedFor(file, parsed);
      }),
      { numRuns: RUNS },
    );
  });

  it('imports every good row exactly once on the in-memory ports, whatever garbage surrounds it', async () => {
    await fc.assert(
      fc.asyncProperty(hostileFile(40), async (file) => {
        // Prepare
        const parsed = await parseTransactionsCsv(file.bytes, { now: NOW });
        const { profiles, orders, deps } = importDeps();
        // Act
        const summary = await importOrders(
          deps,
          parsed.transactions.map(({ customerId, timestamp: at, amount, line, orderId }) => ({
            customerId,
            timestamp: at,
            amount,
            line,
            ...(orderId ? { orderId } : {}),
          })),
        );
        // Assess
        const good = file.rows.filter((row): row is GoodRow => row.kind === 'good');
        expect(summary.ordersImported).toBe(good.length);
        for (const customerId of CUSTOMERS) {
          const expected = good.filter((row) => row.customerId === customerId);
          const stored = await orders.listOrders(customerId);
          expect(stored.map((order) => order.orderId).sort()).toEqual(expected.map((row) => row.orderId).sort());
          expect(stored.every((order) => order.status === 'applied')).toBe(true);
          expect((await profiles.getProfile(customerId))?.orders.count ?? 0).toBe(expected.length);
        }
      }),
      { numRuns: Math.max(20, Math.floor(RUNS / 20)) },
    );
  });

  it('imports the good rows of a 5,000-row file with 10% garbage on the in-memory ports', async () => {
    // Prepare
    const rows: Row[] = fc
      .sample(fc.tuple(fc.integer({ min: 0, max: 9 }), goodRow(0), badRow), { numRuns: 5_000, seed: 42 })
      .map(([roll, good, bad], index) =>
        roll === 0 ? bad : { ...good, orderId: `o-${index}`, fields: [...good.fields.slice(0, 3), `o-${index}`] },
      );
    const bytes = Buffer.concat([
      Buffer.from(HEADER),
      ...rows.flatMap((row) => [
        Buffer.from('\n'),
        row.kind === 'good' ? Buffer.from(row.fields.join(',')) : row.bytes,
      ]),
    ]);
    const { orders, deps } = importDeps();

    // Act
    const parsed = await parseTransactionsCsv(bytes, { now: NOW });
    const summary = await importOrders(
      deps,
      parsed.transactions.map(({ customerId, timestamp: at, amount, line, orderId }) => ({
        customerId,
        timestamp: at,
        amount,
        line,
        ...(orderId ? { orderId } : {}),
      })),
    );

    // Assess
    expectEveryRowAccountedFor({ bytes, rows }, parsed);
    const good = rows.filter((row) => row.kind === 'good').length;
    expect(summary.ordersImported).toBe(good);
    let stored = 0;
    for (const customerId of CUSTOMERS) stored += (await orders.listOrders(customerId)).length;
    expect(stored).toBe(good);
    counted.rows += rows.length;
    counted.bad += parsed.errors.length;
  });

  it('`sadakat import orders` on the local engine reports bad rows by line and imports the good ones', async () => {
    // Prepare
    const [file] = fc.sample(
      hostileFile(60).filter(
        (candidate) =>
          candidate.rows.some((row) => row.kind === 'bad') && candidate.rows.some((row) => row.kind === 'good'),
      ),
      { numRuns: 1, seed: 7 },
    );
    if (!file) throw new Error('no sample');
    const path = join(dir, 'orders.csv');
    await writeFile(path, file.bytes);
    const bad = file.rows.flatMap((row, index) => (row.kind === 'bad' ? [lineOf(index)] : []));

    // Act: the real bin in a child process (the in-process SDK clients share vitest's module graph with the adapter mocks)
    const run = await sadakat([
      'import',
      'orders',
      '--transactions',
      path,
      '--data-dir',
      join(dir, 'data'),
      '--engine',
      'dynalite',
      '--campaign',
      'campaign',
      '--format',
      'json',
    ]);

    // Assess
    expect(run.code).toBe(bad.length > 0 ? 2 : 0);
    expect(run.stderr).toContain(`skipped ${bad.length} bad row(s)`);
    for (const line of bad.slice(0, 10)) expect(run.stderr).toContain(`${path}:${line}: `);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(STACK_TRACE);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ordersImported: file.rows.length - bad.length,
      rejectedRows: bad.length,
    });
  }, 120_000);

  it('`sadakat rfm --transactions` reports a bad row by its line', async () => {
    // Prepare
    const path = join(dir, 'rfm.csv');
    await writeFile(path, `${HEADER}\nc1,2025-01-01,10,a\nc2,2025-01-02,NaN,b\nc3,2025-01-03,7,c\n`);
    // Act
    const run = await runCli([registerRfm], ['rfm', '--transactions', path, '--as-of', '2025-06-30']);
    // Assess
    expect(run.stderr).toContain(`${path}:3: amount "NaN" is not a number`);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(STACK_TRACE);
  });

  it('`sadakat clv fit --transactions` reports a bad row by its line', async () => {
    // Prepare
    const path = join(dir, 'clv.csv');
    await writeFile(path, `${HEADER}\nc1,2025-01-01,10,a\nc1,2025-02-01,12,b\nc2,2025-13-01,7,c\n`);
    // Act
    const run = await runCli([registerClv], ['clv', 'fit', '--transactions', path, '--calibration-end', '2025-06-30']);
    // Assess
    expect(run.stderr).toContain(`${path}:4: timestamp "2025-13-01" is not a calendar date`);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(STACK_TRACE);
  });
});
