import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../shared/config/settings.js';
import { compileSegments } from '../../../shared/segments/evaluate.js';
import { SegmentRulesError } from '../../../shared/segments/errors.js';
import { errorsOf } from './rule-harness.js';

const lines = (...text: string[]): string => `${text.join('\n')}\n`;

describe('located error messages', () => {
  it('names file, line and column of an unknown attribute path', () => {
    // Act
    const errors = errorsOf(lines('- id: a', '  attr: orders.cnt', '  gt: 1'));
    // Assess
    expect(errors).toEqual([
      'segments.yaml:2:3: unknown attribute "orders.cnt": orders has no field "cnt" (fields: count, revenue, firstAt, lastAt, days, firstAmount, repeatRevenue, dayNumbers)',
    ]);
  });

  it('refuses lt on a text attribute, at the operator', () => {
    // Act
    const errors = errorsOf(lines('- id: a', '  all:', '    - { attr: channels.email, lt: 3 }'));
    // Assess
    expect(errors).toEqual(['segments.yaml:3:31: lt needs a number attribute, but channels.email is a string']);
  });

  it('refuses a value outside an enum attribute', () => {
    // Act
    const errors = errorsOf(lines('- id: a', '  attr: rfm.segment', '  in: [champions, champs]'));
    // Assess
    expect(errors).toEqual([
      'segments.yaml:3:19: in "champs": rfm.segment is one of hibernating, at_risk, cant_lose, about_to_sleep, need_attention, loyal_customers, promising, new_customers, potential_loyalists, champions',
    ]);
  });

  it('refuses olderThan on a number attribute', () => {
    // Act
    const errors = errorsOf(lines('- id: a', '  attr: orders.count', '  olderThan: 7d'));
    // Assess
    expect(errors).toEqual(['segments.yaml:3:3: olderThan needs a timestamp attribute, but orders.count is a number']);
  });

  it('names an unknown segment reference and the defined ones', () => {
    // Act
    const errors = errorsOf(lines('- id: a', '  segment: b'));
    // Assess
    expect(errors).toEqual(['segments.yaml:2:3: unknown segment "b" (defined: a)']);
  });

  it('reports a reference cycle once, naming the loop', () => {
    // Act
    const errors = errorsOf(
      lines(
        '- id: a',
        '  any: [{ segment: b }]',
        '- id: b',
        '  all: [{ segment: c }]',
        '- id: c',
        '  not: { segment: a }',
      ),
    );
    // Assess
    expect(errors).toEqual(['segments.yaml:6:10: segment references form a cycle: a → b → c → a']);
  });

  it('refuses a property filter that settings do not track', () => {
    // Act
    const errors = errorsOf(lines('- id: a', '  event: Product Viewed', '  color: red'));
    // Assess
    expect(errors).toEqual([
      'segments.yaml:3:3: property "color" of "Product Viewed" is not tracked (tracked: category); declare it under trackedProperties in settings.yaml',
    ]);
  });

  it('refuses a bad duration', () => {
    // Act
    const errors = errorsOf(lines('- id: a', '  event: Product Viewed', '  within: 7 days'));
    // Assess
    expect(errors).toEqual(['segments.yaml:3:3: within: expected a duration such as "30m", "2h", "7d" or "1w"']);
  });

  it('refuses a window longer than the daily history kept', () => {
    // Act
    const errors = errorsOf(lines('- id: a', '  event: Product Viewed', '  within: 13w'));
    // Assess
    expect(errors).toEqual(['segments.yaml:3:3: within 13w is longer than the 90d of daily history a profile keeps']);
  });

  it('reports every problem of the file, in file order', () => {
    // Act
    const errors = errorsOf(
      lines(
        '- id: a',
        '  all:',
        '    - { attr: orders.nope, gt: 1 }',
        '    - { event: Order Completed, within: 3x }',
        '- id: a',
        '  segment: zzz',
        '- all: []',
      ),
    );
    // Assess
    expect(errors.map((error) => error.split(': ')[0])).toEqual([
      'segments.yaml:3:9',
      'segments.yaml:4:33',
      'segments.yaml:5:3',
      'segments.yaml:6:3',
      'segments.yaml:7:3',
      'segments.yaml:7:3',
    ]);
  });

  it('explains a mapping with two rules', () => {
    // Act
    const errors = errorsOf(lines('- id: a', '  attr: orders.count', '  gt: 1', '  all: [{ consent: email }]'));
    // Assess
    expect(errors).toEqual([
      'segments.yaml:2:3: one rule per mapping, found all and attr; combine them with all: [...] or any: [...]',
    ]);
  });

  it('explains an attribute test with two operators', () => {
    // Act
    const errors = errorsOf(lines('- id: a', '  attr: orders.count', '  gt: 1', '  lt: 5'));
    // Assess
    expect(errors).toEqual([
      'segments.yaml:1:3: attr takes exactly one operator, found lt and gt (use between for a range)',
    ]);
  });

  it('points at an unknown key of a predicate', () => {
    // Act
    const errors = errorsOf(lines('- id: a', '  all:', '    - { attr: orders.count, gte: 1, foo: 2 }'));
    // Assess
    expect(errors).toEqual(['segments.yaml:3:37: unknown key "foo"']);
  });

  it('reports YAML syntax errors before anything else', () => {
    // Act
    const errors = errorsOf('- id: a\n  attr: [orders.count\n');
    // Assess
    expect(errors[0]).toMatch(/^segments\.yaml:\d+:\d+: /);
  });
});

describe('compileSegments (definitions built in code)', () => {
  it('throws one error listing every problem by path', () => {
    // Act
    const attempt = () =>
      compileSegments(
        [
          { id: 'a', rule: { kind: 'attr', path: 'orders.nope', test: { op: 'gt', value: 1 } } },
          { id: 'b', rule: { kind: 'segment', id: 'zzz' } },
        ],
        defaultSettings,
      );
    // Assess
    expect(attempt).toThrow(SegmentRulesError);
    expect(attempt).toThrow(
      /segments\[0\]\.attr: unknown attribute "orders\.nope"[\s\S]*segments\[1\]\.segment: unknown segment "zzz"/,
    );
  });
});
