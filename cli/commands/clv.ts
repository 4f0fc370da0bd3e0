/**
 * `sadakat clv fit` and `sadakat clv predict`: BG/NBD + Gamma-Gamma on a transactions CSV
 * (DESIGN "RFM and CLV"). Below the minimum history the model says so instead of printing numbers.
 */
import { toCsv } from '../../shared/csv-output.js';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { expectedPurchases, probabilityAlive, probabilityNoPurchase } from '../../shared/analytics/bgnbd.js';
import { formatDay } from '../../shared/analytics/calendar-day.js';
import { fitClvModel, type ClvModel } from '../../shared/analytics/clv-model.js';
import { summarizeCustomers, type CustomerSummaries, type Period } from '../../shared/analytics/customer-summary.js';
import { conditionalExpectedAverageValue, customerLifetimeValue } from '../../shared/analytics/gamma-gamma.js';
import { holdoutCheck, type HoldoutCheck } from '../../shared/analytics/holdout-check.js';
import { compareCustomerIds } from '../../shared/analytics/rfm.js';
import { UserError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { outputFormat, positiveInteger } from '../options.js';
import { formatTable, outputWidth, wrapLine } from '../text-table.js';
import { calendarDate, loadTransactions, shopTimezoneOption } from '../transactions-input.js';
import { roundTo } from '../../shared/rounding.js';

interface CommonOptions {
  transactions: string;
  calibrationEnd: number;
  period: Period;
  timezone: string;
}

type Fitted = Extract<ClvModel, { status: 'fitted' }>;

export function registerClv(program: Command): void {
  const clv = program
    .command('clv')
    .description('12-month value (revenue, discounted 1%/month): BG/NBD purchases × Gamma-Gamma order value');
  withCommonOptions(clv.command('fit').description('fit the models and print their parameters'))
    .option(
      '--holdout-end <date>',
      'YYYY-MM-DD: compare predicted and actual repeat purchases after the calibration end up to this date',
      calendarDate,
    )
    .option('--format <format>', 'table or json', outputFormat<'table' | 'json'>('table', 'json'), 'table')
    .action(async (options: CommonOptions & { holdoutEnd?: number; format: 'table' | 'json' }) => {
      if (options.holdoutEnd !== undefined && options.holdoutEnd <= options.calibrationEnd) {
        throw new UserError(
          `--holdout-end ${formatDay(options.holdoutEnd)} must be after --calibration-end ${formatDay(options.calibrationEnd)}`,
        );
      }
      const summaries = await summarize(options, options.holdoutEnd);
      const model = fitClvModel(summaries);
      if (model.status === 'not_enough_data') {
        process.stdout.write(notEnoughData(model.reason, options.format));
        process.exitCode = EXIT.notEnoughData;
        return;
      }
      const holdout = options.holdoutEnd === undefined ? undefined : holdoutCheck(model.bgnbd.params, summaries);
      process.stdout.write(
        options.format === 'json' ? fitJson(model, summaries, holdout) : fitTable(model, summaries, holdout),
      );
    });
  withCommonOptions(
    clv
      .command('predict')
      .description(
        'per customer: P(alive), churn score, expected purchases, expected order value, value over --months (revenue, discounted)',
      ),
  )
    .requiredOption('--weeks <n>', 'horizon for the expected purchases, in weeks', positiveInteger)
    .option('--months <n>', 'value horizon in months of 4.345 weeks (lifetimes: 12)', positiveInteger, 12)
    .option('--discount <rate>', 'monthly discount rate of the value, e.g. 0.01', discountRate, 0.01)
    .option(
      '--format <format>',
      'csv | json | table (default csv: one row per customer)',
      outputFormat<'csv' | 'json' | 'table'>('csv', 'json', 'table'),
      'csv',
    )
    .action(
      async (
        options: CommonOptions & { weeks: number; months: number; discount: number; format: 'csv' | 'json' | 'table' },
      ) => {
        const summaries = await summarize(options, undefined);
        const model = fitClvModel(summaries);
        if (model.status === 'not_enough_data') {
          if (options.format === 'json') {
            process.stdout.write(notEnoughData(model.reason, 'json'));
            process.exitCode = EXIT.notEnoughData;
            return;
          }
          throw new UserError(`not enough data to predict: ${model.reason}`, EXIT.notEnoughData);
        }
        process.stdout.write(predict(model, summaries, options));
      },
    );
}

function withCommonOptions(command: Command): Command {
  return shopTimezoneOption(command)
    .requiredOption('--transactions <file>', 'transactions CSV (customer_id,timestamp,amount[,order_id])')
    .requiredOption(
      '--calibration-end <date>',
      'YYYY-MM-DD, last day of the calibration period (inclusive)',
      calendarDate,
    )
    .option('--period <unit>', 'time unit of the model: week or day', outputFormat<Period>('week', 'day'), 'week');
}

function discountRate(value: string): number {
  const rate = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || !(rate >= 0 && rate < 1))
    throw new InvalidArgumentError('expected a rate ≥ 0 and < 1, e.g. 0.01');
  return rate;
}

