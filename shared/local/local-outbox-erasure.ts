/**
 * Erasure of the local data folder's send artefacts (`sadakat forget`): the demo's `.eml` files
 * addressed to the customer and the SNS outbox lines sent to them. Lambda has neither; this is
 * the local counterpart of the ledger's PII going with the table items.
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface LocalOutboxErasure {
  emails: number;
  outboxLines: number;
}

export interface OutboxRecipient {
  customerIds: readonly string[];
  email?: string;
  phone?: string;
}

export async function eraseLocalOutboxes(
  dataDir: string,
  recipient: OutboxRecipient,
  options: { dryRun: boolean },
): Promise<LocalOutboxErasure> {
  return {
    emails: await eraseMail(join(dataDir, 'mail'), recipient.email, options),
    outboxLines: await eraseSnsOutbox(join(dataDir, 'sns-outbox.jsonl'), recipient, options),
  };
}

async function eraseMail(folder: string, email: string | undefined, options: { dryRun: boolean }): Promise<number> {
  if (email === undefined || !existsSync(folder)) return 0;
  const address = email.trim().toLowerCase();
  let erased = 0;
  for (const name of (await readdir(folder)).filter((file) => file.endsWith('.eml'))) {
    const path = join(folder, name);
    const to = /^To: (.*)$/m.exec(await readFile(path, 'utf8'))?.[1] ?? '';
    if (!to.toLowerCase().split(/,\s*/).includes(address)) continue;
    erased++;
    if (!options.dryRun) await rm(path);
  }
  return erased;
}

async function eraseSnsOutbox(file: string, recipient: OutboxRecipient, options: { dryRun: boolean }): Promise<number> {
  if (!existsSync(file)) return 0;
  const lines = (await readFile(file, 'utf8')).split('\n').filter((line) => line.trim() !== '');
  const kept = lines.filter((line) => !belongsTo(line, recipient));
  const erased = lines.length - kept.length;
  if (erased > 0 && !options.dryRun) await writeFile(file, kept.map((line) => `${line}\n`).join(''));
  return erased;
}

function belongsTo(line: string, recipient: OutboxRecipient): boolean {
  try {
    const entry = JSON.parse(line) as { to?: unknown; tags?: { customerId?: unknown } };
    return (
      (typeof entry.tags?.customerId === 'string' && recipient.customerIds.includes(entry.tags.customerId)) ||
      (recipient.phone !== undefined && entry.to === recipient.phone)
    );
  } catch {
    // Not ours to judge: a line that does not parse stays.
    return false;
  }
}
