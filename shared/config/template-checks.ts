/**
 * What `sadakat validate` checks in templates beyond their Liquid syntax (template-syntax.ts), so
 * a send the pipeline would refuse is a located error at deploy time:
 *
 * - every variable is `profile.<path>` (checked against `templateProfileSchema`, the shape the
 *   send handler renders with, as segment rules are checked against the profile schema),
 *   `vars.<name>` or `unsubscribe_url` — anything else is an error, with a "did you mean";
 * - a profile path that a customer may lack, used without `| default:` or an `{% if %}`, is a
 *   warning: the send to such a customer is refused as `missing_variable`;
 * - the `vars.<name>` a template needs unguarded are returned, for journeys to check that every
 *   send step using the template sets them (shared/journeys/check.ts);
 * - a marketing email (html.liquid / text.liquid) must print `{{ unsubscribe_url }}` in both
 *   bodies (CAN-SPAM, Gmail and Yahoo sender rules, Turkey's İYS rules), unless the template
 *   says `transactional: true` in its front matter (template-front-matter.ts).
 */
import { join } from 'node:path';
import { Liquid, type Template } from 'liquidjs';
import * as z from 'zod';
import {
  TEMPLATE_ROOTS,
  templateProfileSchema,
  WHATSAPP_TEMPLATE_FILE,
  type TemplateSources,
} from '../channels/render.js';
import { readFrontMatter, withoutFrontMatter } from '../channels/template-front-matter.js';
import { nearest } from './did-you-mean.js';
import type { LocatedError } from './located-error.js';

export interface TemplateCheck {
  errors: LocatedError[];
  warnings: LocatedError[];
  /** Template id → the `vars.<name>` its files print without a default. */
  requiredVars: Map<string, Set<string>>;
}

const EMAIL_BODIES = ['html.liquid', 'text.liquid'] as const;

export function checkTemplateVariables(templatesDir: string, sources: TemplateSources): TemplateCheck {
  const liquid = new Liquid({ strictFilters: true, strictVariables: true });
  const errors: LocatedError[] = [];
  const warnings: LocatedError[] = [];
  const requiredVars = new Map<string, Set<string>>();
  const unsubscribeIn = new Set<string>();
  const transactional = new Set<string>();

  for (const [name, raw] of Object.entries(sources)) {
    const file = join(templatesDir, name);
    const templateId = name.split('/')[0] ?? name;
    const front = readFrontMatter(raw);
    if (!front.ok) errors.push({ file, line: 1, column: 1, reason: front.reason });
    else if (front.frontMatter.transactional) transactional.add(templateId);
    if (front.ok && name.endsWith(`/${WHATSAPP_TEMPLATE_FILE}`)) {
      const missing = (['name', 'language'] as const).filter((key) => front.frontMatter[key] === undefined);
      if (missing.length > 0)
        errors.push({
          file,
          line: 1,
          column: 1,
          reason: `an approved WhatsApp template needs ${missing.join(' and ')} in its front matter, e.g. "---\nname: order_followup\nlanguage: tr\n---"`,
        });
    }
    const text = withoutFrontMatter(raw);
    let parsed: Template[];
    try {
      parsed = liquid.parse(text, name);
    } catch {
      continue; // a syntax error, reported by checkTemplateSources
    }
    const lines = text.split('\n');
    const found = Object.values(liquid.analyzeSync(parsed, { partials: false }).globals)
      .flat()
      .sort((a, b) => a.location.row - b.location.row || a.location.col - b.location.col);
    // A path tested by {% if %} is taken as guarded wherever it appears after the test.
    const tested = new Set<string>();
    for (const variable of found) {
      const segments = variable.segments;
      const root = segments[0];
      const at = { file, line: variable.location.row, column: variable.location.col };
      const path = variable.toString();
      const guard = guardOf(lines, variable.location.row, variable.location.col);
      if (guard === 'test') tested.add(path);
      const guarded = guard !== undefined || tested.has(path);
      if (root === 'unsubscribe_url') {
        unsubscribeIn.add(name);
      } else if (root === 'confirm_url') {
        // The confirmation email's own link (shared/channels/confirm/): nothing to check.
      } else if (root === 'vars') {
        const key = segments[1];
        if (typeof key === 'string' && !guarded)
          (requiredVars.get(templateId) ?? requiredVars.set(templateId, new Set()).get(templateId))?.add(key);
      } else if (root === 'profile') {
        const resolved = resolveTemplatePath(segments.slice(1));
        const shown = `profile.${segments
          .slice(1)
          .map((segment) => (typeof segment === 'object' ? '[…]' : String(segment)))
          .join('.')}`;
        if (!resolved.ok) errors.push({ ...at, reason: `unknown variable ${shown}: ${resolved.reason}` });
        else if (resolved.optional && !guarded)
          warnings.push({
            ...at,
            reason: `${shown} is not set for every customer; without it the send is refused (missing_variable): add | default: "…" or wrap it in {% if %}`,
          });
      } else {
        const text = typeof root === 'string' ? root : String(root);
        const near = nearest(text, TEMPLATE_ROOTS);
        errors.push({
          ...at,
          reason: `unknown variable "${text}": templates name profile.…, vars.…, unsubscribe_url and confirm_url${near ? ` (did you mean ${near}?)` : ''}`,
        });
      }
    }
  }

  const emailTemplates = new Set(
    Object.keys(sources)
      .filter((name) => (EMAIL_BODIES as readonly string[]).includes(name.split('/')[1] ?? ''))
      .map((name) => name.split('/')[0] ?? name),
  );
  for (const templateId of emailTemplates) {
    if (transactional.has(templateId)) continue;
    for (const body of EMAIL_BODIES) {
      const name = `${templateId}/${body}`;
      if (sources[name] === undefined || unsubscribeIn.has(name)) continue;
      errors.push({
        file: join(templatesDir, name),
        line: 1,
        column: 1,
        reason:
          'a marketing email needs an unsubscribe link in its body: add {{ unsubscribe_url }} (CAN-SPAM, Gmail and Yahoo sender rules, İYS), or mark a transactional template with front matter "---\\ntransactional: true\\n---"',
      });
    }
  }
  errors.sort(byPlace);
  warnings.sort(byPlace);
  return { errors, warnings, requiredVars };
}

