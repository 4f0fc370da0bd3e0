/**
 * Message templates (DESIGN "Campaign folder"): campaign/templates/<id>/ holds subject.liquid,
 * html.liquid, text.liquid (email), sms.liquid, push.title.liquid and push.body.liquid, call.script.liquid
 * (the agent's script of a call task). They are
 * parsed once into an in-memory map, so rendering never touches the file system and a template
 * can include only other files of the campaign's templates (`{% render 'shared/footer.liquid' %}`).
 *
 * Strict variables: a variable the customer lacks stops the send as `missing_variable` (never
 * "Hello ,"); `| default:` and `{% if %}` may still test for absence (lenientIf). HTML output is
 * escaped, so a name like `<script>` reaches the inbox as text. Webhook bodies (`webhook.json.liquid`)
 * print every `{{ }}` as a JSON value (liquidjs `outputEscape: 'json'`), so a trait carrying quotes
 * or braces stays one string and cannot add a field; the result must parse as JSON.
 *
 * WhatsApp (shared/channels/whatsapp/): `whatsapp.liquid` is free-form text, which may go only
 * inside the customer's 24-hour service window; `whatsapp.template.liquid` fills an approved
 * template — its front matter names it (`name`, `language`) and each non-blank line is one body
 * parameter, rendered on its own (a trait's newline cannot make a second one) and stripped of
 * newlines and tabs. A template folder serves WhatsApp with either file or both.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Liquid, type Template } from 'liquidjs';
import * as z from 'zod';
import { cartItemSchema, clvSchema, ordersSchema, profileSchema, rfmSchema, type Profile } from '../profiles/schema.js';
import { tierGap, type TierConfig } from '../tiers/tier-state.js';
import { type FrontMatterResult, frontMatterBody, withoutFrontMatter } from './template-text.js';
import { whatsAppParameter, type WhatsAppForms } from './whatsapp/window.js';
import type { Channel, SendRequest } from './send-request.js';

export const TEMPLATE_FILES = {
  email: ['subject.liquid', 'html.liquid', 'text.liquid'],
  sms: ['sms.liquid'],
  push: ['push.title.liquid', 'push.body.liquid'],
  webhook: ['webhook.json.liquid'],
  call: ['call.script.liquid'],
  whatsapp: ['whatsapp.liquid', 'whatsapp.template.liquid'],
} as const satisfies Record<Channel, readonly string[]>;

/** The approved-template file of a WhatsApp template folder. */
export const WHATSAPP_TEMPLATE_FILE = 'whatsapp.template.liquid';

/** Channels served by any one of their files (WhatsApp: text, approved template, or both); the others need all. */
const ANY_FILE: ReadonlySet<Channel> = new Set<Channel>(['whatsapp']);

/** The files a template folder lacks to serve `channel` (empty: it serves it). */
export function missingTemplateFiles(channel: Channel, has: (file: string) => boolean): string[] {
  const files: readonly string[] = TEMPLATE_FILES[channel];
  if (ANY_FILE.has(channel)) return files.some(has) ? [] : [files.join(' or ')];
  return files.filter((file) => !has(file));
}

export type RenderedContent =
  | { channel: 'email'; subject: string; html: string; text: string }
  | { channel: 'sms'; body: string }
  | { channel: 'push'; title: string; body: string }
  /** The JSON body, compact (parsed and written again). */
  | { channel: 'webhook'; body: string }
  /** What the agent reads and says: the task's description (Connect) or the call list's script column. */
  | { channel: 'call'; script: string }
  /** Either form or both; the send picks by the customer's service window (whatsapp/window.ts). */
  | ({ channel: 'whatsapp' } & WhatsAppForms);

export type RenderResult =
  | { ok: true; content: RenderedContent }
  | { ok: false; reason: 'missing_variable'; variable: string }
  | { ok: false; reason: 'missing_template'; detail: string }
  /** A webhook template whose output is not JSON: a campaign error, nothing can go out. */
  | { ok: false; reason: 'invalid_output'; detail: string };

/**
 * The part of the profile a template may name as `profile.…` (addresses and consent stay out: a
 * template has no business printing them). `renderContext` builds exactly this shape, and
 * `sadakat validate` checks template variables against it.
 */
