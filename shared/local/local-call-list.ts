/**
 * Call tasks locally: the call list an agent team works from, one JSON line per task in
 * `<dataDir>/call-list.jsonl`, and one line per outcome a dialler reported. A task's id is its
 * client token (the ledger's message id), so creating the same task twice keeps one — as Connect
 * does with a repeated ClientToken — and `Call Completed` names it as `call_id`.
 * `sadakat calls list` / `calls export` read it (cli/commands/calls.ts).
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { callClientToken } from '../channels/call-task.js';
import type { CallTask, CallTaskSender } from '../channels/ports.js';
import type { CallOutcome } from '../events/call-completed.js';

export const CALL_LIST_FILE = 'call-list.jsonl';

export type CallListLine =
  | ({ kind: 'task'; id: string } & CallTask)
  | { kind: 'outcome'; id: string; clientToken: string; outcome: CallOutcome; at: string };

/** A task with its outcome, once one was reported. */
export interface CallListEntry extends CallTask {
  id: string;
  outcome?: CallOutcome;
  completedAt?: string;
}

export function callListPath(dataDir: string): string {
  return join(dataDir, CALL_LIST_FILE);
}

export class LocalCallList implements CallTaskSender {
  private known: Map<string, CallListEntry> | undefined;

  constructor(private readonly file: string) {}

  async createCallTask(task: CallTask): Promise<{ providerMessageId: string }> {
    const entries = await this.load();
    const id = task.tags.messageId;
    if (!entries.has(task.clientToken)) {
      entries.set(task.clientToken, { ...task, id });
      await this.append({ kind: 'task', id, ...task });
    }
    return { providerMessageId: task.clientToken };
  }

  /** A dialler's report (the demo's agents): recorded once per task; false for an unknown or already completed task. */
  async complete(customerId: string, id: string, outcome: CallOutcome, at: string): Promise<boolean> {
    const entry = (await this.load()).get(callClientToken(customerId, id));
    if (!entry || entry.outcome !== undefined) return false;
    entry.outcome = outcome;
    entry.completedAt = at;
    await this.append({ kind: 'outcome', id, clientToken: entry.clientToken, outcome, at });
    return true;
  }

  /** Every task in creation order, with its outcome if reported. */
  async entries(): Promise<CallListEntry[]> {
    return [...(await this.load()).values()].map((entry) => ({ ...entry }));
  }

  private async load(): Promise<Map<string, CallListEntry>> {
    if (this.known) return this.known;
    const known = new Map<string, CallListEntry>();
    for (const line of await readLines(this.file)) {
      if (line.kind === 'task') {
        const { kind: _kind, ...task } = line;
        if (!known.has(task.clientToken)) known.set(task.clientToken, task);
      } else {
        const entry = known.get(line.clientToken);
        if (entry && entry.outcome === undefined) Object.assign(entry, { outcome: line.outcome, completedAt: line.at });
      }
    }
    this.known = known;
    return known;
  }

  private async append(line: CallListLine): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(this.file, `${JSON.stringify(line)}\n`);
  }
}

async function readLines(file: string): Promise<CallListLine[]> {
  try {
    return (await readFile(file, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as CallListLine);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
