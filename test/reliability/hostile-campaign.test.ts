/**
 * Hostile campaign files (issue 10, "Hostile input": bad YAML configs → located errors, never a
 * stack trace). The example campaign is mutated one file at a time — YAML syntax breakage (tabs,
 * unclosed quotes and brackets, duplicate keys, alias bombs, oversized documents, bytes that are
 * not UTF-8, random garbage), wrong types in any field, unknown keys, references to segments and
 * templates that do not exist, broken Liquid — and validation must answer with
 * `file:line:col: reason` lines for that file only, never a crash.
 *
 * Most cases run the pure validator on in-memory sources (fuzzRuns()); a smaller share writes the
 * mutated folder to disk and runs `sadakat validate` itself (exit code, stderr, no stack trace).
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMap, isSeq, LineCounter, parseDocument, stringify } from 'yaml';
import { registerValidate } from '../../cli/commands/validate.js';
import { readFrontMatter } from '../../shared/channels/template-front-matter.js';
import { parseSettings } from '../../shared/config/load-settings.js';
import { defaultSettings } from '../../shared/config/settings.js';
import { checkTemplateSources } from '../../shared/config/template-syntax.js';
import {
  readCampaignSources,
  templateFilesOf,
  validateCampaignSources,
  type CampaignSources,
} from '../../shared/config/validate-campaign.js';
import { checkJourneySources } from '../../shared/journeys/load.js';
import { compileSegmentsSource } from '../../shared/segments/load-segments.js';
import {
  formatLocatedError,
  MAX_CAMPAIGN_FILE_CHARACTERS,
  YamlSource,
  type LocatedError,
} from '../../shared/config/yaml-source.js';
import { runCli } from '../cli-harness.js';
import { fuzzRuns } from './fuzz-runs.js';

/**
 * A tenth of the ingest suite's count: each case parses YAML (1–3 ms a file; segment checks ~10 ms),
 * so 1,000 cases in CI keep this file near 20 s on 2 cores; bench mode scales it with the same knob.
 */
const RUNS = Math.floor(fuzzRuns() / 10);
/** End-to-end cases through the CLI and the file system: slower, so fewer. */
const CLI_RUNS = Math.max(40, Math.floor(RUNS / 20));

/** One campaign file as the mutations see it: `key` addresses it inside CampaignSources. */
interface Target {
  kind: 'settings' | 'segments' | 'journey' | 'template';
  file: string;
  text: string;
  key: string;
}

/** What a mutation did, and whether validation must find a problem. */
interface Mutation {
  target: Target;
  text: string;
  /** Validation must report at least one problem in the file. */
  mustFail: boolean;
  description: string;
  /** Path of the value a wrong-type mutation replaced: a problem must be located on it or above it. */
  path?: (string | number)[];
  /** A name the reason must mention (unknown key, unknown reference). */
  named?: string;
  /** Invalid bytes to write instead of `text` (end-to-end only). */
  bytes?: Buffer;
}

const BILLION_LAUGHS = ['lol0: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]']
  .concat(
    ['b', 'c', 'd', 'e', 'f', 'g', 'h'].map(
      (name, index) => `lol${index + 1}: &${name} [${Array(9).fill(`*${'abcdefg'[index]}`).join(', ')}]`,
    ),
  )
  .join('\n');

const STACK_TRACE = /(^|\n)\s+at .+[:(]\d+:\d+\)?|TypeError|ReferenceError|RangeError|SyntaxError|(^|\n)\s*Error:/;

function targetsOf(sources: CampaignSources): Target[] {
  const targets: Target[] = [];
  if (sources.settings) targets.push({ kind: 'settings', ...sources.settings, key: 'settings' });
  if (sources.segments) targets.push({ kind: 'segments', ...sources.segments, key: 'segments' });
  sources.journeys.forEach((journey, index) => {
    targets.push({ kind: 'journey', ...journey, key: `journey:${index}` });
  });
  for (const [name, text] of Object.entries(sources.templates))
    targets.push({ kind: 'template', file: join(sources.dir, 'templates', name), text, key: `template:${name}` });
  return targets;
}

