/** Follows the file `sadakat serve --trace` appends to, collecting its lines by messageId. */
import { open, type FileHandle } from 'node:fs/promises';
import type { InvocationWrites } from '../shared/aws/write-meter.js';
import type { TraceLine } from '../shared/local/event-trace.js';

/** Writes of every invocation of one function traced so far: the invocations' figures summed. */
export type WritesTally = Omit<InvocationWrites, 'function'> & { invocations: number };

export class TraceTail {
  readonly lines = new Map<string, TraceLine>();
  /** By function (`process-events`, `send`): the invocations' writes lines. */
  readonly writes = new Map<string, WritesTally>();
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
        const parsed = JSON.parse(line) as TraceLine | InvocationWrites;
        if ('function' in parsed) this.addWrites(parsed);
        else this.lines.set(parsed.messageId, parsed);
      }
    }
  }

  /** A copy of the writes tallies now (a step's figures are the difference of two). */
  writesNow(): Map<string, WritesTally> {
    return new Map([...this.writes].map(([name, tally]) => [name, { ...tally, kinds: { ...tally.kinds } }]));
  }

  close(): Promise<void> {
    return this.file.close();
  }

  private addWrites(line: InvocationWrites): void {
    const tally = this.writes.get(line.function) ?? {
      invocations: 0,
      messages: 0,
      items: 0,
      profileItems: 0,
      kinds: {},
      refused: 0,
      refusedUnits: 0,
      capacityUnits: 0,
      indexWrites: 0,
      indexUnits: 0,
      readRequests: 0,
      readUnits: 0,
      durationMs: 0,
    };
    tally.invocations++;
    tally.messages += line.messages;
    tally.items += line.items;
    tally.profileItems += line.profileItems;
    for (const [kind, items] of Object.entries(line.kinds ?? {})) tally.kinds[kind] = (tally.kinds[kind] ?? 0) + items;
    tally.refused += line.refused ?? 0;
    tally.refusedUnits += line.refusedUnits ?? 0;
    tally.indexWrites += line.indexWrites ?? 0;
    tally.indexUnits += line.indexUnits ?? 0;
    tally.capacityUnits += line.capacityUnits;
    tally.readRequests += line.readRequests ?? 0;
    tally.readUnits += line.readUnits ?? 0;
    tally.durationMs += line.durationMs ?? 0;
    this.writes.set(line.function, tally);
  }
}
