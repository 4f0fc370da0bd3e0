import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateCampaign } from '../../../shared/config/validate-campaign.js';
import { formatLocatedError } from '../../../shared/config/yaml-source.js';

async function campaign(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sadakat-campaign-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

describe('validateCampaign', () => {
  it('summarizes a valid campaign', async () => {
    // Act
    const result = await validateCampaign('campaign');
    // Assess
    expect(result).toEqual({
      summaries: ['settings.yaml: ok', 'segments.yaml: 8 segments', 'journeys/: 5 journeys', 'templates/: 9 templates'],
      errors: [],
    });
  });

  it('lists the problems of every file', async () => {
    // Prepare
    const dir = await campaign({
      'settings.yaml': 'holdoutPercent: 90\n',
      'segments.yaml': '- id: a\n  attr: orders.count\n  gte: many\n',
    });
    // Act
    const { errors } = await validateCampaign(dir);
    // Assess
    expect(errors.map(formatLocatedError)).toEqual([
      `${join(dir, 'settings.yaml')}:1:1: holdoutPercent: Too big: expected number to be <=50`,
      `${join(dir, 'segments.yaml')}:3:3: gte: Invalid input: expected number, received string`,
    ]);
  });

  it('checks segment property filters against the campaign settings', async () => {
    // Prepare
    const dir = await campaign({
      'settings.yaml': 'trackedProperties:\n  Product Viewed: [brand]\n',
      'segments.yaml': '- id: a\n  event: Product Viewed\n  category: shoes\n',
    });
    // Act
    const { errors } = await validateCampaign(dir);
    // Assess
    expect(errors.map((error) => error.reason)).toEqual([
      'property "category" of "Product Viewed" is not tracked (tracked: brand); declare it under trackedProperties in settings.yaml',
    ]);
  });

  it('checks the other files against the settings that are valid when one setting is broken', async () => {
    // Prepare
    const dir = await campaign({
      'settings.yaml': 'holdoutPercent: 90\ntrackedProperties:\n  Product Viewed: [category]\n',
      'segments.yaml': '- id: a\n  event: Product Viewed\n  category: shoes\n',
    });
    // Act
    const { errors } = await validateCampaign(dir);
    // Assess
    expect(errors.map(formatLocatedError)).toEqual([
      `${join(dir, 'settings.yaml')}:1:1: holdoutPercent: Too big: expected number to be <=50`,
    ]);
  });

  it('locates a template whose Liquid does not parse', async () => {
    // Prepare
    const dir = await campaign({});
    await mkdir(join(dir, 'templates', 'hi'), { recursive: true });
    await writeFile(join(dir, 'templates', 'hi', 'sms.liquid'), 'Hi {{ profile.name.first ');
    // Act
    const { errors } = await validateCampaign(dir);
    // Assess
    expect(errors.map(formatLocatedError)).toEqual([
      `${join(dir, 'templates', 'hi', 'sms.liquid')}:1:4: Liquid: output "{{ profile.name.first " not closed`,
    ]);
  });
});
