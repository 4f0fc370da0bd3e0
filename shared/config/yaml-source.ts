/**
 * A YAML file parsed with its node ranges kept, so a problem found later (a zod issue path, a
 * semantic check) can be reported as `file:line:column: reason` — the form editors jump to.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';

export type SourcePath = readonly (string | number)[];

/** A problem in a campaign file, located for people (1-based line and column). */
export interface LocatedError {
  file: string;
  line: number;
  column: number;
  reason: string;
}

export function formatLocatedError(error: LocatedError): string {
  return `${error.file}:${error.line}:${error.column}: ${error.reason}`;
}

export class YamlSource {
  private constructor(
    readonly file: string,
    private readonly document: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  static parse(file: string, text: string): YamlSource {
    const lines = new LineCounter();
    const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    return new YamlSource(file, document, lines);
  }

  /** YAML syntax errors (bad indentation, duplicate keys…); when any exist, `toJS` is unreliable. */
  syntaxErrors(): LocatedError[] {
    return this.document.errors.map((error) => {
      const { line, col } = this.lines.linePos(error.pos[0]);
      return { file: this.file, line, column: col, reason: firstLine(error.message) };
    });
  }

  toJS(): unknown {
    return this.document.toJS();
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

/** Where a zod issue is best shown: at the first unknown key itself, else at the value. */
export function zodIssuePath(issue: z.core.$ZodIssue): SourcePath {
  const path = issue.path as SourcePath;
  return issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined ? [...path, issue.keys[0]] : path;
}

/** One line naming the field and what was wrong with it. */
export function describeZodIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
  if (issue.code === 'unrecognized_keys') return `${field}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return `${field}${issue.message}`;
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
