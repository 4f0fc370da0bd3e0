/**
 * `sadakat calls list` and `sadakat calls export`: the local call list (call tasks the `call`
 * channel created, shared/local/local-call-list.ts) for people and for a dialler. `export` is
 * what an agent team loads: the open tasks only, and only customers who still consent to calls
 * on the number the task names (a revocation or a wrong-number report since the task was made
 * takes the row out), as CSV with formula characters neutralised in the free-text columns
 * (never in the E.164 phone). A task is open until an outcome is known: in the call list (the
 * demo's agents), or in the journey run that made it — any dialler's `Call Completed` through
 * ingest lands there — so a task reported by another dialler is not exported again.
 */
import type { Command } from 'commander';
import { CALL_CSV_COLUMNS, CALL_CSV_FREE_TEXT, callCsvCells } from '../../shared/channels/call-task.js';
import type { JourneyRun } from '../../shared/journeys/run.js';
import type { Profile } from '../../shared/profiles/schema.js';
import { callListPath, LocalCallList, type CallListEntry } from '../../shared/local/local-call-list.js';
import { toCsv } from '../../shared/csv-output.js';
import { openLocalData, requireLocalData, type LocalDataOptions } from '../local-data.js';
import { formatOption, localDataOptions } from '../options.js';
import { formatTable } from '../text-table.js';

/** Priority order in the export: what is most urgent first. */
const PRIORITY_RANK = { high: 0, normal: 1, low: 2 } as const;

interface ListOptions extends LocalDataOptions {
  queue?: string;
  format: 'table' | 'json' | 'csv';
}

interface ExportOptions extends LocalDataOptions {
  queue?: string;
  format: 'csv' | 'json';
}

export function registerCalls(program: Command): void {
  const calls = program.command('calls').description('the local call list: call tasks journeys created for agents');

  const list = calls.command('list');
  localDataOptions(list);
  formatOption(list, 'table', 'json', 'csv');
  list
    .description('list call tasks (open and completed) from the local data folder')
    .option('--queue <queue>', 'only this queue')
    .action(async (options: ListOptions) => {
      requireLocalData(options.dataDir);
      const entries = inQueue(await new LocalCallList(callListPath(options.dataDir)).entries(), options.queue);
      process.stdout.write(formatList(entries, options.format));
    });

  const exporter = calls.command('export');
  localDataOptions(exporter);
  formatOption(exporter, 'csv', 'json');
  exporter
    .description(
      "export the open call tasks as a dialler CSV (or JSON, the same columns): customers who still consent to calls on the task's number",
    )
    .option('--queue <queue>', 'only this queue')
    .action(async (options: ExportOptions) => {
      requireLocalData(options.dataDir);
      const entries = inQueue(await new LocalCallList(callListPath(options.dataDir)).entries(), options.queue);
      const runtime = await openLocalData(options);
      try {
        const profiles = new Map<string, Profile | undefined>();
        const runs = new Map<string, JourneyRun[]>();
        for (const entry of entries)
          if (entry.outcome === undefined && !profiles.has(entry.customerId)) {
            profiles.set(entry.customerId, await runtime.profiles.getProfile(entry.customerId));
            runs.set(entry.customerId, await runtime.adapters.table.journeyRuns.listRuns(entry.customerId));
          }
        const open = entries.filter((entry) => !isDone(entry, runs.get(entry.customerId) ?? []));
        const profileOf = (id: string) => profiles.get(id);
        process.stdout.write(options.format === 'json' ? exportJson(open, profileOf) : exportCsv(open, profileOf));
      } finally {
        await runtime.stop();
      }
    });
}

/** The task has an outcome: in the call list, or in the run of the journey step that made it. */
export function isDone(entry: CallListEntry, runs: readonly JourneyRun[]): boolean {
  if (entry.outcome !== undefined) return true;
  const { journeyId, runId, stepId } = entry.tags;
  const run = runs.find((candidate) => candidate.journeyId === journeyId && candidate.runId === runId);
  return run?.sent[stepId]?.messageId === entry.id && run.engaged[stepId]?.called !== undefined;
}

function inQueue(entries: CallListEntry[], queue: string | undefined): CallListEntry[] {
  return queue === undefined ? entries : entries.filter((entry) => entry.queue === queue);
}

/**
 * The `open` tasks a dialler may call: a task goes out only while its customer consents to calls
 * and the profile still has the task's number, not reported wrong. Most urgent first (priority,
 * then due time).
 */
function callableTasks(
  open: readonly CallListEntry[],
  profileOf: (customerId: string) => Profile | undefined,
): CallListEntry[] {
  return open
    .filter((entry) => mayCall(profileOf(entry.customerId), entry.phone))
    .sort(
      (a, b) =>
        PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
        a.dueAt.localeCompare(b.dueAt) ||
        a.id.localeCompare(b.id),
    );
}

/** The dialler CSV of the callable `open` tasks. */
export function exportCsv(
  open: readonly CallListEntry[],
  profileOf: (customerId: string) => Profile | undefined,
): string {
  return toCsv(CALL_CSV_COLUMNS, callableTasks(open, profileOf).map(callCsvCells), CALL_CSV_FREE_TEXT);
}

/** The same rows as a JSON array of objects keyed by the CSV's column names (no formula escaping: JSON is not opened by a spreadsheet). */
export function exportJson(
  open: readonly CallListEntry[],
  profileOf: (customerId: string) => Profile | undefined,
): string {
  const rows = callableTasks(open, profileOf).map((task) => {
    const cells = callCsvCells(task);
    return Object.fromEntries(CALL_CSV_COLUMNS.map((column, index) => [column, cells[index]]));
  });
  return `${JSON.stringify(rows, null, 2)}\n`;
}

function mayCall(profile: Profile | undefined, phone: string): boolean {
  return (
    profile?.consent.call?.granted === true &&
    profile.channels.phone === phone &&
    profile.channels.phoneWrongAt === undefined
  );
}

function formatList(entries: readonly CallListEntry[], format: ListOptions['format']): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(entries, null, 2)}\n`;
    case 'csv':
      return toCsv(
        [...CALL_CSV_COLUMNS, 'outcome', 'completed_at'],
        entries.map((entry) => [...callCsvCells(entry), entry.outcome ?? '', entry.completedAt ?? '']),
        CALL_CSV_FREE_TEXT,
      );
    case 'table':
      if (entries.length === 0) return 'no call tasks (a journey call step creates them: `sadakat demo` has one)\n';
      return formatTable(
        ['customer', 'phone', 'queue', 'priority', 'reason', 'due', 'status'],
        entries.map((entry) => [
          entry.customerId,
          entry.phone,
          entry.queue,
          entry.priority,
          entry.reason,
          entry.dueAt.slice(0, 16).replace('T', ' '),
          entry.outcome ?? 'open',
        ]),
      );
    default: {
      const unreachable: never = format;
      throw new Error(`unknown format ${String(unreachable)}`);
    }
  }
}
