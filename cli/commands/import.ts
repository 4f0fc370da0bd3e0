/** `sadakat import orders`: bulk-load historical orders into profiles and O# items. */
import type { Command } from 'commander';
import { loadRuntimeCampaign } from '../../shared/wiring/runtime-campaign.js';
import type { EngineChoice } from '../../shared/local/data-dir.js';
import { systemClock } from '../../shared/ports.js';
import { openLocalData } from '../local-data.js';
import { formatOption, localCampaignOptions } from '../options.js';
import { progressBar } from '../progress.js';
import { readTransactionsInput } from '../transactions-input.js';
import { registerImportPinpoint } from './import-pinpoint.js';

export function registerImport(program: Command): void {
  const importCommand = program.command('import').description('bulk-load data into the local data folder');
  registerImportPinpoint(importCommand);
  const orders = importCommand.command('orders');
  localCampaignOptions(orders);
  formatOption(orders, 'table', 'json');
  orders
    .description('import historical orders (CSV customer_id,timestamp,amount[,order_id]) through the profile reducer')
    .requiredOption('--transactions <file>', 'CSV file with a header line')
    .action(
      async (options: {
        transactions: string;
        dataDir: string;
        engine: EngineChoice;
        campaign: string;
        format: 'table' | 'json';
      }) => {
        // With its journeys: the imported customers' audience memberships are kept (issue 20).
        const campaign = await loadRuntimeCampaign(options.campaign);
        // Orders dated in the future are broken rows, reported like any other.
        const { transactions, rejectedRows } = await readTransactionsInput(options.transactions, {
          now: systemClock.now(),
          timezone: campaign.settings.defaultTimezone,
        });
        // Orders with amount ≤ 0 are not orders (DESIGN "RFM and CLV"); they are counted, not imported.
        const orders = transactions.filter((row) => row.amount > 0);
        const { composeProcessDeps } = await import('../../shared/wiring/compose.js');
        const { importOrders } = await import('../../shared/profiles/import-orders.js');
        const runtime = await openLocalData(options, { create: true });
        const bar = progressBar('customers');
        try {
          const started = performance.now();
          const summary = await importOrders(
            // History is imported, not lived: no journey starts for last year's orders.
            composeProcessDeps(runtime.adapters, campaign, null),
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
            rejectedRows,
            notOrders: transactions.length - orders.length,
            seconds: Math.round((performance.now() - started) / 100) / 10,
          };
          if (options.format === 'json') process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          else
            process.stdout.write(
              `imported ${result.ordersImported} orders for ${result.customers} customers into ${options.dataDir} in ${result.seconds} s` +
                ` (${result.ordersSkipped} already there, ${result.notOrders} rows with amount ≤ 0 are not orders,` +
                `${result.ordersErased > 0 ? ` ${result.ordersErased} of erased customers left out,` : ''} ${Math.round(result.capacityUnits)} WCU)\n` +
                (rejectedRows > 0
                  ? `${rejectedRows} bad row${rejectedRows === 1 ? ' was' : 's were'} rejected (listed above): exit code 2\n`
                  : ''),
            );
        } finally {
          bar.stop();
          await runtime.stop();
        }
      },
    );
}
