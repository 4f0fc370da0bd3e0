import type { Command } from 'commander';
import { anonymousCustomerId } from '../../shared/identity/customer-id.js';
import type { EngineChoice } from '../../shared/local/data-dir.js';
import type { ErasureReport } from '../../shared/privacy/forget-customer.js';
import type { LocalOutboxErasure } from '../../shared/local/local-outbox-erasure.js';
import { UserError } from '../errors.js';
import { openLocalData } from '../local-data.js';
import { formatOption, localDataOptions } from '../options.js';
import { formatTable, outputWidth, wrapLine } from '../text-table.js';

type ForgetFormat = 'table' | 'json';

interface ForgetOptions {
  dataDir: string;
  engine: EngineChoice;
  dryRun?: boolean;
  suppress?: boolean;
  format: ForgetFormat;
}

export function registerForget(program: Command): void {
  const command = program.command('forget');
  localDataOptions(command);
  formatOption(command, 'table', 'json');
  command
    .description(
      'erase a customer (GDPR/KVKK) from the local data folder, keeping only hashed tombstones; prints what was removed',
    )
    .argument('<customerId>', 'customer id (anonymous visitors: anon:<anonymousId>)')
    .option('--dry-run', 'report what would be removed; change nothing')
    .option('--suppress', "also put the customer's email and phone on the (hashed) suppression list")
    .action(async (customerId: string, options: ForgetOptions) => {
      if (customerId.trim() === '') throw new UserError('customerId: must not be empty');
      const dryRun = options.dryRun === true;
      const [{ composeForgetDeps }, { forgetCustomer }, { eraseLocalOutboxes }] = await Promise.all([
        import('../../shared/wiring/compose.js'),
        import('../../shared/privacy/forget-customer.js'),
        import('../../shared/local/local-outbox-erasure.js'),
      ]);
      const runtime = await openLocalData(options);
      let report: ErasureReport;
      let local: LocalOutboxErasure;
      try {
        // Read before the erasure: the outboxes are matched by the addresses the profile held.
        const profile = await runtime.profiles.getProfile(customerId);
        report = await forgetCustomer(composeForgetDeps(runtime.adapters), {
          customerId,
          dryRun,
          suppressAddresses: options.suppress === true,
        });
        local = await eraseLocalOutboxes(
          options.dataDir,
          {
            customerIds: [customerId, ...(profile?.anonymousIds ?? []).map(anonymousCustomerId)],
            ...(profile?.channels.email !== undefined ? { email: profile.channels.email } : {}),
            ...(profile?.channels.phone !== undefined ? { phone: profile.channels.phone } : {}),
          },
          { dryRun },
        );
      } finally {
        await runtime.stop();
      }
      process.stdout.write(
        options.format === 'json'
          ? `${JSON.stringify({ ...report, localOutbox: local }, null, 2)}\n`
          : renderTable(report, local),
      );
      if (!report.found && local.emails + local.outboxLines === 0) {
        const earlier =
          report.previousErasures.length > 0 ? ` (erased before, at ${report.previousErasures.join(', ')})` : '';
        throw new UserError(
          `no data for customer ${JSON.stringify(customerId)} in ${options.dataDir}${earlier}: nothing removed`,
        );
      }
    });
}

const REMOVED_LABELS: Record<keyof ErasureReport['removed'], string> = {
  profile: 'profile',
  anonymousProfiles: 'anonymous profiles',
  identityLinks: 'identity links',
  orders: 'orders',
  journeyRuns: 'journey runs',
  sendLedgerEntries: 'send-ledger entries',
  deferredSends: 'deferred sends',
  sendDecisions: 'send decisions (not sent)',
  capCounters: 'frequency-cap counters',
  other: 'other items',
};

export function renderTable(report: ErasureReport, local: LocalOutboxErasure): string {
  const verb = report.dryRun ? 'would remove' : 'removed';
  const rows: [string, string, number][] = [
    ...(Object.keys(REMOVED_LABELS) as (keyof ErasureReport['removed'])[]).map((kind): [string, string, number] => [
      verb,
      REMOVED_LABELS[kind],
      report.removed[kind],
    ]),
    [verb, 'local emails (.eml)', local.emails],
    [verb, 'local SNS outbox lines', local.outboxLines],
    [report.dryRun ? 'would keep' : 'kept', 'hashed order tombstones', report.kept.orderTombstones],
    [report.dryRun ? 'would add' : 'added', 'suppressed addresses (hashed)', report.kept.suppressedAddresses],
  ];
  const notes = [
    `${report.dryRun ? 'dry run: nothing changed' : 'erased'} at ${report.erasedAt}; suppression entries and aggregate counters are kept`,
    ...(report.previousErasures.length > 0 ? [`erased before at ${report.previousErasures.join(', ')}`] : []),
    ...(report.remaining > 0
      ? [`${report.remaining} item(s) kept being re-created by a concurrent writer: run sadakat forget again`]
      : []),
  ];
  return `${formatTable(['', 'what', 'count'], rows)}${notes.map((note) => wrapLine(note, outputWidth(undefined))).join('\n')}\n`;
}
