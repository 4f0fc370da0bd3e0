/**
 * What did not map from Pinpoint to sadakat: one finding per activity, dimension, template line
 * or endpoint group, each with where it came from and what to do instead. The rest still converts.
 */
export type FindingArea = 'journey' | 'segment' | 'template' | 'endpoint';

export interface MigrationFinding {
  area: FindingArea;
  /** Where: `<journey>/<activity id>`, `<segment name>`, `<template file>:<line>`, or an endpoint id. */
  source: string;
  problem: string;
  suggestion: string;
}

export class MigrationReport {
  readonly findings: MigrationFinding[] = [];

  add(area: FindingArea, source: string, problem: string, suggestion: string): void {
    this.findings.push({ area, source, problem, suggestion });
  }

  /** Markdown for migration-report.md next to the converted campaign. */
  toMarkdown(): string {
    if (this.findings.length === 0) return '# Pinpoint migration report\n\nEverything mapped.\n';
    const lines = [
      '# Pinpoint migration report',
      '',
      `${this.findings.length} item(s) did not map exactly; the rest converted.`,
      '',
    ];
    for (const area of ['journey', 'segment', 'template', 'endpoint'] as const) {
      const items = this.findings.filter((finding) => finding.area === area);
      if (items.length === 0) continue;
      lines.push(`## ${area}s`, '', '| where | problem | suggestion |', '| --- | --- | --- |');
      for (const item of items)
        lines.push(`| ${cell(item.source)} | ${cell(item.problem)} | ${cell(item.suggestion)} |`);
      lines.push('');
    }
    return lines.join('\n');
  }
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
