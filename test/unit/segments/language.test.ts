import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../../shared/config/load-settings.js';
import { loadSegments } from '../../../shared/segments/load-segments.js';
import { segmentsJsonSchema } from '../../../shared/segments/json-schema.js';
import { listProfilePaths, resolveProfilePath } from '../../../shared/segments/profile-paths.js';
import { compileYaml } from './rule-harness.js';

describe('DESIGN examples', () => {
  it('parse to the rules they describe', async () => {
    // Prepare
    const yaml = [
      '- id: viewed_not_bought',
      '  all:',
      '    - event: Product Viewed',
      '      within: 7d',
      '    - not: { event: Order Completed, within: 7d }',
      '    - consent: email',
      '- id: churn_risk',
      '  all: [{ attr: clv.pAlive, lt: 0.3 }, { attr: orders.count, gte: 2 }]',
      '- id: best',
      '  all: [{ attr: rfm.segment, in: [champions, loyal_customers] }]',
      '',
    ].join('\n');
    // Act
    const { definitions } = compileYaml(yaml);
    // Assess
    expect(definitions.map((d) => d.rule)).toEqual([
      {
        kind: 'all',
        rules: [
          {
            kind: 'event',
            event: 'Product Viewed',
            within: { text: '7d', ms: 604_800_000 },
            count: [{ op: 'gte', value: 1 }],
          },
          {
            kind: 'not',
            rule: {
              kind: 'event',
              event: 'Order Completed',
              within: { text: '7d', ms: 604_800_000 },
              count: [{ op: 'gte', value: 1 }],
            },
          },
          { kind: 'consent', channel: 'email' },
        ],
      },
      {
        kind: 'all',
        rules: [
          { kind: 'attr', path: 'clv.pAlive', test: { op: 'lt', value: 0.3 } },
          { kind: 'attr', path: 'orders.count', test: { op: 'gte', value: 2 } },
        ],
      },
      {
        kind: 'all',
        rules: [{ kind: 'attr', path: 'rfm.segment', test: { op: 'in', value: ['champions', 'loyal_customers'] } }],
      },
    ]);
  });

  it('the example campaign compiles with its own settings', async () => {
    // Prepare
    const settings = await loadSettings('campaign');
    if (!settings.ok) throw new Error('campaign/settings.yaml is invalid');
    // Act
    const result = await loadSegments('campaign', settings.settings);
    // Assess
    expect(result.ok && result.definitions.map((d) => d.id)).toEqual([
      'viewed_not_bought',
      'cart_abandoned',
      'best',
      'churn_risk',
      'new_customers',
      'email_reachable',
      'lapsed_60d',
      'nps_detractors',
      'high_clv',
      'high_value',
      'open_complaint',
    ]);
  });
});

describe('profile paths from the schema', () => {
  it.each([
    ['orders.count', { kind: 'number' }],
    ['orders.lastAt', { kind: 'timestamp' }],
    ['consent.email.granted', { kind: 'boolean' }],
    ['traits.plan', { kind: 'scalar' }],
    ['segments.best.enteredAt', { kind: 'timestamp' }],
    ['recommendations', { kind: 'array', element: { kind: 'string' } }],
  ])('%s has type %j', (path, type) => {
    // Act
    const resolved = resolveProfilePath(path);
    // Assess
    expect(resolved).toMatchObject({ ok: true, path: { type } });
  });

  it('keeps a dotted trait key as one key', () => {
    // Act
    const resolved = resolveProfilePath('traits.survey.nps');
    // Assess
    expect(resolved).toMatchObject({ ok: true, path: { keys: ['traits', 'survey.nps'] } });
  });

  it('keeps an event name with spaces as one key', () => {
    // Act
    const resolved = resolveProfilePath('events.Product Viewed.lastAt');
    // Assess
    expect(resolved).toMatchObject({
      ok: true,
      path: { keys: ['events', 'Product Viewed', 'lastAt'], type: { kind: 'timestamp' } },
    });
  });

  it('lists the schema fields, records as *', () => {
    // Act
    const patterns = listProfilePaths().map((p) => p.pattern);
    // Assess
    expect(patterns).toEqual(
      expect.arrayContaining(['clv.pAlive', 'rfm.segment', 'traits.*', 'events.*.props.*.count', 'cart.updatedAt']),
    );
  });
});

describe('JSON Schema for editors', () => {
  it('describes the YAML shape, with profile paths and event names as suggestions', () => {
    // Act
    const text = JSON.stringify(segmentsJsonSchema());
    // Assess
    expect(text).toContain('"examples":["id","anonymousIds"');
    expect(text).toContain('"Product Viewed"');
    expect(text).toContain('"olderThan"');
  });

  it('offers one definition shape per rule kind', () => {
    // Act
    const schema = segmentsJsonSchema() as { type: string; items: { anyOf: unknown[] } };
    // Assess: all, any, not, attr, event, consent, reachable, segment
    expect(schema.type).toBe('array');
    expect(schema.items.anyOf).toHaveLength(8);
  });
});
