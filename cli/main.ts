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

// Only the command being run is loaded (its name is the first argument that is not an option);
// `--version` alone needs none, and `--help` or no command all of them.
const args = process.argv.slice(2);
const commandName = args.find((argument) => !argument.startsWith('-'));
if (commandName !== undefined || !args.some((argument) => argument === '-V' || argument === '--version'))
  await registerCommands(program, commandName);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportCliError(error);
}
