/**
 * The README and docs/ name every CLI command, every template variable and every Liquid filter
 * (issue 18, finding 14): a command or variable added without documentation fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { Liquid } from 'liquidjs';
import { describe, expect, it } from 'vitest';
import { registerCommands } from '../../cli/commands/index.js';
import { registerSchema } from '../../cli/commands/schema.js';
import { runCli } from '../cli-harness.js';
import { templateProfileSchema } from '../../shared/channels/render.js';
import { listProfilePaths } from '../../shared/segments/profile-paths.js';

const docs = ['README.md', ...readdirSync('docs').map((name) => join('docs', name))]
  .filter((file) => file.endsWith('.md'))
  .map((file) => readFileSync(file, 'utf8'))
  .join('\n');
const campaigns = readFileSync('docs/campaigns.md', 'utf8');

async function commandPaths(): Promise<string[][]> {
  const program = new Command();
  await registerCommands(program);
  const out: string[][] = [];
  const walk = (command: Command, prefix: string[]): void => {
    for (const child of command.commands) {
      const path = [...prefix, child.name()];
      if (child.commands.length > 0) walk(child, path);
      else out.push(path);
    }
  };
  walk(program, []);
  return out;
}

describe('the documentation', () => {
  it('mentions every CLI command (`sadakat <command> … <subcommand>` on one line)', async () => {
    const lines = docs.split('\n');
    const missing = (await commandPaths()).filter(
      ([first, ...rest]) =>
        !lines.some(
          (line) => line.includes(`sadakat ${first}`) && rest.every((word) => new RegExp(`\\b${word}\\b`).test(line)),
        ),
    );
    expect(missing.map((path) => path.join(' '))).toEqual([]);
  });

  it('lists every variable a template may name, and unsubscribe_url and vars', () => {
    const leaves = listProfilePaths(templateProfileSchema)
      .filter((path) => path.type.kind !== 'object')
      .map((path) => `profile.${path.pattern.replace(/\.\*$/, '.<key>')}`);
    const missing = [...leaves, 'vars.<name>', 'unsubscribe_url'].filter(
      (name) => !campaigns.includes(`\`${name}\``) && !campaigns.includes(`${name}\``),
    );
    expect(leaves.length).toBeGreaterThan(8);
    expect(missing).toEqual([]);
  });

  it('lists every Liquid filter templates can use', () => {
    const filters = Object.keys(new Liquid().filters);
    expect(filters.filter((filter) => !campaigns.includes(`\`${filter}\``))).toEqual([]);
  });

  it('carries its own architecture document instead of pointing outside the repository', () => {
    expect(readFileSync('docs/architecture.md', 'utf8')).toMatch(/## Campaign folder \(contract\)/);
    expect(docs).not.toMatch(/\.\.\/shared\/DESIGN\.md/);
  });

  it('answers `sadakat schema settings` and `sadakat schema templates` with JSON Schema', async () => {
    const settings = await runCli([registerSchema], ['schema', 'settings']);
    const templates = await runCli([registerSchema], ['schema', 'templates']);
    expect(JSON.parse(settings.stdout).properties).toHaveProperty('holdoutPercent');
    const context = JSON.parse(templates.stdout).properties;
    expect(Object.keys(context)).toEqual(['profile', 'vars', 'unsubscribe_url', 'confirm_url']);
    expect(context.profile.properties.name.properties).toHaveProperty('first');
  });
});
