import type { Command } from 'commander';

type Register = (program: Command) => void;

/**
 * Each command's module by the command's name, in `--help` order. Loaded on use: a command's
 * start-up pays for its own imports only (`sadakat --version` loaded the demo's whole runtime,
 * ≈ 3 s of CPU, when every module was imported up front).
 */
const COMMAND_MODULES: Record<string, () => Promise<Register>> = {
  demo: async () => (await import('./demo.js')).registerDemo,
  serve: async () => (await import('./serve.js')).registerServe,
  profile: async () => (await import('./profile.js')).registerProfile,
  forget: async () => (await import('./forget.js')).registerForget,
  export: async () => (await import('./export.js')).registerExport,
  replay: async () => (await import('./replay.js')).registerReplay,
  query: async () => (await import('./query.js')).registerQuery,
  import: async () => (await import('./import.js')).registerImport,
  validate: async () => (await import('./validate.js')).registerValidate,
  schema: async () => (await import('./schema.js')).registerSchema,
  segment: async () => (await import('./segment.js')).registerSegment,
  rfm: async () => (await import('./rfm.js')).registerRfm,
  clv: async () => (await import('./clv.js')).registerClv,
  refresh: async () => (await import('./refresh.js')).registerRefresh,
  preview: async () => (await import('./preview.js')).registerPreview,
  stats: async () => (await import('./stats.js')).registerStats,
  report: async () => (await import('./report.js')).registerReport,
  assign: async () => (await import('./assign.js')).registerAssign,
  simulate: async () => (await import('./simulate.js')).registerSimulate,
  doctor: async () => (await import('./doctor.js')).registerDoctor,
  console: async () => (await import('./console.js')).registerConsole,
  calls: async () => (await import('./calls.js')).registerCalls,
  'backfill-indexes': async () => (await import('./backfill.js')).registerBackfill,
};

/**
 * Adds the command named `only` to the program, or every command when `only` names none (no
 * command, `help`, a typo commander should answer with its suggestions).
 */
export async function registerCommands(program: Command, only?: string): Promise<void> {
  const names = only !== undefined && Object.hasOwn(COMMAND_MODULES, only) ? [only] : Object.keys(COMMAND_MODULES);
  const registers = await Promise.all(names.map((name) => COMMAND_MODULES[name]?.()));
  for (const register of registers) register?.(program);
}