function withMutation(sources: CampaignSources, mutation: Mutation): CampaignSources {
  const { key } = mutation.target;
  const text = mutation.text;
  if (key === 'settings') return { ...sources, settings: { file: mutation.target.file, text } };
  if (key === 'segments') return { ...sources, segments: { file: mutation.target.file, text } };
  if (key.startsWith('journey:')) {
    const index = Number(key.slice('journey:'.length));
    return {
      ...sources,
      journeys: sources.journeys.map((journey, i) => (i === index ? { ...journey, text } : journey)),
    };
  }
  return { ...sources, templates: { ...sources.templates, [key.slice('template:'.length)]: text } };
}

const lines = (text: string) => text.split('\n');
const insertLine = (text: string, at: number, line: string) => {
  const all = lines(text);
  all.splice(Math.min(at, all.length), 0, line);
  return all.join('\n');
};

/** Every path to a value in a parsed YAML document (maps and sequences walked). */
function valuePaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const paths: (string | number)[][] = prefix.length > 0 ? [prefix] : [];
  if (Array.isArray(value))
    value.forEach((item, index) => {
      paths.push(...valuePaths(item, [...prefix, index]));
    });
  else if (value !== null && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) paths.push(...valuePaths(item, [...prefix, key]));
  return paths;
}

/** A value of another kind than `current` (a string for a number, a list for a string…). */
function wrongValue(current: unknown, pick: number): unknown {
  const candidates: unknown[] = [
    42,
    -1.5,
    'not-a-valid-value',
    true,
    null,
    ['x', 1],
    { nested: 'x' },
    'x'.repeat(5000),
  ];
  const kind = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
  const others = candidates.filter((candidate) => kind(candidate) !== kind(current));
  return others[pick % others.length];
}

function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>(
    (node, key) =>
      node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[key] : undefined,
    value,
  );
}

function setIn(document: ReturnType<typeof parseDocument>, path: (string | number)[], value: unknown): void {
  document.setIn(path, document.createNode(value));
}