async function summarize(options: CommonOptions, holdoutEnd: number | undefined): Promise<CustomerSummaries> {
  const transactions = await loadTransactions(options.transactions, { timezone: options.timezone });
  const summaries = summarizeCustomers(transactions, {
    calibrationEnd: options.calibrationEnd,
    period: options.period,
    ...(holdoutEnd === undefined ? {} : { holdoutEnd }),
  });
  if (summaries.customers.length === 0) {
    throw new UserError(`no customer bought on or before --calibration-end ${formatDay(options.calibrationEnd)}`);
  }
  return summaries;
}

function notEnoughData(reason: string, format: 'table' | 'json' | 'csv'): string {
  return format === 'json'
    ? `${JSON.stringify({ status: 'not_enough_data', reason })}\n`
    : `not enough data: ${reason}\n`;
}

function fitJson(model: Fitted, summaries: CustomerSummaries, holdout: HoldoutCheck | undefined): string {
  const { r, alpha, a, b } = model.bgnbd.params;
  const { p, q, gamma } = model.gammaGamma.params;
  return `${JSON.stringify({
    status: 'fitted',
    bgnbd: { r, alpha, a, b, logLik: model.bgnbd.logLik },
    mbgnbd: { ...model.mbgnbd.params, logLik: model.mbgnbd.logLik },
    gammaGamma: { p, q, gamma, logLik: model.gammaGamma.logLik, customers: model.gammaGamma.customers },
    customers: model.customers,
    repeatCustomers: model.repeatCustomers,
    repeatTransactions: model.repeatTransactions,
    period: summaries.period,
    calibrationEnd: formatDay(summaries.calibrationEnd),
    ...(holdout === undefined || summaries.holdoutEnd === undefined
      ? {}
      : { holdout: { end: formatDay(summaries.holdoutEnd), ...holdout } }),
  })}\n`;
}

function fitTable(model: Fitted, summaries: CustomerSummaries, holdout: HoldoutCheck | undefined): string {
  const { r, alpha, a, b } = model.bgnbd.params;
  const { p, q, gamma } = model.gammaGamma.params;
  const mbg = model.mbgnbd.params;
  const lines = [
    `${model.customers} customers, ${model.repeatCustomers} bought again, ${model.repeatTransactions} repeat transactions`,
    `calibration to ${formatDay(summaries.calibrationEnd)}, time in ${summaries.period}s`,
    '',
    formatTable(
      ['model', 'parameters', 'log-likelihood'],
      [
        [
          'BG/NBD',
          `r=${r.toFixed(4)} alpha=${alpha.toFixed(4)} a=${a.toFixed(4)} b=${b.toFixed(4)}`,
          roundTo(model.bgnbd.logLik, 2),
        ],
        [
          'MBG/NBD',
          `r=${mbg.r.toFixed(4)} alpha=${mbg.alpha.toFixed(4)} a=${mbg.a.toFixed(4)} b=${mbg.b.toFixed(4)}`,
          roundTo(model.mbgnbd.logLik, 2),
        ],
        [
          'Gamma-Gamma',
          `p=${p.toFixed(4)} q=${q.toFixed(4)} gamma=${gamma.toFixed(4)}`,
          roundTo(model.gammaGamma.logLik, 2),
        ],
      ],
    ),
  ];
  if (holdout !== undefined && summaries.holdoutEnd !== undefined) {
    lines.push(
      `holdout to ${formatDay(summaries.holdoutEnd)} (${roundTo(holdout.length, 2)} ${summaries.period}s): ` +
        `actual ${holdout.actual}, predicted ${roundTo(holdout.predicted, 1)} (unconditional ${roundTo(holdout.predictedUnconditional, 1)})`,
      formatTable(
        ['x (calibration)', 'customers', 'actual', 'predicted', 'actual/customer', 'predicted/customer'],
        holdout.byX.map((row) => [
          row.x,
          row.customers,
          row.actual,
          roundTo(row.predicted, 1),
          row.customers === 0 ? 0 : roundTo(row.actual / row.customers, 3),
          row.customers === 0 ? 0 : roundTo(row.predicted / row.customers, 3),
        ]),
      ),
    );
  }
  return lines.join('\n');
}

