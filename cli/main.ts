/**
 * `sadakat` — the command line. Each command lives in cli/commands/<name>.ts and registers
 * itself on the program; errors meant for people are printed without a stack trace.
 */
import { Command } from 'commander';
import { registerCommands } from './commands/index.js';
import { reportCliError } from './errors.js';

// Local development runs on Node 20 by design (STACK.md) and the lockfile pins the SDK; the SDK's
// "Node 22 from 2027" notice would only clutter every command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `sadakat rfm … | head`: a reader that stops early is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command()
  .name('sadakat')
  .description('Config-as-code campaign automation on your own AWS account')
  .showHelpAfterError();

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportCliError(error);
}
