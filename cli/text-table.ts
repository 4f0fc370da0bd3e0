/** Plain aligned text tables for terminal output: text columns left, numbers right. */
export function formatTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  const numeric = header.map((_, column) => rows.length > 0 && rows.every((row) => typeof row[column] === 'number'));
  return `${cells
    .map((row) =>
      row
        .map((cell, column) =>
          numeric[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

/** The width terminal output fits: the terminal's, or 100 columns when stdout is not a terminal. */
export function outputWidth(wide: boolean | undefined): number {
  if (wide) return Number.POSITIVE_INFINITY;
  return process.stdout.isTTY && process.stdout.columns ? process.stdout.columns : 100;
}

/**
 * A table that fits `width` (less `indent`): the columns named in `dropFirst` are left out, in
 * that order, until every line fits. Returns the table and the columns it left out.
 */
export function fitTable(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
  width: number,
  dropFirst: readonly string[],
): { text: string; dropped: string[] } {
  const dropped: string[] = [];
  for (;;) {
    const keep = header.map((name, index) => (dropped.includes(name) ? -1 : index)).filter((index) => index >= 0);
    const text = formatTable(
      keep.map((index) => header[index] ?? ''),
      rows.map((row) => keep.map((index) => row[index] ?? '')),
    );
    const widest = Math.max(...text.split('\n').map((line) => [...line].length));
    const next = dropFirst.find((name) => header.includes(name) && !dropped.includes(name));
    if (widest <= width || next === undefined) return { text, dropped };
    dropped.push(next);
  }
}

/** Wraps a line of prose at spaces to `width`; continuation lines get `continuation` (default: the line's indent + 2). */
export function wrapLine(line: string, width: number, continuation?: string): string {
  if ([...line].length <= width || !Number.isFinite(width)) return line;
  const indent = /^\s*/.exec(line)?.[0] ?? '';
  const out: string[] = [];
  let current = '';
  for (const word of line.trimStart().split(' ')) {
    const candidate = current === '' ? `${indent}${word}` : `${current} ${word}`;
    if ([...candidate].length > width && current !== '') {
      out.push(current);
      current = `${continuation ?? `${indent}  `}${word}`;
    } else current = candidate;
  }
  out.push(current);
  return out.join('\n');
}
