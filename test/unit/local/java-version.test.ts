import { describe, expect, it } from 'vitest';
import { parseJavaVersion } from '../../../shared/local/dynamo-engine.js';

describe('parseJavaVersion', () => {
  it('reads the major version of a modern JDK', () => {
    expect(parseJavaVersion('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment')).toBe(17);
  });

  it('reads the major version of a two-digit release without minor parts', () => {
    expect(parseJavaVersion('openjdk version "21" 2023-09-19')).toBe(21);
  });

  it('reads Java 8 from its 1.x version string', () => {
    expect(parseJavaVersion('java version "1.8.0_392"')).toBe(8);
  });

  it('answers undefined for output that names no version', () => {
    expect(parseJavaVersion('bash: java: command not found')).toBeUndefined();
  });
});
