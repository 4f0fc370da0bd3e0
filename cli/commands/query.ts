/**
 * `sadakat query "<SQL>" [--data-dir DIR] [--format table|json]` (issue 23): SQL over the local
 * archive with DuckDB — tables `events`, `decisions`, `engagement` as Athena has them (README
 * "Your data, out" lists the columns and the saved queries).
 */
import type { Command } from 'commander';
import { ArchiveFileError } from '../../shared/local/archive-files.js';
import { ArchiveQueryError, queryArchive } from '../../shared/local/archive-query.js';
import { DEFAULT_DATA_DIR } from '../../shared/local/data-dir.js';
import { UserError } from '../errors.js';
import { formatOption } from '../options.js';
import { formatTable } from '../text-table.js';

interface QueryCliOptions {
  dataDir: string;
  format: 'table' | 'json';
}

export function registerQuery(program: Command): void {
  const command = program
    .command('query')
    .description('run SQL (DuckDB) over the local archive: tables events, decisions, engagement')
    .argument('<sql>', 'one SQL statement, e.g. "select reason, count(*) from decisions group by all"')
    .option('--data-dir <dir>', 'local data folder', DEFAULT_DATA_DIR);
  formatOption(command, 'table', 'json').action(async (sql: string, options: QueryCliOptions) => {
    try {
      const result = await queryArchive(options.dataDir, sql);
      if (options.format === 'json') {
        process.stdout.write(`${JSON.stringify(result.rows, null, 2)}\n`);
        return;
      }
      const cells = result.rows.map((row) =>
        result.columns.map((column) => {
          const value = row[column];
          return typeof value === 'number' ? value : value === null || value === undefined ? '' : String(value);
        }),
      );
      process.stdout.write(formatTable(result.columns, cells));
      process.stderr.write(`${result.rows.length} row${result.rows.length === 1 ? '' : 's'}\n`);
    } catch (error) {
      if (error instanceof ArchiveQueryError) throw new UserError(`query failed: ${error.message}`);
      if (error instanceof ArchiveFileError) throw new UserError(error.message);
      throw error;
    }
  });
}
