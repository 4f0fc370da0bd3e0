import { VersionConflictError } from '../ports.js';

/**
 * Re-runs a read-modify-write when its conditional write lost a race (DESIGN: "process-events
 * re-reads and retries on a version conflict"). Anything else propagates at once.
 */
export async function withVersionRetry<T>(attempt: () => Promise<T>, maxAttempts = 8): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof VersionConflictError) || tries >= maxAttempts) throw error;
    }
  }
}
