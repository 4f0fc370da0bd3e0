import { CampaignConfigError } from '../shared/config/campaign-settings.js';
import { DataFolderBusyError } from '../shared/local/data-dir.js';
import { EXIT } from './exit-codes.js';

/** Errors the CLI prints as one readable message (no stack): bad input, bad config, missing data. */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.invalidInput,
  ) {
    super(message);
  }
}

/** Prints an error for people and returns the exit code. Unexpected errors keep their stack. */
export function reportCliError(error: unknown): number {
  if (error instanceof DataFolderBusyError) {
    process.stderr.write(`sadakat: ${error.message}\n`);
    return EXIT.unavailable;
  }
  if (error instanceof UserError || error instanceof CampaignConfigError) {
    process.stderr.write(`sadakat: ${error.message}\n`);
    return error instanceof UserError ? error.exitCode : EXIT.invalidInput;
  }
  process.stderr.write(`sadakat: unexpected error\n${error instanceof Error ? error.stack : String(error)}\n`);
  return EXIT.internal;
}
