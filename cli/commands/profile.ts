/** `sadakat profile <customerId>`: a profile from the local data folder, as JSON. */
import type { Command } from 'commander';
import { systemClock } from '../../shared/ports.js';
import { DEFAULT_DATA_DIR } from '../../shared/local/data-dir.js';
import { UserError } from '../errors.js';
import { requireLocalData } from '../local-data.js';
import { engineChoice } from '../options.js';

export function registerProfile(program: Command): void {
  program
    .command('profile')
    .description('print a customer profile from the local data folder as JSON')
    .argument('<customerId>', 'customer id (anonymous visitors: anon:<anonymousId>)')
    .option('--data-dir <dir>', 'data folder', DEFAULT_DATA_DIR)
    .option('--engine <engine>', 'dynamodb-local | dynalite | auto', engineChoice, 'auto')
    .action(async (customerId: string, options: { dataDir: string; engine: 'auto' }) => {
      requireLocalData(options.dataDir);
      const { startLocalRuntime } = await import('../../shared/local/runtime.js');
      const runtime = await startLocalRuntime({ dataDir: options.dataDir, engine: options.engine, clock: systemClock });
      try {
        const profile = await runtime.profiles.getProfile(customerId);
        if (!profile)
          throw new UserError(
            `no profile for customer ${JSON.stringify(customerId)} in ${options.dataDir} (run \`sadakat demo\` or \`sadakat serve\` first)`,
          );
        process.stdout.write(`${JSON.stringify(profile, null, 2)}\n`);
      } finally {
        await runtime.stop();
      }
    });
}
