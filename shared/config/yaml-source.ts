/**
 * A YAML file parsed with its node ranges kept, so a problem found later (a zod issue path, a
 * semantic check) can be reported as `file:line:column: reason` — the form editors jump to.
 */
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Document,
  type Node,
} from 'yaml';
import type { z } from 'zod';
import { describeZodIssue, type LocatedError, type SourcePath, zodIssuePath } from './located-error.js';

export {
  describeZodIssue,
  formatLocatedError,
  type LocatedError,
  type SourcePath,
  zodIssuePath,
} from './located-error.js';

/** A campaign file is a page of settings, not data: past this it is refused before parsing. */
export const MAX_CAMPAIGN_FILE_CHARACTERS = 1_000_000;
/** Alias expansions allowed per document; a "billion laughs" document needs far more. */
const MAX_ALIAS_COUNT = 100;
/** What a file read as UTF-8 holds where its bytes were not UTF-8. */
const REPLACEMENT_CHARACTER = '\uFFFD';

export class YamlSource {
  private constructor(
    readonly file: string,
    private readonly document: Document.Parsed,
    private readonly lines: LineCounter,
    private readonly value: unknown,
    private readonly problems: readonly LocatedError[],
  ) {}

  static parse(file: string, text: string): YamlSource {
    const lines = new LineCounter();
    // An oversized file is not parsed at all: its one problem is its size.
    const tooBig = text.length > MAX_CAMPAIGN_FILE_CHARACTERS;
    const document = parseDocument(tooBig ? '' : text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    if (tooBig) {
      const reason = `the file has ${text.length.toLocaleString('en-US')} characters; campaign files are limited to ${MAX_CAMPAIGN_FILE_CHARACTERS.toLocaleString('en-US')}`;
      return new YamlSource(file, document, lines, null, [{ file, line: 1, column: 1, reason }]);
    }
    const problems: LocatedError[] = document.errors.map((error) => {
      const { line, col } = lines.linePos(error.pos[0]);
      return { file, line, column: col, reason: syntaxReason(error.message) };
    });
    const invalidByte = text.indexOf(REPLACEMENT_CHARACTER);
    if (invalidByte >= 0) {
      const { line, col } = lines.linePos(invalidByte);
      problems.push({ file, line, column: col, reason: 'the file is not valid UTF-8 here; save it as UTF-8' });
    }
    let value: unknown = null;
    if (problems.length === 0) {
      try {
        value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      } catch (error) {
        // The yaml library refuses alias bombs and nesting past the stack: a located problem, not a crash.
        const { line, col } = lines.linePos(firstAliasOffset(document) ?? 0);
        const reason =
          error instanceof ReferenceError
            ? `aliases expand to too many values (over ${MAX_ALIAS_COUNT}); write the values out instead of repeating *aliases`
            : `the document cannot be read (${error instanceof Error ? error.message : String(error)})`;
        problems.push({ file, line, column: col, reason });
      }
    }
    return new YamlSource(file, document, lines, value, problems);
  }

  /** YAML syntax errors (bad indentation, duplicate keys, alias bombs, bytes that are not UTF-8…); when any exist, `toJS` is unreliable. */
  syntaxErrors(): LocatedError[] {
    return [...this.problems];
  }

  toJS(): unknown {
    return this.value;
  }

  /**
   * Where the value at `path` is written. A path that leads past what exists (a missing key)
   * points at the deepest node that does exist, which is where the fix goes.
   */
  locate(path: SourcePath): { line: number; column: number } {
    let node: unknown = this.document.contents;
    let offset = rangeStart(node) ?? 0;
    for (const segment of path) {
      const next = childOf(node, segment);
      if (next === undefined) break;
      node = next.value;
      offset = rangeStart(next.key ?? next.value) ?? offset;
    }
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  error(path: SourcePath, reason: string): LocatedError {
    return { file: this.file, ...this.locate(path), reason };
  }

  /** zod issues, each located at the path it names (below `basePath` when the parsed value was a part). */
  zodErrors(issues: readonly z.core.$ZodIssue[], basePath: SourcePath = []): LocatedError[] {
    return issues.map((issue) => this.error([...basePath, ...zodIssuePath(issue)], describeZodIssue(issue)));
  }
}

interface Child {
  key: Node | undefined;
  value: unknown;
}

/** For a map entry the key's position is reported (the value may be missing or on another line). */
function childOf(node: unknown, segment: string | number): Child | undefined {
  if (isMap(node)) {
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const key = isScalar(item.key) ? item.key.value : item.key;
      if (String(key) === String(segment)) return { key: item.key as Node, value: item.value };
    }
    return undefined;
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item = node.items[segment];
    return item === undefined ? undefined : { key: undefined, value: item };
  }
  return undefined;
}

function rangeStart(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const range = (node as { range?: [number, number, number] | null }).range;
    return range?.[0];
  }
  return undefined;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

/** The yaml library's message, reworded where it speaks of its own API or internals. */
function syntaxReason(message: string): string {
  const line = firstLine(message);
  if (line.startsWith('Source contains multiple documents'))
    return 'the file holds more than one YAML document; remove the "---" separator';
  if (line.includes('Maximum call stack size exceeded')) return 'the value is nested too deeply';
  return line;
}

function firstAliasOffset(document: Document.Parsed): number | undefined {
  let offset: number | undefined;
  visit(document, {
    Alias(_key, node) {
      if (isAlias(node)) offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}