type TemplatePathResolution = { ok: true; optional: boolean } | { ok: false; reason: string };

/** Walks `profile.<segments>` through templateProfileSchema; Liquid's `first`, `last`, `size` and indexes included. */
export function resolveTemplatePath(
  segments: readonly unknown[],
  root: z.ZodType = templateProfileSchema,
): TemplatePathResolution {
  let schema: z.ZodType = root;
  let optional = false;
  const walked: string[] = [];
  for (const segment of segments) {
    if (typeof segment !== 'string' && typeof segment !== 'number') return { ok: true, optional: true };
    while (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault) {
      optional = optional || !(schema instanceof z.ZodDefault);
      schema = (schema instanceof z.ZodDefault ? schema.removeDefault() : schema.unwrap()) as z.ZodType;
    }
    const where = walked.length === 0 ? 'the profile' : `profile.${walked.join('.')}`;
    if (schema instanceof z.ZodObject) {
      const shape = schema.shape as Record<string, z.ZodType>;
      const child = shape[String(segment)];
      if (child === undefined) {
        const near = nearest(String(segment), Object.keys(shape));
        return {
          ok: false,
          reason: `${where} has no field "${segment}"${near ? ` (did you mean ${near}?)` : ''}; templates can name: ${Object.keys(shape).join(', ')}`,
        };
      }
      schema = child;
    } else if (schema instanceof z.ZodRecord) {
      schema = schema.valueType as z.ZodType;
      optional = true;
    } else if (schema instanceof z.ZodArray) {
      if (segment === 'size') schema = z.number();
      else if (typeof segment === 'number' || segment === 'first' || segment === 'last') {
        schema = schema.element as z.ZodType;
        optional = true;
      } else return { ok: false, reason: `${where} is a list: use first, last, size or an index, not "${segment}"` };
    } else if (schema instanceof z.ZodString && segment === 'size') {
      schema = z.number();
    } else {
      return { ok: false, reason: `${where} is a single value and has no field "${segment}"` };
    }
    walked.push(String(segment));
  }
  while (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) {
    optional = true;
    schema = schema.unwrap() as z.ZodType;
  }
  return { ok: true, optional };
}

/**
 * Whether the variable at line:column sits under `| default` in its output, or in an
 * if/elsif/unless/case test: there an absent value renders as empty instead of refusing the send.
 */
function guardOf(lines: readonly string[], line: number, column: number): 'test' | 'default' | undefined {
  const offset = lines.slice(0, line - 1).join('\n').length + (line > 1 ? 1 : 0) + column - 1;
  const source = lines.join('\n');
  const output = source.lastIndexOf('{{', offset);
  const tag = source.lastIndexOf('{%', offset);
  if (tag > output)
    return /^\{%-?\s*(if|elsif|unless|case|when)\b/.test(source.slice(tag, tag + 16)) ? 'test' : undefined;
  if (output < 0) return undefined;
  const end = source.indexOf('}}', offset);
  return /\|\s*default\s*:/.test(source.slice(output, end < 0 ? undefined : end)) ? 'default' : undefined;
}

function byPlace(a: LocatedError, b: LocatedError): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column;
}
