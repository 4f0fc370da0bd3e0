import type { Command } from 'commander';
import { registerSchema } from './schema.js';
import { registerSegment } from './segment.js';
import { registerValidate } from './validate.js';

/** One line per command module; each module adds its subcommand to the program. */
export function registerCommands(program: Command): void {
  void program;
  registerValidate(program);
  registerSchema(program);
  registerSegment(program);
}
