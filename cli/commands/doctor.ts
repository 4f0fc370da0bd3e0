/**
 * `sadakat doctor --stack <name> [--region R]`: after a deploy, checks with the operator's AWS
 * credentials what only a live account can show (shared/operations/doctor-checks.ts), one row per
 * check with its fix. Exit code 0 when nothing failed (warnings allowed), 1 otherwise.
 */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { CheckResult } from '../../shared/operations/doctor-checks.js';
import { loadSettings } from '../../shared/config/load-settings.js';
import { campaignOption, outputFormat } from '../options.js';
import { formatTable } from '../text-table.js';

type DoctorFormat = 'table' | 'json';

interface DoctorOptions {
  stack: string;
  region?: string;
  format: DoctorFormat;
  campaign: string;
}

export function registerDoctor(program: Command): void {
  const command = program
    .command('doctor')
    .description(
      'check a deployed stack live with your AWS credentials: outputs, ingest, an email through SES’s mailbox simulator and back, alarms, SES/SMS/push account state, Lambda concurrency',
    )
    .requiredOption('--stack <name>', 'the pipeline stack, e.g. Sadakat-prod-Pipeline (required)')
    .option('--region <region>', 'the stack’s region (default: your AWS profile’s)')
    .option('--format <format>', 'table or json', outputFormat<DoctorFormat>('table', 'json'), 'table');
  campaignOption(command, "campaign folder whose settings.yaml send rates are held against the account's").action(
    async (options: DoctorOptions) => {
      const [{ AwsDoctorProbe, createDoctorClients }, { runDoctor }] = await Promise.all([
        import('../../shared/aws/aws-doctor-probe.js'),
        import('../../shared/operations/doctor-checks.js'),
      ]);
      const probe = new AwsDoctorProbe(createDoctorClients(options.region));
      const results = await runDoctor(probe, {
        stackName: options.stack,
        runId: randomUUID().slice(0, 8),
        now: () => new Date(),
        campaign: await deployedRates(options.campaign),
      });
      process.stdout.write(
        options.format === 'json' ? `${JSON.stringify({ checks: results }, null, 2)}\n` : render(results),
      );
      if (results.some((result) => result.status === 'fail')) process.exitCode = 1;
    },
  );
}

/** The campaign's email rate, or undefined when the folder has no settings.yaml (the check is skipped). */
async function deployedRates(campaignDir: string): Promise<{ emailMessagesPerSecond: number | undefined } | undefined> {
  const loaded = await loadSettings(campaignDir);
  if (loaded.ok && !loaded.found) return undefined;
  // A broken settings.yaml: its valid parts, as validate reads them (validate names the rest).
  const settings = loaded.ok ? loaded.settings : loaded.salvaged;
  return { emailMessagesPerSecond: settings.sending.email?.messagesPerSecond };
}

export function render(results: readonly CheckResult[]): string {
  const table = formatTable(
    ['check', 'result', 'detail'],
    results.map((result) => [result.check, result.status, result.detail]),
  );
  const fixes = results.filter((result) => result.fix !== undefined && result.status !== 'pass');
  const failed = results.filter((result) => result.status === 'fail').length;
  const warned = results.filter((result) => result.status === 'warn').length;
  return [
    table,
    ...(fixes.length > 0 ? ['To fix:', ...fixes.map((result) => `  ${result.check}: ${result.fix}`), ''] : []),
    `${results.length} checks: ${failed} failed, ${warned} warnings\n`,
  ].join('\n');
}