export const templateProfileSchema = z.object({
  id: profileSchema.shape.id,
  name: profileSchema.shape.name,
  locale: profileSchema.shape.locale,
  timezone: profileSchema.shape.timezone,
  traits: profileSchema.shape.traits,
  recommendations: profileSchema.shape.recommendations,
  cart: z.object({
    value: profileSchema.shape.cart.shape.value,
    items: z.array(cartItemSchema.pick({ productId: true, quantity: true, price: true })),
  }),
  orders: ordersSchema.pick({ count: true }),
  clv: clvSchema.pick({ tier: true }).optional(),
  rfm: rfmSchema.pick({ segment: true }).optional(),
  /** The loyalty tier held (settings.yaml tiers); absent: none. */
  tier: profileSchema.shape.tier,
  /** The next tier up and what is still missing for it ("420 more for gold"); absent at the top tier. */
  nextTier: z
    .object({
      id: z.string().describe('The next tier up'),
      spend: z.number().optional().describe('12-month net spend still needed (when that tier sets minSpend12m)'),
      orders: z.number().optional().describe('Orders still needed in 12 months (when that tier sets minOrders12m)'),
    })
    .optional(),
});
export type TemplateProfile = z.infer<typeof templateProfileSchema>;

/** Everything a template may name, for `sadakat schema templates` and docs/campaigns.md. */
export const templateContextSchema = z
  .object({
    profile: templateProfileSchema.describe("The customer's profile, as far as a template may print it"),
    vars: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .describe("The send step's vars (journeys/<id>.yaml: send.vars)"),
    unsubscribe_url: z
      .string()
      .optional()
      .describe("Email only: the customer's one-click unsubscribe link; every marketing email must print it"),
    confirm_url: z
      .string()
      .optional()
      .describe(
        'confirm-email only: the double opt-in link (/c/<token>); that template sees no profile field and no caller text',
      ),
  })
  .describe('sadakat template context: what campaign/templates/<id>/*.liquid may name');

/** The top-level names a template may use besides its own `assign`/`capture` locals. */
export const TEMPLATE_ROOTS = ['profile', 'vars', 'unsubscribe_url', 'confirm_url'] as const;

/** What templates may name: the customer's profile (its paths), the step's vars and the unsubscribe link. */
export interface RenderContext {
  profile: TemplateProfile;
  vars: Record<string, string | number | boolean>;
  unsubscribe_url?: string;
  /** The double opt-in link, in the confirmation email only. */
  confirm_url?: string;
}

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/** Template sources keyed `<templateId>/<file>`. */
export type TemplateSources = Record<string, string>;
/** Front matter read from the files that need it (whatsapp.template.liquid), keyed as the sources. */
export type TemplateFrontMatters = Readonly<Record<string, FrontMatterResult>>;

const NO_FRONT_MATTER: FrontMatterResult = { ok: true, frontMatter: { transactional: false } };

export class TemplateSet {
  private readonly plain: Liquid;
  private readonly html: Liquid;
  private readonly json: Liquid;
  private readonly parsed = new Map<string, { plain: Template[]; html: Template[]; json: Template[] }>();
  /** whatsapp.template.liquid per template id: the approved template and one parsed line per parameter. */
  private readonly whatsapp = new Map<string, { name: string; language: string; parameters: Template[][] }>();

  readonly sources: TemplateSources;

