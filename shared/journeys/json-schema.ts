/** JSON Schema of a journey file for editor completion, from the same zod schemas that parse it. */
import * as z from 'zod';
import { journeyFileSchema } from './ast.js';

export function journeysJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(journeyFileSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}
