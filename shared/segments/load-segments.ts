/**
 * segments.yaml → located errors, or the definitions and their compiled rules (compile.ts). The
 * YAML side of segments: the deployed functions compile from the campaign JSON made at synth
 * (shared/wiring/compiled-campaign.ts) and never load this file or the `yaml` package.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocatedError } from '../config/located-error.js';
import type { Settings } from '../config/settings.js';
import { YamlSource } from '../config/yaml-source.js';
import { withTierSegments } from '../tiers/tier-segments.js';
import type { SegmentDefinition } from './ast.js';
import { checkDefinitions } from './check.js';
import { type CompiledSegments, compileCheckedDefinitions } from './compile.js';
import { parseSegmentDefinitions } from './parse.js';

export type SegmentsResult =
  | { ok: true; definitions: SegmentDefinition[]; compiled: CompiledSegments }
  | { ok: false; errors: LocatedError[] };

/** YAML text → located errors (all of them), or the definitions and their compiled rules. */
export function compileSegmentsSource(file: string, text: string, settings: Settings): SegmentsResult {
  const source = YamlSource.parse(file, text);
  const syntax = source.syntaxErrors();
  if (syntax.length > 0) return { ok: false, errors: syntax };
  const parsed = parseSegmentDefinitions(source.toJS());
  const issues = [...parsed.issues, ...checkDefinitions(parsed.definitions, settings, parsed.itemIndexes)];
  if (issues.length > 0) {
    const errors = issues.map((issue) => source.error(issue.path, issue.reason));
    errors.sort((a, b) => a.line - b.line || a.column - b.column);
    return { ok: false, errors };
  }
  const compiled = compileCheckedDefinitions(parsed.definitions, settings.spreadMinutes, settings.defaultTimezone);
  return {
    ok: true,
    definitions: parsed.definitions,
    compiled: withTierSegments(compiled, { tiers: settings.tiers, timezone: settings.defaultTimezone }),
  };
}

export function segmentsFile(campaignDir: string): string {
  return join(campaignDir, 'segments.yaml');
}

/** Reads `<campaignDir>/segments.yaml`; a campaign without the file has no segments. */
export async function loadSegments(campaignDir: string, settings: Settings): Promise<SegmentsResult> {
  const file = segmentsFile(campaignDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    text = '[]';
  }
  return compileSegmentsSource(file, text, settings);
}