  /**
   * Front matter (`---` … `---` at the top of a file, e.g. `transactional: true`) is not rendered.
   * `frontMatter`: each whatsapp.template.liquid's, read by `templateSetOf` (load-templates.ts) or at
   * synth into the compiled campaign; a file without an entry has none.
   */
  constructor(sources: TemplateSources, frontMatter: TemplateFrontMatters = {}) {
    this.sources = Object.fromEntries(Object.entries(sources).map(([name, text]) => [name, withoutFrontMatter(text)]));
    const options = {
      templates: this.sources,
      strictVariables: true,
      strictFilters: true,
      lenientIf: true,
      ownPropertyOnly: true,
      cache: true,
    };
    this.plain = new Liquid(options);
    this.html = new Liquid({ ...options, outputEscape: 'escape' });
    this.json = new Liquid({ ...options, outputEscape: 'json' });
    for (const [name, source] of Object.entries(this.sources)) {
      // `raw` would print a value unescaped, and a trait could then write JSON of its own.
      if (name.endsWith('/webhook.json.liquid') && /\|\s*raw\b/.test(source))
        throw new TemplateError(`template ${name}: the raw filter is not allowed in a webhook body`);
      try {
        this.parsed.set(name, {
          plain: this.plain.parse(source, name),
          html: this.html.parse(source, name),
          json: this.json.parse(source, name),
        });
      } catch (error) {
        throw new TemplateError(`template ${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (name.endsWith(`/${WHATSAPP_TEMPLATE_FILE}`))
        this.parseWhatsAppTemplate(name, sources[name] ?? '', frontMatter[name] ?? NO_FRONT_MATTER);
    }
  }

  private parseWhatsAppTemplate(name: string, raw: string, front: FrontMatterResult): void {
    if (!front.ok) throw new TemplateError(`template ${name}: ${front.reason}`);
    const { name: approved, language } = front.frontMatter;
    if (approved === undefined || language === undefined)
      throw new TemplateError(`template ${name}: its front matter must name the approved template (name, language)`);
    const lines = frontMatterBody(raw)
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '');
    try {
      const parameters = lines.map((line, index) => this.plain.parse(line, `${name}#${index + 1}`));
      this.whatsapp.set(name.slice(0, -WHATSAPP_TEMPLATE_FILE.length - 1), { name: approved, language, parameters });
    } catch (error) {
      throw new TemplateError(`template ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Which channels a template serves (all of that channel's files present). */
  channelsOf(templateId: string): Channel[] {
    return (Object.keys(TEMPLATE_FILES) as Channel[]).filter(
      (channel) => missingTemplateFiles(channel, (file) => this.parsed.has(`${templateId}/${file}`)).length === 0,
    );
  }

  async render(templateId: string, channel: Channel, context: RenderContext): Promise<RenderResult> {
    const missing = missingTemplateFiles(channel, (file) => this.parsed.has(`${templateId}/${file}`));
    if (missing.length > 0)
      return {
        ok: false,
        reason: 'missing_template',
        detail: `template ${templateId} has no ${missing.join(', ')} for ${channel}`,
      };
    try {
      switch (channel) {
        case 'email': {
          const [subject, html, text] = await Promise.all([
            this.renderFile(templateId, 'subject.liquid', context),
            this.renderFile(templateId, 'html.liquid', context, 'html'),
            this.renderFile(templateId, 'text.liquid', context),
          ]);
          return { ok: true, content: { channel, subject: oneLine(subject), html, text } };
        }
        case 'sms':
          return {
            ok: true,
            content: { channel, body: (await this.renderFile(templateId, 'sms.liquid', context)).trim() },
          };
        case 'push': {
          const [title, body] = await Promise.all([
            this.renderFile(templateId, 'push.title.liquid', context),
            this.renderFile(templateId, 'push.body.liquid', context),
          ]);
          return { ok: true, content: { channel, title: oneLine(title), body: body.trim() } };
        }
        case 'webhook': {
          const text = await this.renderFile(templateId, 'webhook.json.liquid', context, 'json');
          try {
            return { ok: true, content: { channel, body: JSON.stringify(JSON.parse(text)) } };
          } catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            return { ok: false, reason: 'invalid_output', detail: `template ${templateId}: not JSON (${reason})` };
          }
        }
        case 'call':
          return {
            ok: true,
            content: { channel, script: (await this.renderFile(templateId, 'call.script.liquid', context)).trim() },
          };
        case 'whatsapp':
          return { ok: true, content: { channel, ...(await this.renderWhatsApp(templateId, context)) } };
        default: {
          const unreachable: never = channel;
          throw new Error(`unknown channel ${String(unreachable)}`);
        }
      }
    } catch (error) {
      const variable = undefinedVariable(error);
      if (variable !== undefined) return { ok: false, reason: 'missing_variable', variable };
      throw new TemplateError(
        `template ${templateId} (${channel}): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private async renderWhatsApp(templateId: string, context: RenderContext): Promise<WhatsAppForms> {
    const forms: WhatsAppForms = {};
    if (this.parsed.has(`${templateId}/whatsapp.liquid`))
      forms.text = (await this.renderFile(templateId, 'whatsapp.liquid', context)).trim();
    const approved = this.whatsapp.get(templateId);
    if (approved) {
      const parameters: string[] = [];
      for (const line of approved.parameters)
        parameters.push(whatsAppParameter(await this.plain.render(line, context)));
      forms.template = { name: approved.name, language: approved.language, parameters };
    }
    return forms;
  }

  private renderFile(
    templateId: string,
    file: string,
    context: RenderContext,
    escape: 'plain' | 'html' | 'json' = 'plain',
  ): Promise<string> {
    const parsed = this.parsed.get(`${templateId}/${file}`);
    if (!parsed) throw new TemplateError(`template ${templateId} has no ${file}`);
    return this[escape].render(parsed[escape], context);
  }
}

/** Reads every `*.liquid` file under campaign/templates/<id>/ (one level of template folders). */
export function readTemplateSources(templatesDir: string): TemplateSources {
  const sources: TemplateSources = {};
  let folders: string[];
  try {
    folders = readdirSync(templatesDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return sources;
    throw error;
  }
  for (const folder of folders.sort()) {
    const files = readdirSync(join(templatesDir, folder), { withFileTypes: true }).filter(
      (entry) => entry.isFile() && entry.name.endsWith('.liquid'),
    );
    for (const file of files)
      sources[`${folder}/${file.name}`] = readFileSync(join(templatesDir, folder, file.name), 'utf8');
  }
  return sources;
}

export async function loadTemplateSources(templatesDir: string): Promise<TemplateSources> {
  return readTemplateSources(templatesDir);
}

/**
 * The render context of a customer: profile paths a template may name, only those the profile has.
 * `tiers`: the campaign's tiers and the send's time, for `profile.nextTier` (the gap is today's).
 */
export function renderContext(
  profile: Profile,
  request: Pick<SendRequest, 'vars'>,
  unsubscribeUrl?: string,
  tiers?: { config: TierConfig; nowMs: number },
): RenderContext {
  const view: TemplateProfile = {
    id: profile.id,
    name: withoutUndefined({ first: profile.name.first, last: profile.name.last }),
    traits: profile.traits,
    recommendations: profile.recommendations,
    cart: {
      value: profile.cart.value,
      items: profile.cart.items.map((item) => ({
        productId: item.productId,
        quantity: item.quantity,
        price: item.price,
      })),
    },
    orders: { count: profile.orders.count },
  };
  if (profile.locale) view.locale = profile.locale;
  if (profile.timezone) view.timezone = profile.timezone;
  if (profile.clv) view.clv = { tier: profile.clv.tier };
  if (profile.rfm) view.rfm = { segment: profile.rfm.segment };
  if (profile.tier !== undefined) view.tier = profile.tier;
  const gap = tiers ? tierGap(profile, tiers.config, tiers.nowMs) : undefined;
  if (gap) view.nextTier = { id: gap.tier, ...withoutUndefinedNumbers({ spend: gap.spend, orders: gap.orders }) };
  return { profile: view, vars: request.vars, ...(unsubscribeUrl ? { unsubscribe_url: unsubscribeUrl } : {}) };
}

function withoutUndefinedNumbers(record: Record<string, number | undefined>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(record).filter((entry): entry is [string, number] => entry[1] !== undefined),
  );
}

function withoutUndefined(record: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** Subjects and push titles are header-like: one line, trimmed. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** liquidjs raises UndefinedVariableError ("undefined variable: profile.name.first, line:1, col:7"). */
function undefinedVariable(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const chain: unknown[] = [error, (error as { originalError?: unknown }).originalError];
  for (const candidate of chain) {
    if (candidate instanceof Error && candidate.name === 'UndefinedVariableError') {
      const match = /undefined variable: ([^,\s]+)/.exec(candidate.message);
      return match?.[1] ?? 'unknown';
    }
  }
  return undefined;
}
