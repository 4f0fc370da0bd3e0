/** Follows the file `sadakat serve --trace` appends to, collecting its lines by messageId. */
import { open, type FileHandle } from 'node:fs/promises';
import type { TraceLine } from '../shared/local/event-trace.js';

export class TraceTail {
  readonly lines = new Map<string, TraceLine>();
  private offset = 0;
  private partial = '';

  private constructor(private readonly file: FileHandle) {}

  /** The file must exist (serve creates it before it reports ready). */
  static async open(path: string): Promise<TraceTail> {
    return new TraceTail(await open(path, 'r'));
  }

  /** Reads what was appended since the last call. */
  async poll(): Promise<void> {
    const buffer = Buffer.alloc(1 << 20);
    for (;;) {
      const { bytesRead } = await this.file.read(buffer, 0, buffer.length, this.offset);
      if (bytesRead === 0) return;
      this.offset += bytesRead;
      const text = this.partial + buffer.toString('utf8', 0, bytesRead);
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line) continue;
        const parsed = JSON.parse(line) as TraceLine;
        this.lines.set(parsed.messageId, parsed);
      }
    }
  }

  close(): Promise<void> {
    return this.file.close();
  }
}
