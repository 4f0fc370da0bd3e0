/**
 * A lock between test workers (separate processes) over something one of them makes for all: a
 * file created exclusively, holding its owner's pid. A waiter takes over the lock of a process
 * that died; no clock is read (CI fakes it).
 */
import { open, readFile, rm } from 'node:fs/promises';

/** Runs `work` holding the lock at `path`, after whoever holds it now. */
export async function withFileLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await holderDied(path)) await rm(path, { force: true });
    else await new Promise((done) => setTimeout(done, 250));
  }
  try {
    return await work();
  } finally {
    await rm(path, { force: true });
  }
}

async function holderDied(path: string): Promise<boolean> {
  try {
    const holder = Number(await readFile(path, 'utf8'));
    // The pid is written just after the file is made: an empty file is a holder starting.
    if (holder > 0) process.kill(holder, 0);
    return false;
  } catch (error) {
    // No such process: the holder died. A lock that vanished meanwhile is free anyway.
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ESRCH' || code === 'ENOENT';
  }
}
