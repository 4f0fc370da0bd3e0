/** Problems found in segment rules: located in YAML when there is a source, else by path. */
import { formatLocatedError, type LocatedError, type SourcePath } from '../config/located-error.js';

/** A problem at a path of the segments document (`[2, 'all', 0, 'attr']`), before it is located. */
export interface PathIssue {
  path: SourcePath;
  reason: string;
}

export function formatPathIssue(issue: PathIssue): string {
  const where = issue.path.map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${segment}`)).join('');
  return `segments${where}: ${issue.reason}`;
}

/** Thrown when rules do not compile; carries every problem, not only the first. */
export class SegmentRulesError extends Error {
  override readonly name = 'SegmentRulesError';
  readonly lines: readonly string[];
  constructor(readonly problems: readonly (LocatedError | PathIssue)[]) {
    const lines = problems.map((problem) =>
      'file' in problem ? formatLocatedError(problem) : formatPathIssue(problem),
    );
    super(`segment rules have ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${lines.join('\n')}`);
    this.lines = lines;
  }
}
