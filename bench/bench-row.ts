/** One benchmark figure beside its peer, measured in the same run (these machines are noisy). */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  peerName?: string;
  peer?: number;
  /** value ÷ peer. */
  ratio?: number;
}

export function formatRows(title: string, rows: readonly BenchRow[]): string {
  const lines = [
    `\n${title}`,
    `  ${'figure'.padEnd(52)} ${'ours'.padStart(12)} ${'peer'.padStart(12)}  ${'ratio'.padStart(8)}  peer`,
  ];
  for (const row of rows) {
    lines.push(
      `  ${row.name.padEnd(52)} ${format(row.value).padStart(12)} ${(row.peer === undefined ? '' : format(row.peer)).padStart(12)}  ${(row.ratio === undefined ? '' : `${row.ratio.toFixed(2)}×`).padStart(8)}  ${row.peerName ?? ''}`,
    );
  }
  return lines.join('\n');
}

function format(value: number): string {
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(value < 10 ? 3 : 1);
}
