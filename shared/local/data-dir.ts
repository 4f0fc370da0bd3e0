/** The local data folder every local command shares (DESIGN "Local embedded default"). */
export const DEFAULT_DATA_DIR = '.sadakat';

export type EngineChoice = 'dynamodb-local' | 'dynalite' | 'auto';
