/**
 * `sadakat preview <template> --profile p.json [--channel email]`: renders a template for one
 * customer exactly as the send handler would (strict variables), so marketing sees the message —
 * or the variable it lacks — before a journey sends it. SMS shows its encoding and part count.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { loadTemplates } from '../../shared/channels/load-templates.js';
import { renderContext, TemplateError, type RenderedContent } from '../../shared/channels/render.js';
import { channelSchema, type Channel } from '../../shared/channels/send-request.js';
import { smsSegments } from '../../shared/channels/sms-segments.js';
import { describeWhatsApp } from '../../shared/channels/whatsapp/window.js';
import { emptyProfile, profileSchema, type Profile } from '../../shared/profiles/schema.js';
import { loadSettings } from '../../shared/config/load-settings.js';
import { systemClock } from '../../shared/ports.js';
import { UserError } from '../errors.js';
import { campaignOption } from '../options.js';

const PREVIEW_UNSUBSCRIBE_URL = 'https://unsubscribe.example/u/PREVIEW';

interface PreviewOptions {
  profile: string;
  channel?: Channel;
  vars?: Record<string, string | number | boolean>;
  campaign: string;
}

export function registerPreview(program: Command): void {
  const command = program.command('preview');
  campaignOption(command);
  command
    .description('render a message template for a profile, as the send handler would')
    .argument('<template>', 'template id (a folder under campaign/templates/)')
    .requiredOption(
      '--profile <file>',
      'profile JSON (as printed by `sadakat profile`; missing fields take empty defaults)',
    )
    .option('--channel <channel>', 'email | sms | push (default: the first the template serves)', parseChannel)
    .option('--vars <json>', 'the send step\'s vars as a JSON object, e.g. \'{"code":"SEPET10"}\'', parseVars)
    .action(async (templateId: string, options: PreviewOptions) => {
      const profile = await readProfile(options.profile);
      let templates: Awaited<ReturnType<typeof loadTemplates>>;
      try {
        templates = await loadTemplates(join(options.campaign, 'templates'));
      } catch (error) {
        if (error instanceof TemplateError) throw new UserError(error.message);
        throw error;
      }
      const served = templates.channelsOf(templateId);
      if (served.length === 0)
        throw new UserError(
          `template ${JSON.stringify(templateId)}: no complete template in ${join(options.campaign, 'templates', templateId)}`,
        );
      const channel = options.channel ?? (served[0] as Channel);
      if (!served.includes(channel))
        throw new UserError(`template ${templateId} does not serve ${channel} (it serves ${served.join(', ')})`);
      const result = await templates.render(
        templateId,
        channel,
        renderContext(
          profile,
          { vars: options.vars ?? {} },
          channel === 'email' ? PREVIEW_UNSUBSCRIBE_URL : undefined,
          await previewTiers(options.campaign),
        ),
      );
      if (!result.ok) {
        throw new UserError(
          result.reason === 'missing_variable'
            ? `template ${templateId} (${channel}): ${
                result.variable.startsWith('vars.')
                  ? `${result.variable} is not set (the send step's vars; give them with --vars)`
                  : `the profile has no ${result.variable}`
              }; the send would be refused as missing_variable`
            : result.detail,
        );
      }
      process.stdout.write(describe(result.content));
    });
}

function describe(content: RenderedContent): string {
  switch (content.channel) {
    case 'email':
      return `Subject: ${content.subject}\n\n--- text ---\n${content.text}\n\n--- html ---\n${content.html}\n`;
    case 'sms': {
      const parts = smsSegments(content.body);
      return `${content.body}\n\n(${parts.characters} characters, ${parts.encoding}, ${parts.segments} part${parts.segments === 1 ? '' : 's'})\n`;
    }
    case 'push':
      return `Title: ${content.title}\n${content.body}\n`;
    case 'webhook':
      return `${JSON.stringify(JSON.parse(content.body), null, 2)}\n`;
    case 'call':
      return `--- call script ---\n${content.script}\n`;
    case 'whatsapp':
      return `${describeWhatsApp(content)}\n`;
    default: {
      const unreachable: never = content;
      throw new Error(`unknown content ${JSON.stringify(unreachable)}`);
    }
  }
}

async function readProfile(file: string): Promise<Profile> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UserError(
      `--profile ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not valid JSON'}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new UserError(`--profile ${file}: expected a JSON object`);
  const draft = parsed as Record<string, unknown>;
  const base = emptyProfile(typeof draft.id === 'string' ? draft.id : 'preview', new Date(0).toISOString());
  const result = profileSchema.safeParse({ ...base, ...draft });
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new UserError(`--profile ${file}: ${issue?.path.join('.') || 'profile'}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

function parseChannel(value: string): Channel {
  const parsed = channelSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError('expected email, sms or push');
  return parsed.data;
}

function parseVars(value: string): Record<string, string | number | boolean> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('expected a JSON object');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InvalidArgumentError('expected a JSON object');
  for (const [key, item] of Object.entries(parsed)) {
    if (!['string', 'number', 'boolean'].includes(typeof item))
      throw new InvalidArgumentError(`vars.${key}: expected a string, number or boolean`);
  }
  return parsed as Record<string, string | number | boolean>;
}

/** The campaign's tiers for `profile.nextTier`, as of now (a broken settings.yaml: the valid parts, as validate reads them). */
async function previewTiers(campaignDir: string) {
  const loaded = await loadSettings(campaignDir);
  const settings = loaded.ok ? loaded.settings : loaded.salvaged;
  return {
    config: { tiers: settings.tiers, timezone: settings.defaultTimezone },
    nowMs: systemClock.now().getTime(),
  };
}
