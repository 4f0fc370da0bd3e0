import { describe, expect, it } from 'vitest';
import type { SegmentDefinition } from '../../../shared/segments/ast.js';
import { compileSegments } from '../../../shared/segments/evaluate.js';
import { generateTests } from '../../../shared/segments/rule-source.js';
import { eventsAt, HOUR, NOW, profileWith } from './profiles.js';
import { SETTINGS } from './rule-harness.js';

/** Text that would break out of a string literal, a template or a line if spliced into source. */
const HOSTILE = [
  '"]; globalThis.injected = 1; //',
  "'); globalThis.injected = 1; ('",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a hostile rule value that must stay inert text
  '`${globalThis.injected = 1}`',
  '\\',
  '\u2028globalThis.injected = 1',
  '*/ globalThis.injected = 1 /*',
];

describe('generated segment source', () => {
  it('reads hostile trait keys and values as data, never as code', () => {
    // Prepare
    const definitions: SegmentDefinition[] = HOSTILE.map((text, i) => ({
      id: `s${i}`,
      rule: {
        kind: 'all',
        rules: [
          { kind: 'attr', path: `traits.${text}`, test: { op: 'eq', value: text } },
          { kind: 'attr', path: 'traits.plan', test: { op: 'in', value: [text, 'gold'] } },
        ],
      },
    }));
    const profile = profileWith((p) => {
      p.traits = Object.fromEntries([...HOSTILE.map((text) => [text, text]), ['plan', 'gold']]);
    });
    // Act
    const compiled = compileSegments(definitions, SETTINGS);
    const answers = compiled.segments.map((segment) => segment.test(profile, NOW));
    // Assess
    expect(answers).toEqual(HOSTILE.map(() => true));
    expect((globalThis as { injected?: unknown }).injected).toBeUndefined();
  });

  it('reads a hostile event name and property filter as data', () => {
    // Prepare
    const name = HOSTILE[0] as string;
    const value = HOSTILE[2] as string;
    const definitions: SegmentDefinition[] = [
      {
        id: 's',
        rule: {
          kind: 'event',
          event: name,
          within: { text: '2h', ms: 2 * HOUR },
          count: [{ op: 'gte', value: 1 }],
          where: { property: 'category', value },
        },
      },
    ];
    const profile = profileWith((p) => {
      p.events[name] = { ...eventsAt(NOW - HOUR), props: { [`category=${value}`]: eventsAt(NOW - HOUR) } };
    });
    // Act
    const tests = generateTests(definitions);
    // Assess
    expect(tests.get('s')?.(profile, NOW)).toBe(true);
    expect((globalThis as { injected?: unknown }).injected).toBeUndefined();
  });

  it('evaluates the cheaper clause of an all first, with the answer unchanged', () => {
    // Prepare: the event clause would throw on this history; the consent clause settles the answer first
    const definitions: SegmentDefinition[] = [
      {
        id: 's',
        rule: {
          kind: 'all',
          rules: [
            {
              kind: 'event',
              event: 'Product Viewed',
              within: { text: '7d', ms: 7 * 24 * HOUR },
              count: [{ op: 'gte', value: 1 }],
            },
            { kind: 'consent', channel: 'email' },
          ],
        },
      },
    ];
    const profile = profileWith((p) => {
      p.events['Product Viewed'] = { count: 1, daily: {}, hourly: {} } as unknown as (typeof p.events)[string];
    });
    // Act
    const answer = generateTests(definitions).get('s')?.(profile, NOW);
    // Assess
    expect(answer).toBe(false);
  });
});
