/** README "Your data, out" documents every archive column the writers fill (issue 23). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ARCHIVE_COLUMNS, ARCHIVE_STREAMS } from '../../../shared/archive/columns.js';
import { ARCHIVE_QUERIES } from '../../../shared/archive/queries.js';

function section(): string {
  const readme = readFileSync('README.md', 'utf8');
  return readme.slice(
    readme.indexOf('## Your data, out'),
    readme.indexOf('\n## ', readme.indexOf('## Your data, out') + 5),
  );
}

describe('README "Your data, out"', () => {
  it('has each archive column as a row of its stream table', () => {
    const text = section();
    for (const stream of ARCHIVE_STREAMS) {
      const table = text.slice(text.indexOf(`**${stream}**`));
      for (const column of ARCHIVE_COLUMNS[stream])
        expect(table, `${stream}.${column.name}`).toContain(`| \`${column.name}\` | ${column.type} |`);
    }
  });

  it('prints each saved Athena query exactly as the stack saves it', () => {
    const text = section();
    for (const query of ARCHIVE_QUERIES) expect(text, query.name).toContain(`\`\`\`sql\n${query.sql}\n\`\`\``);
  });
});
