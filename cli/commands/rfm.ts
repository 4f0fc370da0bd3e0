/**
 * `sadakat rfm --transactions F --as-of YYYY-MM-DD`: RFM scores and the ten segments
 * (DESIGN "RFM and CLV"). Table: segment counts; json: {customers, segments}; csv: per customer.
 */
import { toCsv } from '../../shared/csv-output.js';
import type { Command } from 'commander';
import { computeRfm, RFM_SEGMENTS, type RfmResult } from '../../shared/analytics/rfm.js';
import { roundMoney } from '../../shared/profiles/money.js';
import { outputFormat } from '../options.js';
import { formatTable } from '../text-table.js';
import { calendarDate, loadTransactions, shopTimezoneOption } from '../transactions-input.js';

type RfmFormat = 'table' | 'json' | 'csv';

/** Sums of decimal amounts carry float noise (0.1 + 0.2); money prints at 1/1000. */
const MONEY_DECIMALS = 3;

export function registerRfm(program: Command): void {
  shopTimezoneOption(program.command('rfm'))
    .description('RFM quintile scores and segments from a transactions CSV (customer_id,timestamp,amount[,order_id])')
    .requiredOption('--transactions <file>', 'transactions CSV with a header line')
    .requiredOption(
      '--as-of <date>',
      'analysis date, YYYY-MM-DD: recency counts days to it; later rows are ignored',
      calendarDate,
    )
    .option(
      '--format <format>',
      'table, json or csv (per-customer scores)',
      outputFormat<RfmFormat>('table', 'json', 'csv'),
      'table',
    )
    .action(async (options: { transactions: string; asOf: number; format: RfmFormat; timezone: string }) => {
      const transactions = await loadTransactions(options.transactions, { timezone: options.timezone });
      const result = computeRfm(transactions, options.asOf);
      process.stdout.write(render(result, options.format));
    });
}

function render(result: RfmResult, format: RfmFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify({ customers: result.customers.length, segments: result.segments })}\n`;
    case 'csv':
      return toCsv(
        ['customer_id', 'recency', 'frequency', 'monetary', 'r', 'f', 'm', 'segment'],
        result.customers.map((c) => [
          c.customerId,
          c.recency,
          c.frequency,
          roundMoney(c.monetary, MONEY_DECIMALS),
          c.r,
          c.f,
          c.m,
          c.segment,
        ]),
        ['customer_id'],
      );
    case 'table': {
      const total = result.customers.length;
      const rows = RFM_SEGMENTS.map((segment) => [
        segment,
        result.segments[segment],
        total === 0 ? '0.0%' : `${((100 * result.segments[segment]) / total).toFixed(1)}%`,
      ]);
      const cuts =
        result.cuts.recency === 'rank' || result.cuts.monetary === 'rank'
          ? `note: ${['recency', 'monetary'].filter((d) => result.cuts[d as 'recency' | 'monetary'] === 'rank').join(' and ')} cut by rank (value quintiles repeat)\n`
          : '';
      return `${total} customers\n${formatTable(['segment', 'customers', 'share'], rows)}${cuts}`;
    }
    default: {
      const unreachable: never = format;
      return unreachable;
    }
  }
}
