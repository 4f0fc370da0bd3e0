// Preloaded into a bench's child process (`node --import`): when the process exits it writes its
// CPU time (user + system, every thread: the engine's worker too) and wall time since start to
// the file named by SADAKAT_BENCH_CPU_FILE, as JSON.
import { writeFileSync } from 'node:fs';

const file = process.env.SADAKAT_BENCH_CPU_FILE;
if (file) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage();
    writeFileSync(file, JSON.stringify({ cpuSeconds: (user + system) / 1e6, wallSeconds: process.uptime() }));
  });
}
