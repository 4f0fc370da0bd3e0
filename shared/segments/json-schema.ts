/**
 * JSON Schema of segments.yaml for editor completion (yaml-language-server), generated from the
 * same zod schemas that parse the file, with the profile paths and event names as suggestions.
 */
import * as z from 'zod';
import { ECOMMERCE_EVENTS } from '../events/event.js';
import { attrPathSchema, eventNameSchema, segmentsFileInputSchema } from './ast.js';
import { listProfilePaths } from './profile-paths.js';

export function segmentsJsonSchema(): Record<string, unknown> {
  // Leaf paths only (objects cannot be compared); `*` marks a key the author chooses.
  const paths = listProfilePaths()
    .filter((path) => path.type.kind !== 'object')
    .map((path) => path.pattern);
  return z.toJSONSchema(segmentsFileInputSchema, {
    io: 'input',
    target: 'draft-2020-12',
    override: (ctx) => {
      if (ctx.zodSchema === attrPathSchema) ctx.jsonSchema.examples = paths;
      if (ctx.zodSchema === eventNameSchema) ctx.jsonSchema.examples = Object.values(ECOMMERCE_EVENTS);
    },
  }) as Record<string, unknown>;
}
