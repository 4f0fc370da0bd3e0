/** YAML that used to crash validation, or to be reported in the yaml library's own words, now gives one located reason. */
import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../../shared/config/load-settings.js';
import { MAX_CAMPAIGN_FILE_CHARACTERS, YamlSource } from '../../../shared/config/yaml-source.js';

const BILLION_LAUGHS = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]']
  .concat(
    ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map(
      (name, index) => `${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[index]}`).join(', ')}]`,
    ),
  )
  .join('\n');

describe('hostile YAML in campaign files', () => {
  it('reports an alias bomb at its first alias instead of throwing', () => {
    // Act
    const source = YamlSource.parse('settings.yaml', BILLION_LAUGHS);
    // Assess
    expect(source.syntaxErrors()).toEqual([
      {
        file: 'settings.yaml',
        line: 2,
        column: 8,
        reason: expect.stringContaining('aliases expand to too many values'),
      },
    ]);
    expect(source.toJS()).toBeNull();
  });

  it('still expands a few aliases', () => {
    const source = YamlSource.parse('s.yaml', 'a: &x [1, 2]\nb: *x\n');
    expect(source.toJS()).toEqual({ a: [1, 2], b: [1, 2] });
  });

  it('refuses a file over the size limit without parsing it', () => {
    // Act
    const source = YamlSource.parse('segments.yaml', `# ${'x'.repeat(MAX_CAMPAIGN_FILE_CHARACTERS)}\n`);
    // Assess
    expect(source.syntaxErrors()).toEqual([
      {
        file: 'segments.yaml',
        line: 1,
        column: 1,
        reason: expect.stringContaining('campaign files are limited to 1,000,000'),
      },
    ]);
  });

  it('locates bytes that are not UTF-8', () => {
    // Prepare: what readFile(…, 'utf8') makes of 0xFF 0xFE
    const text = Buffer.from([0x63, 0x75, 0x72, 0xff, 0xfe, 0x3a, 0x20, 0x31, 0x0a]).toString('utf8');
    // Act
    const errors = YamlSource.parse('settings.yaml', text).syntaxErrors();
    // Assess
    expect(errors).toEqual([
      { file: 'settings.yaml', line: 1, column: 4, reason: 'the file is not valid UTF-8 here; save it as UTF-8' },
    ]);
  });

  it('says a file holds several documents in campaign terms', () => {
    const errors = YamlSource.parse('settings.yaml', 'currency: TRY\n---\ncurrency: USD\n').syntaxErrors();
    expect(errors.map((error) => error.reason)).toEqual([
      'the file holds more than one YAML document; remove the "---" separator',
    ]);
  });

  it('says a value nested past the stack is nested too deeply', () => {
    const errors = YamlSource.parse('settings.yaml', `a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`).syntaxErrors();
    expect(errors.length).toBeGreaterThan(0);
    expect(new Set(errors.map((error) => error.reason))).toEqual(new Set(['the value is nested too deeply']));
  });

  it('refuses a default timezone that is not an IANA zone', () => {
    // Act
    const result = parseSettings('settings.yaml', 'defaultTimezone: Mars/Olympus\n');
    // Assess
    expect(result.ok ? [] : result.errors).toEqual([
      {
        file: 'settings.yaml',
        line: 1,
        column: 1,
        reason: 'defaultTimezone: expected an IANA time zone such as Europe/Istanbul',
      },
    ]);
  });
});
