/**
 * Front matter of a template file as text: an optional YAML block between `---` lines at the very
 * top of any file in campaign/templates/<id>/, never rendered. Reading its keys takes a YAML parser
 * (template-front-matter.ts), which the deployed send function does not carry: the CDK app reads
 * them at synth into the compiled campaign (decision 240).
 */
export const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

export interface TemplateFrontMatter {
  transactional: boolean;
  /** whatsapp.template.liquid: the approved template's name at Meta. */
  name?: string;
  /** whatsapp.template.liquid: the approved template's language code (`tr`, `en_US`). */
  language?: string;
}

/** The file's text after its front matter, as written (the text itself when it has none). */
export function frontMatterBody(text: string): string {
  const match = FRONT_MATTER.exec(text);
  return match ? text.slice(match[0].length) : text;
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
