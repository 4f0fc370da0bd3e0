/**
 * Front matter of a template file: an optional YAML block between `---` lines at the very top of
 * any file in campaign/templates/<id>/, read by `sadakat validate` and never rendered. Keys:
 * `transactional: true` says the template is not marketing (an order receipt, a password
 * reset), so it need not carry `{{ unsubscribe_url }}`; `name` and `language` (whatsapp.template.liquid
 * only) name the approved WhatsApp template the file's lines fill in.
 */
import { parse } from 'yaml';
import { FRONT_MATTER, type FrontMatterResult } from './template-text.js';

export {
  type FrontMatterResult,
  frontMatterBody,
  type TemplateFrontMatter,
  withoutFrontMatter,
} from './template-text.js';

const KNOWN_KEYS = ['transactional', 'name', 'language'];

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
  const unknown = Object.keys(record).filter((key) => !KNOWN_KEYS.includes(key));
  if (unknown.length > 0)
    return {
      ok: false,
      reason: `front matter: unknown key ${unknown.map((key) => `"${key}"`).join(', ')} (known: ${KNOWN_KEYS.join(', ')})`,
    };
  if (record.transactional !== undefined && typeof record.transactional !== 'boolean')
    return { ok: false, reason: 'front matter: transactional must be true or false' };
  for (const key of ['name', 'language'] as const) {
    const value = record[key];
    if (value !== undefined && (typeof value !== 'string' || !/^[A-Za-z0-9_]{1,512}$/.test(value)))
      return {
        ok: false,
        reason: `front matter: ${key} must be letters, digits and underscores (as Meta approved it)`,
      };
  }
  return {
    ok: true,
    frontMatter: {
      transactional: record.transactional === true,
      ...(typeof record.name === 'string' ? { name: record.name } : {}),
      ...(typeof record.language === 'string' ? { language: record.language } : {}),
    },
  };
}