/** The mutations, as fast-check arbitraries over the campaign's files. */
function mutations(targets: readonly Target[]): fc.Arbitrary<Mutation> {
  const yamlTargets = targets.filter((target) => target.kind !== 'template');
  const journeys = targets.filter((target) => target.kind === 'journey');
  const templates = targets.filter((target) => target.kind === 'template');
  const yamlTarget = fc.constantFrom(...yamlTargets);
  const position = fc.nat();

  const syntax = fc
    .tuple(
      yamlTarget,
      fc.constantFrom(
        'tab',
        'quote',
        'bracket',
        'brace',
        'duplicate',
        'aliases',
        'huge',
        'not-utf8',
        'garbage',
        'indent',
      ),
      position,
      fc.string({ unit: 'binary', maxLength: 40 }),
    )
    .map(([target, kind, at, garbage]): Mutation => {
      const all = lines(target.text);
      const line = at % all.length;
      const base = { target, description: `${kind} in ${target.file}` };
      switch (kind) {
        case 'tab': {
          const indented = all
            .map((text, index) => ({ text, index }))
            .filter(({ text }) => /^ +\S/.test(text) && !text.trimStart().startsWith('#'));
          const chosen = indented[at % Math.max(1, indented.length)];
          if (!chosen) return { ...base, text: `\t${target.text}`, mustFail: true };
          all[chosen.index] = chosen.text.replace(/^ +/, '\t');
          return { ...base, text: all.join('\n'), mustFail: true };
        }
        case 'quote':
          return { ...base, text: insertLine(target.text, line, 'broken: "no closing quote'), mustFail: true };
        case 'bracket':
          return { ...base, text: insertLine(target.text, line, 'broken: [a, b'), mustFail: true };
        case 'brace':
          return { ...base, text: insertLine(target.text, line, 'broken: { a: 1'), mustFail: true };
        case 'duplicate': {
          const keyLines = all
            .map((text, index) => ({ text, index }))
            .filter(({ text }) => /^\s*[A-Za-z][\w]*:/.test(text));
          const chosen = keyLines[at % Math.max(1, keyLines.length)];
          if (!chosen) return { ...base, text: `${target.text}\n${target.text}`, mustFail: true };
          all.splice(chosen.index + 1, 0, chosen.text);
          return { ...base, text: all.join('\n'), mustFail: true };
        }
        case 'aliases':
          return { ...base, text: `${target.text}\n${BILLION_LAUGHS}\n`, mustFail: true };
        case 'huge':
          return { ...base, text: `${target.text}\n# ${'x'.repeat(MAX_CAMPAIGN_FILE_CHARACTERS)}\n`, mustFail: true };
        case 'not-utf8': {
          const offset = at % (target.text.length + 1);
          const bytes = Buffer.concat([
            Buffer.from(target.text.slice(0, offset)),
            Buffer.from([0xff, 0xfe, 0x80]),
            Buffer.from(target.text.slice(offset)),
          ]);
          return { ...base, text: bytes.toString('utf8'), bytes, mustFail: true };
        }
        case 'indent':
          return {
            ...base,
            text: insertLine(target.text, line, `${' '.repeat(1 + (at % 7))}oddly: indented`),
            mustFail: false,
          };
        default: {
          const offset = at % (target.text.length + 1);
          return { ...base, text: target.text.slice(0, offset) + garbage + target.text.slice(offset), mustFail: false };
        }
      }
    });

  const wrongType = fc.tuple(yamlTarget, position, position).map(([target, at, pick]): Mutation => {
    const document = parseDocument(target.text);
    const value = document.toJS() as unknown;
    const paths = valuePaths(value);
    const path = paths[at % paths.length] ?? [];
    setIn(document, path, wrongValue(valueAt(value, path), pick));
    return {
      target,
      text: stringify(document),
      mustFail: false,
      path,
      description: `wrong type at ${path.join('.')} in ${target.file}`,
    };
  });

  const unknownKey = fc.tuple(yamlTarget, position).map(([target, at]): Mutation => {
    const document = parseDocument(target.text);
    // Strict mappings: the settings and journey roots, a segment, a journey step.
    const steps = target.kind === 'journey' ? (document.get('steps') as unknown) : undefined;
    const stepCount = isSeq(steps) ? steps.items.length : 0;
    const root = document.contents;
    const path: (string | number)[] =
      target.kind === 'segments' && isSeq(root)
        ? [at % root.items.length]
        : target.kind === 'journey' && stepCount > 0 && at % 2 === 0
          ? ['steps', at % stepCount]
          : [];
    const mapping = path.length === 0 ? root : document.getIn(path, true);
    if (isMap(mapping)) mapping.set('zzUnknownKey', 1);
    return {
      target,
      text: stringify(document),
      mustFail: true,
      named: 'zzUnknownKey',
      description: `unknown key at ${path.join('.') || 'root'} of ${target.file}`,
    };
  });

  const unknownReference = fc.tuple(fc.constantFrom(...journeys), position).map(([target, at]): Mutation => {
    const document = parseDocument(target.text);
    const references = valuePaths(document.toJS()).filter(
      (path) =>
        ['template', 'segment'].includes(String(path[path.length - 1])) && typeof document.getIn(path) === 'string',
    );
    const path = references[at % Math.max(1, references.length)];
    if (!path) return { target, text: target.text, mustFail: false, description: `no reference in ${target.file}` };
    const name = `no-such-${String(path[path.length - 1])}-${at % 97}`;
    document.setIn(path, name);
    return {
      target,
      text: stringify(document),
      mustFail: true,
      named: name,
      description: `unknown ${String(path[path.length - 1])} at ${path.join('.')} in ${target.file}`,
    };
  });

  const brokenLiquid = fc
    .tuple(
      fc.constantFrom(...templates),
      fc.constantFrom(
        '{% if %}',
        '{{ profile.name.first ',
        '{% endfor',
        '{{ profile.name.first | shout }}',
        '{% bogus_tag %}',
        '{% for x in %}{% endfor %}',
      ),
      position,
    )
    .map(([target, broken, at]): Mutation => {
      // An unclosed tag or output placed before other tags would close on theirs: it goes last.
      const unclosed = !broken.endsWith('}');
      const text = unclosed
        ? `${target.text}${broken}`
        : insertLine(target.text, at % (lines(target.text).length + 1), broken);
      return { target, text, mustFail: true, description: `${broken} in ${target.file}` };
    });

  return fc.oneof(
    { arbitrary: syntax, weight: 4 },
    { arbitrary: wrongType, weight: 4 },
    { arbitrary: unknownKey, weight: 1 },
    { arbitrary: unknownReference, weight: 1 },
    { arbitrary: brokenLiquid, weight: 2 },
  );
}

