/**
 * Templates with their front matter read (a YAML parser): for the local commands, the demo, the
 * console and at synth. The deployed send function builds its TemplateSet from the compiled
 * campaign instead (shared/wiring/compiled-campaign.ts, decision 240).
 */
import {
  loadTemplateSources,
  type TemplateFrontMatters,
  TemplateSet,
  type TemplateSources,
  WHATSAPP_TEMPLATE_FILE,
} from './render.js';
import { readFrontMatter } from './template-front-matter.js';
import type { FrontMatterResult } from './template-text.js';

/** The front matter TemplateSet needs (each whatsapp.template.liquid's), read. */
export function templateFrontMatters(sources: TemplateSources): TemplateFrontMatters {
  return Object.fromEntries(
    Object.entries(sources)
      .filter(([name]) => name.endsWith(`/${WHATSAPP_TEMPLATE_FILE}`))
      .map(([name, text]): [string, FrontMatterResult] => [name, readFrontMatter(text)]),
  );
}

export function templateSetOf(sources: TemplateSources): TemplateSet {
  return new TemplateSet(sources, templateFrontMatters(sources));
}

export async function loadTemplates(templatesDir: string): Promise<TemplateSet> {
  return templateSetOf(await loadTemplateSources(templatesDir));
}
