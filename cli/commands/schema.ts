/** `sadakat schema segments`: JSON Schema of a campaign file, for editor completion. */
import type { Command } from 'commander';
import { journeysJsonSchema } from '../../shared/journeys/json-schema.js';
import { segmentsJsonSchema } from '../../shared/segments/json-schema.js';
import { UserError } from '../errors.js';

/** One generator per campaign file kind; journeys and settings can join this list. */
const SCHEMAS: Record<string, () => Record<string, unknown>> = {
  segments: segmentsJsonSchema,
  journeys: journeysJsonSchema,
};

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of a campaign file (for editor completion)')
    .argument('<file>', `which file: ${Object.keys(SCHEMAS).join(', ')}`)
    .action((file: string) => {
      const generate = SCHEMAS[file];
      if (!generate) throw new UserError(`no schema for "${file}"; choose one of: ${Object.keys(SCHEMAS).join(', ')}`);
      process.stdout.write(`${JSON.stringify(generate(), null, 2)}\n`);
    });
}
