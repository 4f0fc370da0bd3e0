/**
 * `sadakat` — the command line. Each command lives in cli/commands/<name>.ts and registers
 * itself on the program; errors meant for people are printed without a stack trace.
 */
import { readFileSync } from 'node:fs';
import { Command, type Help, type Option } from 'commander';
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

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command()
  .name('sadakat')
  .description('Config-as-code campaign automation on your own AWS account')
  .version(version, '-V, --version', 'print the sadakat version')
  // Set before the commands are added, so each inherits it: required options say so in --help.
  .configureHelp({
    optionDescription(this: Help, option: Option): string {
      const text = Object.getPrototypeOf(this).optionDescription.call(this, option) as string;
      return option.mandatory ? `(required) ${text}` : text;
    },
  })
  .showHelpAfterError('(add --help for usage)');

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportCliError(error);
}