/** The assertions every answer must meet, whatever the mutation. */
function expectLocatedAnswer(mutation: Mutation, errors: readonly LocatedError[]): void {
  const lineCount = lines(mutation.text).length;
  for (const error of errors) {
    // A wrong trackedProperties or tiers leaves the segments and journeys that use them without their declaration.
    const knockOn =
      mutation.target.kind === 'settings' && ['trackedProperties', 'tiers'].includes(String(mutation.path?.[0]));
    if (!knockOn) expect(error.file, mutation.description).toBe(mutation.target.file);
    expect(error.line).toBeGreaterThanOrEqual(1);
    expect(error.column).toBeGreaterThanOrEqual(1);
    if (error.file === mutation.target.file) expect(error.line).toBeLessThanOrEqual(lineCount + 1);
    expect(error.reason.trim().length).toBeGreaterThan(0);
    expect(error.reason).not.toContain('\n');
    expect(formatLocatedError(error)).not.toMatch(STACK_TRACE);
  }
  if (mutation.mustFail) expect(errors.length, mutation.description).toBeGreaterThan(0);
  if (mutation.named !== undefined)
    expect(
      errors.some((error) => error.reason.includes(mutation.named as string)),
      mutation.description,
    ).toBe(true);
  if (mutation.path && errors.some((error) => error.file === mutation.target.file)) {
    // Located on the replaced value or one of its parents: never somewhere unrelated.
    const source = YamlSource.parse(mutation.target.file, mutation.text);
    const top = source.locate(mutation.path.slice(0, 1)).line;
    const last = lastLineOf(mutation.text, mutation.path);
    const own = errors.filter((error) => error.file === mutation.target.file);
    expect(
      own.some(
        (error) =>
          (error.line >= top && error.line <= last) ||
          mutation.path?.some((key) => typeof key === 'string' && error.reason.includes(key)),
      ),
      `${mutation.description}: ${own.map(formatLocatedError).join(' | ')}`,
    ).toBe(true);
  }
}

/** The last line the value at `path` spans (problems inside a replaced list are located on its items). */
function lastLineOf(text: string, path: readonly (string | number)[]): number {
  const counter = new LineCounter();
  const document = parseDocument(text, { lineCounter: counter });
  const node = document.getIn(path, true) as { range?: [number, number, number] } | undefined;
  return node?.range ? counter.linePos(Math.max(0, node.range[1] - 1)).line : lines(text).length;
}

/** The validator of the mutated file's kind, as validateCampaignSources calls it, with the rest of the example campaign as context. */
function validatorFor(sources: CampaignSources): (mutation: Mutation) => LocatedError[] {
  const settings = sources.settings ? parseSettings(sources.settings.file, sources.settings.text) : undefined;
  const resolved = settings?.ok ? settings.settings : defaultSettings;
  const segments = compileSegmentsSource(
    sources.segments?.file ?? 'segments.yaml',
    sources.segments?.text ?? '[]',
    resolved,
  );
  const templateFiles = templateFilesOf(sources.templates);
  const journeyContext = {
    segmentIds: segments.ok ? new Set(segments.definitions.map((definition) => definition.id)) : undefined,
    trackedProperties: resolved.trackedProperties,
    templateFiles: (id: string) => templateFiles.get(id),
  };
  return ({ target, text }) => {
    switch (target.kind) {
      case 'settings': {
        const result = parseSettings(target.file, text);
        return result.ok ? [] : result.errors;
      }
      case 'segments': {
        const result = compileSegmentsSource(target.file, text, resolved);
        return result.ok ? [] : result.errors;
      }
      case 'journey': {
        const result = checkJourneySources([{ file: target.file, text }], journeyContext);
        return result.ok ? [] : result.errors;
      }
      case 'template': {
        // Front matter is YAML, checked as validate checks it (a broken line there is no Liquid).
        const front = readFrontMatter(text);
        return [
          ...(front.ok ? [] : [{ file: target.file, line: 1, column: 1, reason: front.reason }]),
          ...checkTemplateSources(join(sources.dir, 'templates'), {
            ...sources.templates,
            [target.key.slice('template:'.length)]: text,
          }).filter((error) => error.file === target.file),
        ];
      }
      default: {
        const unreachable: never = target.kind;
        throw new Error(`unknown target ${String(unreachable)}`);
      }
    }
  };
}

