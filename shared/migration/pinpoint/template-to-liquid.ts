/**
 * Pinpoint message templates (Handlebars placeholders) → sadakat Liquid files. Endpoint and user
 * attributes become profile paths (imported endpoints keep them as traits, see
 * endpoints-to-profiles.ts); DefaultSubstitutions become `| default:`; {{#if}}/{{#unless}} become
 * Liquid blocks. Any other helper is left out of the output and reported by file and line.
 */
import type {
  EmailTemplateResponse,
  PushNotificationTemplateResponse,
  SMSTemplateResponse,
} from '@aws-sdk/client-pinpoint';
import type { MigrationReport } from './migration-report.js';

export type PinpointTemplate =
  | { kind: 'email'; template: EmailTemplateResponse }
  | { kind: 'sms'; template: SMSTemplateResponse }
  | { kind: 'push'; template: PushNotificationTemplateResponse };

/** Pinpoint placeholder path → sadakat profile path, or undefined when there is none. */
export function profilePath(path: string): string | undefined {
  const fixed: Record<string, string> = {
    'User.UserAttributes.FirstName': 'profile.name.first',
    'User.UserAttributes.LastName': 'profile.name.last',
    'User.UserId': 'profile.id',
    'Demographic.Timezone': 'profile.timezone',
    'Demographic.Locale': 'profile.locale',
    'Location.City': 'profile.traits.city',
    'Location.Country': 'profile.traits.country',
    'Location.PostalCode': 'profile.traits.postalCode',
    'Location.Region': 'profile.traits.region',
  };
  if (path in fixed) return fixed[path];
  const attribute = /^(?:User\.UserAttributes|Attributes)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(path);
  if (attribute) return `profile.traits.${attribute[1]}`;
  const metric = /^Metrics\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(path);
  if (metric) return `profile.traits.${metric[1]}`;
  return undefined;
}

const TAG = /\{\{(\{?)\s*([^{}]*?)\s*\}?\}\}/g;

/**
 * One Handlebars source → Liquid. `file` names the output file in findings (`templates/x/html.liquid`).
 * `html` marks HTML output: triple-stash `{{{x}}}` then keeps its markup unescaped (`| raw`).
 * The result always parses: text that Liquid would read as a tag is escaped, unclosed blocks are
 * closed at the end (reported), and anything else is left out as a comment and reported.
 */
export function handlebarsToLiquid(
  source: string,
  file: string,
  defaults: Readonly<Record<string, string>>,
  report: MigrationReport,
  html = false,
): string {
  const blocks: { kind: string; line: number; hasElse: boolean }[] = [];
  const lineAt = (offset: number): number => source.slice(0, offset).split('\n').length;
  const pieces: string[] = [];
  let textStart = 0;
  for (const match of source.matchAll(TAG)) {
    pieces.push(escapeText(source.slice(textStart, match.index)));
    pieces.push(convertTag(match[0], match[1] ?? '', match[2] ?? '', lineAt(match.index)));
    textStart = match.index + match[0].length;
  }
  pieces.push(escapeText(source.slice(textStart)));
  for (const open of blocks.reverse()) {
    report.add(
      'template',
      `${file}:${open.line}`,
      `{{#${open.kind}}} is never closed`,
      `check where the block should end; {% end${open.kind} %} was added at the end`,
    );
    pieces.push(`{% end${open.kind} %}`);
  }
  return pieces.join('');

  function convertTag(whole: string, triple: string, body: string, line: number): string {
    const unconverted = (why: string): string => {
      report.add(
        'template',
        `${file}:${line}`,
        `${why}: ${whole}`,
        'rewrite it with Liquid tags and filters (https://liquidjs.com/filters/overview.html)',
      );
      return '{% comment %}unconverted Pinpoint helper, see migration-report.md{% endcomment %}';
    };
    // A Handlebars comment: nothing to render.
    if (body.startsWith('!')) return '';
    const open = /^#(if|unless)\s+([\w.]+)$/.exec(body);
    if (open) {
      const path = profilePath(open[2] as string);
      if (!path) return unconverted(`no profile path for ${open[2]}`);
      blocks.push({ kind: open[1] as string, line, hasElse: false });
      return `{% ${open[1]} ${path} %}`;
    }
    if (body === 'else') {
      const current = blocks.at(-1);
      if (!current) return unconverted('else outside a block');
      if (current.hasElse) return unconverted('a second else in one block');
      current.hasElse = true;
      return '{% else %}';
    }
    const close = /^\/(if|unless)$/.exec(body);
    if (close) {
      if (blocks.at(-1)?.kind !== close[1]) return unconverted('unbalanced block');
      blocks.pop();
      return `{% end${close[1]} %}`;
    }
    if (/^[\w.]+$/.test(body)) {
      const path = profilePath(body);
      if (!path) return unconverted(`no profile path for ${body}`);
      const fallback = defaults[body];
      // liquidjs reads JSON string escapes in literals, so any default value round-trips.
      const filters = `${fallback !== undefined ? ` | default: ${JSON.stringify(fallback)}` : ''}${triple && html ? ' | raw' : ''}`;
      return `{{ ${path}${filters} }}`;
    }
    return unconverted(body.startsWith('#') ? `block helper ${body.split(/\s/)[0]}` : `helper ${body.split(/\s/)[0]}`);
  }
}

