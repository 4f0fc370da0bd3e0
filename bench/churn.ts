/**
 * Which churn score ranks the right customers: on CDNOW (calibration to 1997-09-30, holdout
 * weeks 40–78, to 1998-06-30), the AUC of each score for "no repeat purchase in the holdout",
 * beside the recency-only baseline. The profile's churn score (`clv.pNoPurchase30d`) is the one
 * that ranks best here; `npm run bench churn` prints the table the README quotes.
 */
import { pathToFileURL } from 'node:url';
import { dayOfDate } from '../shared/analytics/calendar-day.js';
import { DEFAULT_CHURN_SCORE, rankChurnScores, type ChurnRanking } from '../shared/analytics/churn-ranking.js';
import { summarizeCustomers } from '../shared/analytics/customer-summary.js';
import { readTransactionsCsv } from '../shared/analytics/transactions-csv.js';

const DATA_SETS = [
  ['CDNOW sample', '../shared/data/cdnow_sample.transactions.csv'],
  ['CDNOW master', '../shared/data/cdnow_master.transactions.csv'],
] as const;

export async function run(): Promise<{ name: string; ranking: ChurnRanking }[]> {
  const end = dayOfDate('1997-09-30');
  const holdoutEnd = dayOfDate('1998-06-30');
  if (!end.ok || !holdoutEnd.ok) throw new Error('bad CDNOW dates');
  const results = [];
  for (const [name, file] of DATA_SETS) {
    const { transactions } = await readTransactionsCsv(file);
    const summaries = summarizeCustomers(transactions, {
      calibrationEnd: end.day,
      holdoutEnd: holdoutEnd.day,
      period: 'week',
    });
    results.push({ name, ranking: rankChurnScores(summaries) });
  }
  return results;
}

export function formatChurnTable(results: readonly { name: string; ranking: ChurnRanking }[]): string {
  const lines = [
    '\nchurn score ranking on CDNOW: AUC for "no repeat purchase in weeks 40–78" (calibration to 1997-09-30; 0.5 = coin toss)',
  ];
  const names = results.map((result) => result.name);
  lines.push(`  ${'score'.padEnd(44)} ${names.map((name) => name.padStart(14)).join(' ')}`);
  const first = results[0];
  if (!first) return lines.join('\n');
  const order = first.ranking.scores.map((score) => score.score);
  for (const score of order) {
    const cells = results.map((result) => {
      const auc = result.ranking.scores.find((row) => row.score === score)?.auc;
      return (auc === undefined ? '' : auc.toFixed(4)).padStart(14);
    });
    lines.push(`  ${`${score}${score === DEFAULT_CHURN_SCORE ? ' (default)' : ''}`.padEnd(44)} ${cells.join(' ')}`);
  }
  for (const { name, ranking } of results) {
    const p = (q: ChurnRanking['bgnbd']): string =>
      `r=${q.r.toFixed(3)} α=${q.alpha.toFixed(3)} a=${q.a.toFixed(3)} b=${q.b.toFixed(3)}`;
    lines.push(
      `  ${name}: ${ranking.customers} customers, ${ranking.noRepeat} with no repeat purchase; BG/NBD ${p(ranking.bgnbd)}; MBG/NBD ${p(ranking.mbgnbd)}`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${formatChurnTable(await run())}\n`);
}
