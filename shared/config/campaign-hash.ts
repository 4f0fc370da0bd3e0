/**
 * One sha256 for a campaign folder: every file under it (the folder CDK copies beside the
 * function bundles), by relative path in sorted order, each path and content length-prefixed so
 * no two folders hash alike by moving bytes between files. The pipeline stack outputs it as
 * `CampaignSha256`; `sadakat console --table … --stack …` compares it with the local folder's.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export function campaignHash(dir: string): string {
  const files = (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) {
    const content = readFileSync(join(dir, file));
    hash.update(`${Buffer.byteLength(file)}:${file}:${content.length}:`);
    hash.update(content);
  }
  return hash.digest('hex');
}
