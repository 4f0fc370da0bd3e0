import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings, parseSettings } from '../../../shared/config/load-settings.js';
import { defaultSettings } from '../../../shared/config/settings.js';
import { formatLocatedError } from '../../../shared/config/yaml-source.js';

describe('loadSettings', () => {
  it('reads the example campaign settings', async () => {
    // Act
    const result = await loadSettings('campaign');
    // Assess
    expect(result.ok && result.settings.trackedProperties['Product Viewed']).toEqual(['category']);
  });

  it('uses the defaults when the campaign has no settings.yaml', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'sadakat-settings-'));
    // Act
    const result = await loadSettings(dir);
    // Assess
    expect(result).toMatchObject({ ok: true, found: false, settings: defaultSettings });
  });

  it('lists every problem with its line and column', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'sadakat-settings-'));
    await writeFile(
      join(dir, 'settings.yaml'),
      'holdoutPercent: 80\nquietHours: { start: "9pm", end: "09:00" }\ncolour: blue\n',
    );
    // Act
    const result = await loadSettings(dir);
    // Assess
    const lines = result.ok ? [] : result.errors.map(formatLocatedError);
    expect(lines).toEqual([
      `${join(dir, 'settings.yaml')}:1:1: holdoutPercent: Too big: expected number to be <=50`,
      `${join(dir, 'settings.yaml')}:2:15: quietHours.start: expected HH:MM (24-hour)`,
      `${join(dir, 'settings.yaml')}:3:1: unknown key "colour"`,
    ]);
  });

  it('treats an empty file as no overrides', () => {
    // Act
    const result = parseSettings('settings.yaml', '');
    // Assess
    expect(result).toMatchObject({ ok: true, settings: defaultSettings });
  });

  it('reads the account-wide send rates and names a rate that is not positive', () => {
    // Act
    const good = parseSettings(
      'settings.yaml',
      'sending: { email: { messagesPerSecond: 14 }, sms: { messagesPerSecond: 0.5 } }\n',
    );
    const bad = parseSettings(
      'settings.yaml',
      'sending:\n  email: { messagesPerSecond: 0 }\n  fax: { messagesPerSecond: 1 }\n',
    );
    // Assess
    expect(good).toMatchObject({
      ok: true,
      settings: { sending: { email: { messagesPerSecond: 14 }, sms: { messagesPerSecond: 0.5 } } },
    });
    const lines = bad.ok ? [] : bad.errors.map(formatLocatedError);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^settings\.yaml:2:\d+: sending\.email\.messagesPerSecond: Too small: expected number to be >0/,
    );
    expect(lines[1]).toMatch(/^settings\.yaml:3:\d+: sending: unknown key "fax"/);
  });
});
