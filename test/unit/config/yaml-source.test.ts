import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatLocatedError, YamlSource } from '../../../shared/config/yaml-source.js';

const TEXT = [
  '- id: a',
  '  all:',
  '    - { attr: orders.count, gt: 1 }',
  '    - event: Product Viewed',
  '      within: 7d',
  '',
].join('\n');

describe('YamlSource.locate', () => {
  it('points at the key of a mapping entry', () => {
    // Prepare
    const source = YamlSource.parse('s.yaml', TEXT);
    // Act
    const at = source.locate([0, 'all', 1, 'within']);
    // Assess
    expect(at).toEqual({ line: 5, column: 7 });
  });

  it('points at a key inside a flow mapping', () => {
    // Prepare
    const source = YamlSource.parse('s.yaml', TEXT);
    // Act
    const at = source.locate([0, 'all', 0, 'gt']);
    // Assess
    expect(at).toEqual({ line: 3, column: 29 });
  });

  it('points at the deepest existing node when the path goes past what exists', () => {
    // Prepare
    const source = YamlSource.parse('s.yaml', TEXT);
    // Act
    const at = source.locate([0, 'all', 1, 'count', 'gte']);
    // Assess
    expect(at).toEqual({ line: 4, column: 7 });
  });
});

describe('YamlSource errors', () => {
  it('reports YAML syntax errors with their position', () => {
    // Prepare
    const source = YamlSource.parse('bad.yaml', 'a: 1\na: 2\n');
    // Act
    const errors = source.syntaxErrors();
    // Assess
    expect(errors.map(formatLocatedError)).toEqual(['bad.yaml:2:1: Map keys must be unique']);
  });

  it('locates zod issues at the field they name', () => {
    // Prepare
    const source = YamlSource.parse('c.yaml', 'limits:\n  perDay: many\n');
    const result = z.object({ limits: z.object({ perDay: z.number() }) }).safeParse(source.toJS());
    // Act
    const errors = source.zodErrors(result.error?.issues ?? []);
    // Assess
    expect(errors.map(formatLocatedError)).toEqual([
      'c.yaml:2:3: limits.perDay: Invalid input: expected number, received string',
    ]);
  });
});
