/**
 * The campaign compiled to JSON at synth (what the deployed functions read, decision 240) gives the
 * functions the same campaign as reading the YAML folder: settings, segments, journeys, templates.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTemplateSources, renderContext, TemplateSet } from '../../../shared/channels/render.js';
import { campaignDocumentsJson } from '../../../shared/config/campaign-documents.js';
import type { CompiledSegments } from '../../../shared/segments/compile.js';
import { campaignFromDocuments, loadCompiledCampaign } from '../../../shared/wiring/compiled-campaign.js';
import {
  type CampaignDocuments,
  loadCompiledSettings,
  readCompiledCampaign,
} from '../../../shared/wiring/compiled-documents.js';
import { loadRuntimeCampaign } from '../../../shared/wiring/runtime-campaign.js';
import { consentingProfile, sendRequest } from '../channels/send-harness.js';

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'sadakat-compiled-campaign-'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** What a compiled segment set says about itself (its tests are generated functions). */
function describeSegments(compiled: CompiledSegments) {
  return {
    spreadMinutes: compiled.spreadMinutes,
    segments: compiled.segments.map((segment) => ({
      id: segment.id,
      description: segment.description,
      inputs: segment.inputs,
      timed: segment.nextChange !== undefined,
    })),
  };
}

async function compiledFile(campaignDir: string, name: string): Promise<string> {
  const file = join(folder, `${name}.json`);
  await writeFile(file, campaignDocumentsJson(campaignDir));
  return file;
}

describe('the compiled campaign', () => {
  it('is the campaign the YAML folder gives: settings, segments, journeys and templates', async () => {
    // Prepare
    const file = await compiledFile('campaign', 'example');
    const fromYaml = await loadRuntimeCampaign('campaign');

    // Act
    const compiled = await readCompiledCampaign(file);
    const campaign = campaignFromDocuments(compiled);

    // Assess
    expect(campaign.settings).toEqual(fromYaml.settings);
    expect(await loadCompiledSettings(file)).toEqual(fromYaml.settings);
    expect(describeSegments(campaign.segments)).toEqual(describeSegments(fromYaml.segments));
    expect(campaign.segments.segments.length).toBeGreaterThan(3);
    expect(campaign.journeys).toEqual(fromYaml.journeys);
    expect(campaign.journeys.length).toBeGreaterThan(3);
    expect(compiled.templates.sources).toEqual(readTemplateSources('campaign/templates'));
  });

  it('answers membership as the YAML campaign does', async () => {
    // Prepare
    const campaign = await loadCompiledCampaign(await compiledFile('campaign', 'membership'));
    const fromYaml = await loadRuntimeCampaign('campaign');
    const profile = consentingProfile();
    const now = Date.parse('2026-11-02T09:00:00Z');

    // Act
    const answers = campaign.segments.segments.map((segment) => [segment.id, segment.test(profile, now)]);

    // Assess
    expect(answers).toEqual(fromYaml.segments.segments.map((segment) => [segment.id, segment.test(profile, now)]));
  });

  it("carries a WhatsApp template's front matter, read at synth, to the send's TemplateSet", async () => {
    // Prepare
    const dir = join(folder, 'whatsapp');
    await mkdir(join(dir, 'templates', 'offer'), { recursive: true });
    await writeFile(
      join(dir, 'templates', 'offer', 'whatsapp.template.liquid'),
      '---\nname: order_followup\nlanguage: tr\n---\n{{ profile.name.first }}\n',
    );
    const compiled = await readCompiledCampaign(await compiledFile(dir, 'whatsapp'));

    // Act
    const set = new TemplateSet(compiled.templates.sources, compiled.templates.frontMatter);
    const result = await set.render('offer', 'whatsapp', renderContext(consentingProfile(), sendRequest()));

    // Assess
    expect(result).toMatchObject({
      ok: true,
      content: { template: { name: 'order_followup', language: 'tr', parameters: ['Ayşe'] } },
    });
  });

  it('gives an empty folder the defaults, as the YAML path does', async () => {
    // Prepare
    const dir = join(folder, 'empty');
    await mkdir(dir, { recursive: true });

    // Act
    const campaign = await loadCompiledCampaign(await compiledFile(dir, 'empty'));

    // Assess
    const fromYaml = await loadRuntimeCampaign(dir);
    expect(campaign.settings).toEqual(fromYaml.settings);
    expect(describeSegments(campaign.segments)).toEqual(describeSegments(fromYaml.segments));
    expect(campaign.journeys).toEqual([]);
  });

  it('refuses a value JSON cannot carry at synth, naming the file', async () => {
    // Prepare
    const dir = join(folder, 'infinite');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'settings.yaml'), 'spreadMinutes: .inf\n');

    // Act
    const compile = () => campaignDocumentsJson(dir);

    // Assess
    expect(compile).toThrow(/settings\.yaml: holds a value JSON cannot carry/);
  });

  it('refuses a file of another format or a missing one with a reason, not a stack trace', async () => {
    // Prepare
    const old = join(folder, 'old.json');
    await writeFile(old, JSON.stringify({ format: 'sadakat-campaign/0' }));
    const broken = join(folder, 'broken.json');
    const documents: CampaignDocuments = JSON.parse(campaignDocumentsJson(join(folder, 'empty')));
    await writeFile(broken, JSON.stringify({ ...documents, settings: { spreadMinutes: 'soon' } }));

    // Act
    const reads = await Promise.allSettled(
      [old, join(folder, 'absent.json'), broken].map((file) => loadCompiledCampaign(file)),
    );

    // Assess
    const reasons = reads.map((read) => (read.status === 'rejected' ? String(read.reason) : 'loaded'));
    expect(reasons[0]).toMatch(/old\.json: format "sadakat-campaign\/0", this code reads/);
    expect(reasons[1]).toMatch(/cannot read the compiled campaign .*absent\.json/);
    expect(reasons[2]).toMatch(/invalid compiled campaign .*\nsettings\.yaml: spreadMinutes: /);
  });
});
