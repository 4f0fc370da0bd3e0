/** The campaign folder's hash (the pipeline stack's CampaignSha256 output, the console's comparison). */
import { cp, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignHash } from '../../../shared/config/campaign-hash.js';

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'sadakat-campaign-hash-'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('campaignHash', () => {
  it('is the same for a copy of the folder, and changes with a byte of any file or a renamed file', async () => {
    // Prepare
    const copy = join(folder, 'copy');
    await cp('campaign', copy, { recursive: true });
    const original = campaignHash('campaign');

    // Act
    const same = campaignHash(copy);
    await writeFile(join(copy, 'settings.yaml'), '\n', { flag: 'a' });
    const edited = campaignHash(copy);
    await rename(join(copy, 'settings.yaml'), join(copy, 'settings.yml'));
    const renamed = campaignHash(copy);

    // Assess
    expect(original).toMatch(/^[0-9a-f]{64}$/);
    expect(same).toBe(original);
    expect(new Set([original, edited, renamed]).size).toBe(3);
  });

  it('does not let bytes moved from one file to the next hash alike', async () => {
    // Prepare
    const a = join(folder, 'a');
    const b = join(folder, 'b');
    await cp('campaign', a, { recursive: true });
    await cp('campaign', b, { recursive: true });
    await writeFile(join(a, 'x.txt'), 'ab');
    await writeFile(join(a, 'y.txt'), 'c');
    await writeFile(join(b, 'x.txt'), 'a');
    await writeFile(join(b, 'y.txt'), 'bc');

    // Assess
    expect(campaignHash(a)).not.toBe(campaignHash(b));
  });
});
