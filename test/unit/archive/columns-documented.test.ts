/** README "Your data, out" documents every archive column the writers fill (issue 23). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ARCHIVE_COLUMNS, ARCHIVE_STREAMS } from '../../../shared/archive/columns.js';

describe('the archive columns', () => {
  it('are each a row of their stream table in README "Your data, out"', () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(
      readme.indexOf('## Your data, out'),
      readme.indexOf('\n## ', readme.indexOf('## Your data, out') + 5),
    );
    for (const stream of ARCHIVE_STREAMS) {
      const table = section.slice(section.indexOf(`**${stream}**`));
      for (const column of ARCHIVE_COLUMNS[stream])
        expect(table, `${stream}.${column.name}`).toContain(`| \`${column.name}\` | ${column.type} |`);
    }
  });
});
