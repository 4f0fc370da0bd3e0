/** Compiles segment YAML for tests, and evaluates one segment with both evaluators. */
import { defaultSettings, type Settings } from '../../../shared/config/settings.js';
import { formatLocatedError } from '../../../shared/config/yaml-source.js';
import type { Profile } from '../../../shared/profiles/schema.js';
import { compileSegmentsSource } from '../../../shared/segments/load-segments.js';
import { interpretRule } from '../../../shared/segments/interpret.js';
import { NOW } from './profiles.js';

export const SETTINGS: Settings = {
  ...defaultSettings,
  trackedProperties: { 'Product Viewed': ['category'], 'Product Added': ['category'] },
};

export function compileYaml(yaml: string, settings: Settings = SETTINGS) {
  const result = compileSegmentsSource('segments.yaml', yaml, settings);
  if (!result.ok) throw new Error(result.errors.map(formatLocatedError).join('\n'));
  return result;
}

/** Errors as `file:line:col: reason` lines (empty when the YAML compiles). */
export function errorsOf(yaml: string, settings: Settings = SETTINGS): string[] {
  const result = compileSegmentsSource('segments.yaml', yaml, settings);
  return result.ok ? [] : result.errors.map(formatLocatedError);
}

/**
 * Whether the profile matches a one-rule segment (`rule` is the YAML of its mapping, e.g.
 * `{ attr: orders.count, gte: 2 }`). Throws when the compiled rule and the interpreter disagree.
 */
export function matches(rule: string, profile: Profile, nowMs = NOW): boolean {
  const { definitions, compiled } = compileYaml(`- id: s\n  all: [${rule}]\n`);
  const fast = compiled.byId.get('s')?.test(profile, nowMs);
  const reference = interpretRule(
    (definitions[0] as (typeof definitions)[number]).rule,
    profile,
    nowMs,
    new Map(definitions.map((d) => [d.id, d])),
  );
  if (fast !== reference) throw new Error(`compiled (${fast}) and interpreter (${reference}) disagree on ${rule}`);
  return fast;
}
