/**
 * `sadakat schema segments|journeys|settings|templates`: JSON Schema of a campaign file, for
 * editor completion; `templates` describes what a template may name (docs/campaigns.md).
 */
import type { Command } from 'commander';
import * as z from 'zod';
import { templateContextSchema } from '../../shared/channels/render.js';
import { settingsSchema } from '../../shared/config/settings.js';
import { journeysJsonSchema } from '../../shared/journeys/json-schema.js';
import { segmentsJsonSchema } from '../../shared/segments/json-schema.js';
import { UserError } from '../errors.js';

const jsonSchema = (schema: z.ZodType) => (): Record<string, unknown> =>
  z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;

/** One generator per campaign file kind. */
const SCHEMAS: Record<string, () => Record<string, unknown>> = {
  segments: segmentsJsonSchema,
  journeys: journeysJsonSchema,
  settings: jsonSchema(settingsSchema.describe('sadakat settings: campaign/settings.yaml')),
  templates: jsonSchema(templateContextSchema),
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
