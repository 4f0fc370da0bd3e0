import { describe, expect, it } from 'vitest';
import type { PushNotificationTemplateResponse } from '@aws-sdk/client-pinpoint';
import { renderContext, TemplateSet } from '../../../shared/channels/render.js';
import { emptyProfile } from '../../../shared/profiles/schema.js';
import { MigrationReport } from '../../../shared/migration/pinpoint/migration-report.js';
import { convertTemplate, handlebarsToLiquid } from '../../../shared/migration/pinpoint/template-to-liquid.js';
import { cartEmailTemplate } from '../../fixtures/pinpoint/abandoned-cart.js';

describe('Handlebars → Liquid', () => {
  it('maps user and endpoint attributes to profile paths', () => {
    const out = handlebarsToLiquid(
      '{{User.UserAttributes.FirstName}} {{Attributes.Plan}} {{User.UserAttributes.Tier}}',
      'x',
      {},
      new MigrationReport(),
    );
    expect(out).toBe('{{ profile.name.first }} {{ profile.traits.Plan }} {{ profile.traits.Tier }}');
  });

  it('turns a DefaultSubstitutions entry into a default filter', () => {
    const out = handlebarsToLiquid(
      'Hi {{User.UserAttributes.FirstName}}',
      'x',
      { 'User.UserAttributes.FirstName': 'there' },
      new MigrationReport(),
    );
    expect(out).toBe('Hi {{ profile.name.first | default: "there" }}');
  });

  it('converts if/else and unless blocks', () => {
    const out = handlebarsToLiquid(
      '{{#if Attributes.Vip}}a{{else}}b{{/if}}{{#unless Attributes.Vip}}c{{/unless}}',
      'x',
      {},
      new MigrationReport(),
    );
    expect(out).toBe(
      '{% if profile.traits.Vip %}a{% else %}b{% endif %}{% unless profile.traits.Vip %}c{% endunless %}',
    );
  });

  it('reports an unknown helper with file and line and leaves it out of the output', () => {
    const report = new MigrationReport();
    const out = handlebarsToLiquid(
      'line one\n{{#each Attributes.Items}}x{{/each}}',
      'templates/t/html.liquid',
      {},
      report,
    );
    expect(report.findings.map((finding) => finding.source)).toEqual([
      'templates/t/html.liquid:2',
      'templates/t/html.liquid:2',
    ]);
    expect(out).not.toContain('each');
  });

  it('produces email files that sadakat renders for a profile', async () => {
    const converted = convertTemplate({ kind: 'email', template: cartEmailTemplate }, 'cart', new MigrationReport());
    const set = new TemplateSet(
      Object.fromEntries(Object.entries(converted.files).map(([name, text]) => [`cart/${name}`, text])),
    );
    const profile = { ...emptyProfile('c-1', '2026-01-01T00:00:00Z'), traits: { CartValue: 120 } };
    const result = await set.render('cart', 'email', renderContext(profile, { vars: {} }, 'https://u.example/x'));
    expect(result).toMatchObject({ ok: true, content: { subject: 'there, your cart is waiting' } });
    expect(result.ok && result.content.channel === 'email' ? result.content.html : '').toContain('Your cart: 120 TL');
    expect(result.ok && result.content.channel === 'email' ? result.content.text : '').toContain(
      'Unsubscribe: https://u.example/x',
    );
  });

  it('takes the Default title and body of a push template', () => {
    const push = {
      TemplateName: 'P',
      TemplateType: 'PUSH',
      CreationDate: 'x',
      LastModifiedDate: 'x',
      Default: { Title: 'Hi {{User.UserAttributes.FirstName}}', Body: 'Back in stock' },
    } satisfies PushNotificationTemplateResponse;
    const converted = convertTemplate({ kind: 'push', template: push }, 'p', new MigrationReport());
    expect(converted.files).toEqual({
      'push.title.liquid': 'Hi {{ profile.name.first }}',
      'push.body.liquid': 'Back in stock',
    });
  });
});
