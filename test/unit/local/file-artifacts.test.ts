/** Refresh artifacts in the local data folder. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArtifactNotFoundError, InvalidArtifactError } from '../../../shared/analytics/refresh/ports.js';
import { FileRefreshArtifacts } from '../../../shared/local/file-artifacts.js';

describe('FileRefreshArtifacts', () => {
  let dataDir: string;
  let artifacts: FileRefreshArtifacts;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sadakat-artifacts-'));
    artifacts = new FileRefreshArtifacts(dataDir);
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('reads back what was put, from <dataDir>/refresh/<key>', async () => {
    // Act
    await artifacts.put('run-1/model.json', { r: 0.24, list: [1, 2] });

    // Assess
    expect(await artifacts.get('run-1/model.json')).toEqual({ r: 0.24, list: [1, 2] });
    expect(JSON.parse(await readFile(join(dataDir, 'refresh', 'run-1', 'model.json'), 'utf8'))).toEqual({
      r: 0.24,
      list: [1, 2],
    });
  });

  it('says which key is missing', async () => {
    // Act / Assess
    await expect(artifacts.get('run-1/summary-0.json')).rejects.toThrow(
      new ArtifactNotFoundError('run-1/summary-0.json'),
    );
  });

  it('refuses a file that is not JSON', async () => {
    // Prepare
    await artifacts.put('run-1/model.json', {});
    await writeFile(join(dataDir, 'refresh', 'run-1', 'model.json'), '{ truncated');

    // Act / Assess
    await expect(artifacts.get('run-1/model.json')).rejects.toThrow(InvalidArtifactError);
  });

  it('refuses a key that would leave the refresh folder', async () => {
    // Act / Assess
    await expect(artifacts.put('../runtime.json', {})).rejects.toThrow(/leaves/);
  });
});
