import { describe, expect, it } from 'vitest';
import { loadTemplates } from '../../../shared/channels/load-templates.js';
import { renderContext, TemplateError, TemplateSet } from '../../../shared/channels/render.js';
import { consentingProfile, sendRequest, TEMPLATES } from './send-harness.js';

const profile = consentingProfile();

describe('TemplateSet.render', () => {
  it('renders the three email parts from the profile and the step’s vars', async () => {
    const set = new TemplateSet(TEMPLATES);
    const result = await set.render(
      'welcome',
      'email',
      renderContext(profile, sendRequest({ vars: { code: 'SEPET10' } }), 'https://x/u/T'),
    );
    expect(result).toEqual({
      ok: true,
      content: {
        channel: 'email',
        subject: 'Hello Ayşe',
        html: '<p>Hi Ayşe, use SEPET10</p><a href="https://x/u/T">unsubscribe</a>',
        text: 'Hi Ayşe, use SEPET10\nUnsubscribe: https://x/u/T',
      },
    });
  });

  it('names the missing variable instead of rendering "Hello ,"', async () => {
    const anonymous = consentingProfile();
    delete anonymous.name.first;
    const result = await new TemplateSet(TEMPLATES).render('welcome', 'sms', renderContext(anonymous, sendRequest()));
    expect(result).toEqual({ ok: false, reason: 'missing_variable', variable: 'profile.name.first' });
  });

  it('lets `default` stand in for an absent var', async () => {
    const result = await new TemplateSet(TEMPLATES).render('welcome', 'sms', renderContext(profile, sendRequest()));
    expect(result).toEqual({ ok: true, content: { channel: 'sms', body: 'Merhaba Ayşe! Kod: YOK' } });
  });

  it('escapes customer data in HTML but not in text', async () => {
    const hostile = consentingProfile();
    hostile.name.first = '<script>x</script>';
    const result = await new TemplateSet(TEMPLATES).render(
      'welcome',
      'email',
      renderContext(hostile, sendRequest(), 'https://x/u/T'),
    );
    expect(result.ok && result.content.channel === 'email' && result.content.html).toContain('&lt;script&gt;');
    expect(result.ok && result.content.channel === 'email' && result.content.text).toContain('<script>');
  });

  it('never reads a file: includes resolve only inside the template map', async () => {
    const set = new TemplateSet({ 'evil/sms.liquid': "{% include '/etc/passwd' %}" });
    await expect(set.render('evil', 'sms', renderContext(profile, sendRequest()))).rejects.toThrow(TemplateError);
  });

  it('includes another template of the map', async () => {
    const set = new TemplateSet({
      'a/sms.liquid': "Hi {% render 'shared/sign.liquid' %}",
      'shared/sign.liquid': 'from the shop',
    });
    expect(await set.render('a', 'sms', renderContext(profile, sendRequest()))).toEqual({
      ok: true,
      content: { channel: 'sms', body: 'Hi from the shop' },
    });
  });

  it('reports a template that does not serve the channel', async () => {
    expect(
      await new TemplateSet(TEMPLATES).render('nope', 'push', renderContext(profile, sendRequest())),
    ).toMatchObject({ ok: false, reason: 'missing_template' });
  });

  it('refuses a template that does not parse, naming it', () => {
    expect(() => new TemplateSet({ 'bad/sms.liquid': 'Hi {{ profile.name.first ' })).toThrow(/bad\/sms.liquid/);
  });

  it('does not expose addresses to templates', async () => {
    const set = new TemplateSet({ 'leak/sms.liquid': '{{ profile.channels.email }}' });
    expect(await set.render('leak', 'sms', renderContext(profile, sendRequest()))).toMatchObject({
      ok: false,
      reason: 'missing_variable',
    });
  });
});

describe('the example campaign’s templates', () => {
  it('all parse and each serves at least one channel', async () => {
    const set = await loadTemplates('campaign/templates');
    const ids = [...new Set(Object.keys(set.sources).map((name) => name.split('/')[0]))];
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(set.channelsOf(id as string), id).not.toEqual([]);
  });
});
