/**
 * What the function bundles carry (docs/decisions.md, 27). For `import { z } from 'zod'` esbuild
 * keeps every one of zod's locales (~345 KB, ~75 ms of init) because the `z` namespace object is
 * built whole; `import * as z from 'zod'` lets it drop what is unused. No function carries a YAML
 * parser: they read the campaign compiled to JSON at synth (decision 240).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/constructs/function-bundle.js';
import { builtFunctionBundles } from '../built-function-bundles.js';

describe('function bundles', () => {
  it("import zod as a namespace in every source a function bundles, and carry none of zod's locales but English nor a YAML parser", async () => {
    // Prepare
    const { metafiles } = await builtFunctionBundles();
    const sources = new Set<string>();
    const locales = new Set<string>();
    const yaml = new Set<string>();
    for (const [name, meta] of Object.entries(metafiles)) {
      for (const input of Object.keys(meta.inputs)) if (!input.includes('node_modules/')) sources.add(input);
      // A dependency importing `{ z }` (Powertools parser's schemas do) brings every locale back.
      for (const output of Object.values(meta.outputs))
        for (const [input, { bytesInOutput }] of Object.entries(output.inputs))
          if (bytesInOutput > 0 && /node_modules\/zod\/.*\/locales\/(?!en\.js)/.test(input))
            locales.add(`${name}: ${input}`);
      if (Object.keys(meta.inputs).some((input) => input.includes('node_modules/yaml/'))) yaml.add(name);
    }

    // Act
    const named: string[] = [];
    for (const source of sources) {
      if (/^import \{ z \} from 'zod';$/m.test(await readFile(join(REPO_ROOT, source), 'utf8'))) named.push(source);
    }

    // Assess
    expect(Object.keys(metafiles).length).toBeGreaterThan(0);
    expect(named.sort()).toEqual([]);
    expect([...locales].slice(0, 3)).toEqual([]);
    expect([...yaml].sort()).toEqual([]);
  }, 180_000);
});
