/**
 * Front matter of a template file: an optional YAML block between `---` lines at the very top of
 * any file in campaign/templates/<id>/, read by `sadakat validate` and never rendered. One key is
 * known: `transactional: true` says the template is not marketing (an order receipt, a password
 * reset), so it need not carry `{{ unsubscribe_url }}`.
 */
import { parse } from 'yaml';

const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

export interface TemplateFrontMatter {
  transactional: boolean;
}

export type FrontMatterResult = { ok: true; frontMatter: TemplateFrontMatter } | { ok: false; reason: string };

/** The file's text after its front matter (the text itself when it has none). */
export function withoutFrontMatter(text: string): string {
  const match = FRONT_MATTER.exec(text);
  if (!match) return text;
  // A Liquid comment of as many lines, trimming the whitespace after it: renders as nothing, and
  // Liquid's line numbers still point into the file as written.
  const lines = match[0].split('\n').length - 1;
  return `{%- comment -%}${'\n'.repeat(lines)}{%- endcomment -%}${text.slice(match[0].length)}`;
}

export function readFrontMatter(text: string): FrontMatterResult {
  const match = FRONT_MATTER.exec(text);
  if (!match) return { ok: true, frontMatter: { transactional: false } };
  let data: unknown;
  try {
    data = parse(match[1] ?? '') ?? {};
  } catch (error) {
    // yaml's message goes on with a code frame over several lines; a located error is one line.
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.trim();
    return { ok: false, reason: `front matter is not YAML: ${message}` };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return { ok: false, reason: 'front matter must be a mapping, e.g. "transactional: true"' };
  const record = data as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => key !== 'transactional');
  if (unknown.length > 0)
    return {
      ok: false,
      reason: `front matter: unknown key ${unknown.map((key) => `"${key}"`).join(', ')} (known: transactional)`,
    };
  if (record.transactional !== undefined && typeof record.transactional !== 'boolean')
    return { ok: false, reason: 'front matter: transactional must be true or false' };
  return { ok: true, frontMatter: { transactional: record.transactional === true } };
}
