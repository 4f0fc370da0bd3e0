/**
 * The campaign folder as the console sees it: `sadakat validate`'s findings, and the last campaign
 * that loaded without errors (settings, segments, journeys, templates). The folder is watched and
 * checked again when a file changes, so /problems follows the editor; a broken campaign never
 * stops the console, it is reported on every page.
 */
import { type FSWatcher, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTemplates } from '../shared/channels/load-templates.js';
import type { TemplateSet } from '../shared/channels/render.js';
import { loadCampaign } from '../shared/config/campaign.js';
import { defaultSettings, type Settings } from '../shared/config/settings.js';
import { validateCampaign, type CampaignValidation } from '../shared/config/validate-campaign.js';
import type { LocatedError } from '../shared/config/located-error.js';
import type { Journey } from '../shared/journeys/ast.js';
import { requireJourneys } from '../shared/journeys/campaign-journeys.js';
import type { CompiledSegments } from '../shared/segments/evaluate.js';

export interface LoadedCampaign {
  settings: Settings;
  segments: CompiledSegments;
  journeys: Journey[];
  templates: TemplateSet;
  /** segments.yaml as written, for the segment pages. */
  segmentsText: string;
}

export interface CampaignSnapshot {
  dir: string;
  checkedAt: string;
  errors: LocatedError[];
  warnings: LocatedError[];
  /** The campaign as of the last check without errors (undefined if none loaded yet). */
  loaded: LoadedCampaign | undefined;
  /** The loaded campaign is older than the files (they have errors now). */
  stale: boolean;
}

const RECHECK_DELAY_MS = 150;

export class CampaignState {
  private current: CampaignSnapshot;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<() => void>();

  private constructor(
    readonly dir: string,
    private readonly now: () => Date,
  ) {
    this.current = { dir, checkedAt: now().toISOString(), errors: [], warnings: [], loaded: undefined, stale: false };
  }

  static async open(dir: string, now: () => Date): Promise<CampaignState> {
    const state = new CampaignState(dir, now);
    await state.check();
    state.watch();
    return state;
  }

  get snapshot(): CampaignSnapshot {
    return this.current;
  }

  get settings(): Settings {
    return this.current.loaded?.settings ?? defaultSettings;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Checks the folder again now (also what a file change does, after a short debounce). */
  check(): Promise<void> {
    this.checking = this.checking.then(() => this.checkNow());
    return this.checking;
  }

  close(): void {
    this.watcher?.close();
    if (this.timer) clearTimeout(this.timer);
  }

  private watch(): void {
    try {
      this.watcher = watch(this.dir, { recursive: true }, () => {
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.check(), RECHECK_DELAY_MS);
      });
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      // A missing folder is already an error on /problems; there is nothing to watch.
    }
  }

  private async checkNow(): Promise<void> {
    const validation: CampaignValidation = await validateCampaign(this.dir);
    let loaded = this.current.loaded;
    let errors = validation.errors;
    if (errors.length === 0) {
      try {
        const campaign = await loadCampaign(this.dir);
        loaded = {
          settings: campaign.settings,
          segments: campaign.segments,
          journeys: await requireJourneys(this.dir, campaign.settings, campaign.segments),
          templates: await loadTemplates(join(this.dir, 'templates')),
          segmentsText: await readFile(join(this.dir, 'segments.yaml'), 'utf8').catch(() => ''),
        };
      } catch (error) {
        errors = [
          { file: this.dir, line: 1, column: 1, reason: error instanceof Error ? error.message : String(error) },
        ];
      }
    }
    this.current = {
      dir: this.dir,
      checkedAt: this.now().toISOString(),
      errors,
      warnings: validation.warnings,
      loaded,
      stale: errors.length > 0 && loaded !== undefined,
    };
    for (const listener of this.listeners) listener();
  }
}
