/**
 * Liquid syntax of campaign/templates/<id>/*.liquid, checked by `sadakat validate` so a broken
 * template is a located error at deploy time instead of a failed send: unclosed tags and outputs,
 * unknown tags, and unknown filters (rendering uses strict filters, see shared/channels/render.ts).
 */
import { join } from 'node:path';
import { Liquid } from 'liquidjs';
import type { TemplateSources } from '../channels/render.js';
import { withoutFrontMatter } from '../channels/template-front-matter.js';
import type { LocatedError } from './located-error.js';

/** Parses only; `templates` lets `{% render %}` targets resolve as they do when sending. */
function parser(sources: TemplateSources): Liquid {
  const templates = Object.fromEntries(Object.entries(sources).map(([name, text]) => [name, withoutFrontMatter(text)]));
  return new Liquid({ templates, strictFilters: true, strictVariables: true });
}

/** Every template source that does not parse, located in `templatesDir/<id>/<file>`. */
export function checkTemplateSources(templatesDir: string, sources: TemplateSources): LocatedError[] {
  const liquid = parser(sources);
  const errors: LocatedError[] = [];
  for (const [name, text] of Object.entries(sources)) {
    try {
      liquid.parse(withoutFrontMatter(text), name);
    } catch (error) {
      errors.push(locate(join(templatesDir, name), error));
    }
  }
  return errors;
}

/** liquidjs errors carry their token's position and repeat it at the end of the message. */
function locate(file: string, error: unknown): LocatedError {
  const token = (error as { token?: { getPosition?: () => [number, number] } }).token;
  const [line, column] = token?.getPosition?.() ?? [1, 1];
  const message = error instanceof Error ? error.message : String(error);
  const reason = message.replace(/, (file:.*?, )?line:\d+, col:\d+$/, '');
  return { file, line, column, reason: `Liquid: ${reason}` };
}
