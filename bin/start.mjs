#!/usr/bin/env node
// `npm start`: the CLI as compiled by built-cli.mjs (rebuilt when a source changed), or through
// tsx as bin/sadakat.js runs it when it cannot be built.
import { builtCli } from './built-cli.mjs';

const entry = await builtCli();
if (entry) await import(entry);
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
