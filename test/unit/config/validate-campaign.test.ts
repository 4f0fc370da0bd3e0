import { readdirSync } from 'node:fs';
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
      summaries: [
        'settings.yaml: ok',
        'segments.yaml: 11 segments',
        'journeys/: 7 journeys',
        `templates/: ${exampleTemplates()} templates`,
      ],
      errors: [],
      warnings: [],
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

  it('reports a broken settings.yaml alone, not the tier trigger its unread tiers would knock on', async () => {
    // Prepare: a journey triggered by a tier, and settings whose tiers (or whole YAML) cannot be read
    const journey = 'id: vip\ntrigger: { tier: gold, on: enter }\nsteps:\n  - { id: done, end: true }\n';
    const broken = {
      syntax: 'tiers:\n\t- { id: gold, minOrders12m: 3 }\n',
      schema: 'tiers:\n  - { id: gold, minOrders12m: -3 }\n',
    };
    for (const [kind, settings] of Object.entries(broken)) {
      const dir = await campaign({ 'settings.yaml': settings, 'segments.yaml': '[]\n' });
      await mkdir(join(dir, 'journeys'));
      await writeFile(join(dir, 'journeys', 'vip.yaml'), journey);

      // Act
      const { errors } = await validateCampaign(dir);

      // Assess
      expect(errors.length, kind).toBeGreaterThan(0);
      expect(
        errors.map((error) => error.file),
        kind,
      ).toEqual(errors.map(() => join(dir, 'settings.yaml')));
    }
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

  it('is an error for a folder that does not exist (a mistyped path in CI must fail)', async () => {
    // Act
    const result = await validateCampaign(join(tmpdir(), 'sadakat-no-such-campaign'));
    // Assess
    expect(result.errors.map((error) => error.reason)).toEqual(['no such campaign folder']);
  });

  it('checks template variables against the profile a template sees, with a "did you mean"', async () => {
    // Prepare
    const dir = await campaign({});
    await writeTemplate(dir, 'hi', 'sms.liquid', 'Hi {{ profile.nmae.first }}, {{ profle.id }}');
    // Act
    const { errors } = await validateCampaign(dir);
    // Assess
    expect(errors.map(formatLocatedError)).toEqual([
      `${join(dir, 'templates', 'hi', 'sms.liquid')}:1:7: unknown variable profile.nmae.first: the profile has no field "nmae" (did you mean name?); templates can name: id, name, locale, timezone, traits, recommendations, cart, orders, clv, rfm, tier, nextTier`,
      `${join(dir, 'templates', 'hi', 'sms.liquid')}:1:33: unknown variable "profle": templates name profile.…, vars.…, unsubscribe_url and confirm_url (did you mean profile?)`,
    ]);
  });

  it('warns about a profile field some customers lack, unless a default or an if guards it', async () => {
    // Prepare
    const dir = await campaign({});
    await writeTemplate(
      dir,
      'hi',
      'sms.liquid',
      'Hi {{ profile.name.first }} {{ profile.name.first | default: "there" }} {% if profile.name.last %}{{ profile.name.last }}{% endif %} {{ profile.orders.count }}',
    );
    // Act
    const { errors, warnings } = await validateCampaign(dir);
    // Assess
    expect(errors).toEqual([]);
    expect(warnings.map((warning) => `${warning.line}:${warning.column}`)).toEqual(['1:7']);
    expect(warnings[0]?.reason).toMatch(/profile.name.first is not set for every customer.*missing_variable/);
  });

  it('checks that each send step sets the vars its template prints', async () => {
    // Prepare
    const dir = await campaign({ 'segments.yaml': '- id: all\n  attr: orders.count\n  gte: 0\n' });
    await writeTemplate(
      dir,
      'offer',
      'sms.liquid',
      '{{ vars.percent }}% off with {{ vars.code }} {{ vars.note | default: "" }}',
    );
    await mkdir(join(dir, 'journeys'));
    await writeFile(
      join(dir, 'journeys', 'offer.yaml'),
      'id: offer\ntrigger: { segment: all }\nsteps:\n  - send: { channel: sms, template: offer, vars: { percent: 10 } }\n',
    );
    // Act
    const { errors } = await validateCampaign(dir);
    // Assess
    expect(errors.map(formatLocatedError)).toEqual([
      `${join(dir, 'journeys', 'offer.yaml')}:4:44: template offer prints vars.code without a default, which this step does not set (it sets: percent); the send would be refused as missing_variable`,
    ]);
  });

  it('warns about an event name no one knows, suggesting the near miss', async () => {
    // Prepare
    const dir = await campaign({ 'segments.yaml': '- id: all\n  attr: orders.count\n  gte: 0\n' });
    await writeTemplate(dir, 'hi', 'sms.liquid', 'Hi');
    await mkdir(join(dir, 'journeys'));
    await writeFile(
      join(dir, 'journeys', 'hi.yaml'),
      'id: hi\ntrigger: { event: Wishlist Added }\nexit: [{ event: Order Complete }]\nsteps:\n  - send: { channel: sms, template: hi }\n',
    );
    // Act
    const { errors, warnings } = await validateCampaign(dir);
    // Assess
    expect(errors).toEqual([]);
    expect(warnings.map(formatLocatedError)).toEqual([
      `${join(dir, 'journeys', 'hi.yaml')}:2:12: event "Wishlist Added" is not a Segment e-commerce event nor named in settings.yaml or segments.yaml: fine if your storefront sends it`,
      `${join(dir, 'journeys', 'hi.yaml')}:3:10: unknown event "Order Complete": did you mean "Order Completed"? (a custom event is fine if your storefront sends it)`,
    ]);
  });

  it('knows the server-only events (survey answers, complaints) and suggests them for a near miss', async () => {
    // Prepare
    const dir = await campaign({ 'segments.yaml': '- id: all\n  attr: orders.count\n  gte: 0\n' });
    await writeTemplate(dir, 'hi', 'sms.liquid', 'Hi');
    await mkdir(join(dir, 'journeys'));
    await writeFile(
      join(dir, 'journeys', 'hi.yaml'),
      'id: hi\ntrigger: { event: Complaint Resolved }\nexit: [{ event: Complaint Openned }]\ngoal: { event: Survey Answered, within: 7d }\nsteps:\n  - send: { channel: sms, template: hi }\n',
    );
    // Act
    const { errors, warnings } = await validateCampaign(dir);
    // Assess
    expect(errors).toEqual([]);
    expect(warnings.map(formatLocatedError)).toEqual([
      `${join(dir, 'journeys', 'hi.yaml')}:3:10: unknown event "Complaint Openned": did you mean "Complaint Opened"? (a custom event is fine if your storefront sends it)`,
    ]);
  });

  it('requires {{ unsubscribe_url }} in both bodies of a marketing email, not of a transactional one', async () => {
    // Prepare
    const dir = await campaign({});
    await writeTemplate(dir, 'promo', 'subject.liquid', 'Sale');
    await writeTemplate(dir, 'promo', 'html.liquid', '<p>Sale</p><a href="{{ unsubscribe_url }}">Unsubscribe</a>');
    await writeTemplate(dir, 'promo', 'text.liquid', 'Sale');
    await writeTemplate(dir, 'receipt', 'subject.liquid', '---\ntransactional: true\n---\nYour receipt');
    await writeTemplate(dir, 'receipt', 'html.liquid', '<p>Thanks</p>');
    await writeTemplate(dir, 'receipt', 'text.liquid', 'Thanks');
    // Act
    const { errors } = await validateCampaign(dir);
    // Assess
    expect(errors.map((error) => `${error.file}: ${error.reason.slice(0, 50)}`)).toEqual([
      `${join(dir, 'templates', 'promo', 'text.liquid')}: a marketing email needs an unsubscribe link in its`,
    ]);
  });

  it('gives the example templates a default for the first name and an unsubscribe link', async () => {
    // Act
    const { errors, warnings } = await validateCampaign('campaign');
    // Assess
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
  });
});

async function writeTemplate(dir: string, id: string, file: string, text: string): Promise<void> {
  await mkdir(join(dir, 'templates', id), { recursive: true });
  await writeFile(join(dir, 'templates', id, file), text);
}

/** The example campaign's template folders (other work adds some). */
function exampleTemplates(): number {
  return readdirSync('campaign/templates', { withFileTypes: true }).filter((entry) => entry.isDirectory()).length;
}
