/** `sadakat profile <customerId>`: a profile from the local data folder, as JSON. */
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { openLocalData, type LocalDataOptions } from '../local-data.js';
import { localDataOptions } from '../options.js';

export function registerProfile(program: Command): void {
  const command = program.command('profile');
  localDataOptions(command);
  command
    .description('print a customer profile from the local data folder as JSON')
    .argument('<customerId>', 'customer id (anonymous visitors: anon:<anonymousId>)')
    .action(async (customerId: string, options: LocalDataOptions) => {
      const runtime = await openLocalData(options);
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