function predict(
  model: Fitted,
  summaries: CustomerSummaries,
  options: { weeks: number; months: number; discount: number; format: 'csv' | 'json' | 'table' },
): string {
  const bg = model.bgnbd.params;
  const gg = model.gammaGamma.params;
  const horizon = summaries.period === 'week' ? options.weeks : options.weeks * 7;
  const rows = [...summaries.customers]
    .sort((left, right) => compareCustomerIds(left.customerId, right.customerId))
    .map(
      (customer): PredictionRow => ({
        customerId: customer.customerId,
        x: customer.x,
        tx: customer.tx,
        T: customer.T,
        pAlive: probabilityAlive(bg, customer.x, customer.tx, customer.T),
        pNoPurchase30d: probabilityNoPurchase(
          model.mbgnbd.params,
          summaries.period === 'week' ? 30 / 7 : 30,
          customer.x,
          customer.tx,
          customer.T,
          'mbgnbd',
        ),
        expectedPurchases: expectedPurchases(bg, horizon, customer.x, customer.tx, customer.T),
        expectedAverageValue: conditionalExpectedAverageValue(gg, customer.x, customer.monetary),
        clv: customerLifetimeValue(bg, gg, customer, {
          months: options.months,
          discountRate: options.discount,
          period: summaries.period,
        }),
      }),
    );
  if (options.format === 'json') {
    return `${JSON.stringify({ status: 'fitted', weeks: options.weeks, months: options.months, discount: options.discount, customers: rows })}\n`;
  }
  const unit = `${summaries.period}s`;
  if (options.format === 'table') {
    const legend =
      `x: repeat purchases; t_x and T in ${unit}; P(alive) by BG/NBD, P(none 30d) by MBG/NBD; ` +
      `value ${options.months}m: revenue over ${options.months} months, discounted ${Number((options.discount * 100).toFixed(4))}%/month.`;
    return `${formatTable(
      [
        'customer',
        'x',
        't_x',
        'T',
        'P(alive)',
        'P(none 30d)',
        `purchases ${options.weeks}w`,
        'order value',
        `value ${options.months}m`,
      ],
      rows.map((row) => predictionCells(row, { time: 2, share: 3, money: 2 })),
    )}${wrapLine(legend, outputWidth(undefined))}\n`;
  }
  // Units in every name: t_x and T in the model's period; the value is revenue, discounted per month.
  const discount = Number((options.discount * 100).toFixed(4));
  return toCsv(
    [
      'customer_id',
      'x_repeat_purchases',
      `t_x_${unit}`,
      `T_${unit}`,
      'p_alive_bgnbd',
      'p_no_purchase_30d_mbgnbd',
      `expected_purchases_${options.weeks}w`,
      'expected_average_order_value',
      `value_${options.months}m_revenue_discounted_${discount}pct_per_month`,
    ],
    rows.map((row) => predictionCells(row, { time: 4, share: 6, money: 4 })),
    ['customer_id'],
  );
}

interface PredictionRow {
  customerId: string;
  x: number;
  tx: number;
  T: number;
  pAlive: number;
  pNoPurchase30d: number;
  expectedPurchases: number;
  expectedAverageValue: number;
  clv: number;
}

/** A prediction row as cells, rounded: `time` digits for t_x and T, `share` for probabilities and purchases, `money` for values. */
function predictionCells(
  row: PredictionRow,
  digits: { time: number; share: number; money: number },
): (string | number)[] {
  return [
    row.customerId,
    row.x,
    roundTo(row.tx, digits.time),
    roundTo(row.T, digits.time),
    roundTo(row.pAlive, digits.share),
    roundTo(row.pNoPurchase30d, digits.share),
    roundTo(row.expectedPurchases, digits.share),
    roundTo(row.expectedAverageValue, digits.money),
    roundTo(row.clv, digits.money),
  ];
}
