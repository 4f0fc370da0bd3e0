import type { Command } from 'commander';
import { registerAssign } from './assign.js';
import { registerCalls } from './calls.js';
import { registerClv } from './clv.js';
import { registerConsole } from './console.js';
import { registerRfm } from './rfm.js';
import { registerRefresh } from './refresh.js';
import { registerDemo } from './demo.js';
import { registerDoctor } from './doctor.js';
import { registerExport } from './export.js';
import { registerReplay } from './replay.js';
import { registerForget } from './forget.js';
import { registerImport } from './import.js';
import { registerProfile } from './profile.js';
import { registerQuery } from './query.js';
import { registerPreview } from './preview.js';
import { registerServe } from './serve.js';
import { registerSchema } from './schema.js';
import { registerSegment } from './segment.js';
import { registerSimulate } from './simulate.js';
import { registerStats } from './stats.js';
import { registerReport } from './report.js';
import { registerValidate } from './validate.js';

/** One line per command module; each module adds its subcommand to the program. */
export function registerCommands(program: Command): void {
  registerDemo(program);
  registerServe(program);
  registerProfile(program);
  registerForget(program);
  registerExport(program);
  registerReplay(program);
  registerQuery(program);
  registerImport(program);
  registerValidate(program);
  registerSchema(program);
  registerSegment(program);
  registerRfm(program);
  registerClv(program);
  registerRefresh(program);
  registerPreview(program);
  registerStats(program);
  registerReport(program);
  registerAssign(program);
  registerSimulate(program);
  registerDoctor(program);
  registerConsole(program);
  registerCalls(program);
}
