/** Liquid syntax of campaign templates, located for `sadakat validate`. */
import { describe, expect, it } from 'vitest';
import { loadTemplateSources } from '../../../shared/channels/render.js';
import { checkTemplateSources } from '../../../shared/config/template-syntax.js';

describe('template syntax', () => {
  it('finds the example campaign templates valid', async () => {
    expect(checkTemplateSources('campaign/templates', await loadTemplateSources('campaign/templates'))).toEqual([]);
  });

  it('locates an unclosed tag at its line and column', () => {
    // Act
    const errors = checkTemplateSources('templates', {
      'welcome/html.liquid': '<p>Hi</p>\n<p>{% if profile.name.first %}x{% endfor</p>',
    });
    // Assess
    expect(errors).toEqual([
      { file: 'templates/welcome/html.liquid', line: 2, column: 32, reason: 'Liquid: tag "{% endfor</p>" not closed' },
    ]);
  });

  it('refuses an unknown filter, as sending would', () => {
    const errors = checkTemplateSources('templates', {
      'welcome/subject.liquid': 'Hi {{ profile.name.first | shout }}',
    });
    expect(errors.map((error) => error.reason)).toEqual(['Liquid: undefined filter: shout']);
  });

  it('reports only the broken file of a template', () => {
    const errors = checkTemplateSources('templates', {
      'w/subject.liquid': 'Hi',
      'w/text.liquid': '{{ a ',
      'w/html.liquid': '<p>ok</p>',
    });
    expect(errors.map((error) => error.file)).toEqual(['templates/w/text.liquid']);
  });
});
