/**
 * A queue or topic body read with its zod schema: the value, or one line saying what is wrong
 * (`path: reason`) for the poison-message error that takes it to the DLQ.
 */
import type { z } from 'zod';

export type ParsedBody<T> = { ok: true; value: T } | { ok: false; problem: string };

export function parseJsonBody<Schema extends z.ZodType>(schema: Schema, body: string): ParsedBody<z.infer<Schema>> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, problem: 'body: not JSON' };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, problem: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` };
}
