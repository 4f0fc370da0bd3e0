/** `sadakat import orders`: bulk-load historical orders into profiles and O# items. */
import type { Command } from 'commander';
import { loadCampaign } from '../../shared/config/campaign.js';
import { DEFAULT_DATA_DIR } from '../../shared/local/data-dir.js';
import { systemClock } from '../../shared/ports.js';
import { engineChoice, outputFormat } from '../options.js';
import { progressBar } from '../progress.js';
import { loadTransactions } from '../transactions-input.js';
import { registerImportPinpoint } from './import-pinpoint.js';

export function registerImport(program: Command): void {
  const importCommand = program.command('import').description('bulk-load data into the local data folder');
  registerImportPinpoint(importCommand);
  importCommand
    .command('orders')
    .description('import historical orders (CSV customer_id,timestamp,amount[,order_id]) through the profile reducer')
    .requiredOption('--transactions <file>', 'CSV file with a header line')
    .option('--data-dir <dir>', 'data folder', DEFAULT_DATA_DIR)
    .option('--engine <engine>', 'dynamodb-local | dynalite | auto', engineChoice, 'auto')
    .option('--campaign <dir>', 'campaign folder', 'campaign')
    .option('--format <format>', 'table | json', outputFormat('table', 'json'), 'table')
    .action(
      async (options: {
        transactions: string;
        dataDir: string;
        engine: 'auto';
        campaign: string;
        format: 'table' | 'json';
      }) => {
        const campaign = await loadCampaign(options.campaign);
        // Orders dated in the future are broken rows, reported like any other.
        const transactions = await loadTransactions(options.transactions, { now: systemClock.now() });
        // Orders with amount ≤ 0 are not orders (DESIGN "RFM and CLV"); they are counted, not imported.
        const orders = transactions.filter((row) => row.amount > 0);
        const { startLocalRuntime } = await import('../../shared/local/runtime.js');
        const { localProcessDeps } = await import('../../shared/local/local-handlers.js');
        const { importOrders } = await import('../../shared/profiles/import-orders.js');
        const runtime = await startLocalRuntime({
          dataDir: options.dataDir,
          engine: options.engine,
          clock: systemClock,
        });
        const bar = progressBar('customers');
        try {
          const started = performance.now();
          const summary = await importOrders(
            localProcessDeps(runtime, campaign, systemClock),
            orders.map((row) => ({
              customerId: row.customerId,
              timestamp: row.timestamp,
              amount: row.amount,
              line: row.line,
              ...(row.orderId ? { orderId: row.orderId } : {}),
            })),
            { concurrency: 16, onProgress: (done, total) => bar.update(done, total) },
          );
          bar.stop();
          const result = {
            ...summary,
            notOrders: transactions.length - orders.length,
            seconds: Math.round((performance.now() - started) / 100) / 10,
          };
          if (options.format === 'json') process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          else
            process.stdout.write(
              `imported ${result.ordersImported} orders for ${result.customers} customers into ${options.dataDir} in ${result.seconds} s` +
                ` (${result.ordersSkipped} already there, ${result.notOrders} rows with amount ≤ 0 are not orders,` +
                `${result.ordersErased > 0 ? ` ${result.ordersErased} of erased customers left out,` : ''} ${Math.round(result.capacityUnits)} WCU)\n`,
            );
        } finally {
          bar.stop();
          await runtime.stop();
        }
      },
    );
}