/**
 * Text between Handlebars tags, with every `{` that would open a Liquid tag or output (`{{`, `{%`,
 * or a last `{` that the next converted tag would complete) written as a Liquid output of "{".
 */
function escapeText(text: string): string {
  return text.replace(/\{(?=[{%]|$)/g, '{{ "{" }}');
}

const UNSUBSCRIBE_HTML = '<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>\n';
const UNSUBSCRIBE_TEXT = '\nUnsubscribe: {{ unsubscribe_url }}\n';

export interface ConvertedTemplate {
  /** Folder under campaign/templates/. */
  folder: string;
  /** File name → Liquid source. */
  files: Record<string, string>;
}

export function convertTemplate(input: PinpointTemplate, folder: string, report: MigrationReport): ConvertedTemplate {
  const defaults = parseDefaults(input.template.DefaultSubstitutions, folder, report);
  const convert = (text: string | undefined, name: string, html = false): string =>
    handlebarsToLiquid(text ?? '', `templates/${folder}/${name}`, defaults, report, html);
  switch (input.kind) {
    case 'email': {
      const { Subject, HtmlPart, TextPart } = input.template;
      if (!TextPart)
        report.add(
          'template',
          `templates/${folder}/text.liquid`,
          'no TextPart: text.liquid was made from the HTML with tags removed',
          'review the plain-text version',
        );
      const text =
        TextPart ??
        (HtmlPart ?? '')
          .replace(/<[^>]*>/g, '')
          .replace(/\n{3,}/g, '\n\n')
          .trim();
      const files = {
        'subject.liquid': convert(Subject, 'subject.liquid'),
        'html.liquid': convert(HtmlPart, 'html.liquid', true),
        'text.liquid': convert(text, 'text.liquid'),
      };
      // sadakat validate requires an unsubscribe link in a marketing email's bodies; Pinpoint added
      // its own at send time, so the converted template gets sadakat's (reported, to be placed by hand).
      for (const [name, footer] of [
        ['html.liquid', UNSUBSCRIBE_HTML],
        ['text.liquid', UNSUBSCRIBE_TEXT],
      ] as const) {
        if (files[name].includes('unsubscribe_url')) continue;
        files[name] = `${files[name].trimEnd()}\n${footer}`;
        report.add(
          'template',
          `templates/${folder}/${name}`,
          'no {{ unsubscribe_url }}: an unsubscribe link was added at the end',
          'move it where your layout wants it, or mark a transactional template with front matter "transactional: true" and remove it',
        );
      }
      return { folder, files };
    }
    case 'sms':
      return { folder, files: { 'sms.liquid': convert(input.template.Body, 'sms.liquid') } };
    case 'push': {
      const message = input.template.Default ?? input.template.GCM ?? input.template.APNS;
      for (const platform of ['APNS', 'GCM', 'Baidu', 'ADM'] as const) {
        if (input.template[platform] && input.template.Default)
          report.add(
            'template',
            `templates/${folder}`,
            `platform-specific ${platform} push content`,
            'sadakat sends one title and body to every platform: the Default content was used',
          );
      }
      return {
        folder,
        files: {
          'push.title.liquid': convert(message?.Title, 'push.title.liquid'),
          'push.body.liquid': convert(message?.Body, 'push.body.liquid'),
        },
      };
    }
    default: {
      const unknown: never = input;
      throw new Error(`unknown template kind ${JSON.stringify(unknown)}`);
    }
  }
}

function parseDefaults(json: string | undefined, folder: string, report: MigrationReport): Record<string, string> {
  if (!json) return {};
  try {
    const parsed = JSON.parse(json) as unknown;
    if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
    return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, String(value)]));
  } catch {
    report.add(
      'template',
      `templates/${folder}`,
      'DefaultSubstitutions is not a JSON object; defaults dropped',
      'add | default: "…" filters by hand',
    );
    return {};
  }
}