describe('hostile campaign files', { timeout: 180_000 }, () => {
  let sources: CampaignSources;
  let targets: Target[];
  let dir: string;
  const counted = { cases: 0, failing: 0 };

  beforeAll(async () => {
    sources = await readCampaignSources('campaign');
    targets = targetsOf(sources);
    dir = await mkdtemp(join(tmpdir(), 'sadakat-hostile-campaign-'));
    await cp('campaign', join(dir, 'campaign'), { recursive: true });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    console.info(`hostile campaign figures: ${JSON.stringify(counted)}`);
  });

  it('the example campaign is valid, so every problem found comes from the mutation', () => {
    expect(validateCampaignSources(sources).errors).toEqual([]);
  });

  it('answers every mutated file with problems located in it, never a crash', () => {
    const validate = validatorFor(sources);
    fc.assert(
      fc.property(mutations(targets), (mutation) => {
        // Act
        const errors = validate(mutation);
        // Assess
        counted.cases++;
        if (errors.length > 0) counted.failing++;
        expectLocatedAnswer(mutation, errors);
      }),
      { numRuns: RUNS },
    );
  });

  it('`sadakat validate` prints file:line:col lines and exits 1 on a mutated folder, with no stack trace', async () => {
    const campaignDir = join(dir, 'campaign');
    const moved = (file: string) => join(campaignDir, relative('campaign', file));
    await fc.assert(
      fc.asyncProperty(mutations(targets), async (mutation) => {
        // Prepare
        // The whole campaign validated, as the command does: problems only in the mutated file.
        const validation = validateCampaignSources(withMutation(sources, mutation));
        const found = validation.errors;
        expectLocatedAnswer(mutation, found);
        const expected = found.map((error) => ({ ...error, file: moved(error.file) }));
        const warnings = validation.warnings.map((warning) => ({ ...warning, file: moved(warning.file) }));
        const path = moved(mutation.target.file);
        await writeFile(path, mutation.bytes ?? mutation.text);
        process.exitCode = undefined;
        try {
          // Act
          const run = await runCli([registerValidate], ['validate', '--campaign', campaignDir]);
          const exitCode = process.exitCode;

          // Assess
          counted.cases++;
          expect(run.error).toBeUndefined();
          expect(`${run.stdout}${run.stderr}`).not.toMatch(STACK_TRACE);
          if (expected.length === 0) {
            expect(exitCode ?? 0).toBe(0);
            return;
          }
          counted.failing++;
          expect(exitCode).toBe(1);
          expect(run.stdout).toBe('');
          const printed = run.stderr.trimEnd().split('\n');
          expect(printed.slice(0, -1)).toEqual([
            ...expected.map(formatLocatedError),
            ...warnings.map((warning) => `warning: ${formatLocatedError(warning)}`),
          ]);
          const warned =
            warnings.length > 0 ? ` and ${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : '';
          expect(printed.at(-1)).toBe(
            `${expected.length} problem${expected.length === 1 ? '' : 's'}${warned} in ${campaignDir}`,
          );
        } finally {
          process.exitCode = undefined;
          await writeFile(path, mutation.target.text);
        }
      }),
      { numRuns: CLI_RUNS },
    );
  });
});
