/**
 * What `sadakat`'s exit status means, for scripts and CI (README "Exit codes"). A command never
 * exits 0 after a failure, and a partial success is not a success.
 */
export const EXIT = {
  /** Everything asked for was done. */
  ok: 0,
  /** Invalid input: a bad option, campaign file, missing folder or file; nothing (more) was done. */
  invalidInput: 1,
  /** Partially applied: some rows or events were rejected or left unprocessed, the rest were applied. */
  partial: 2,
  /** Not enough data for an answer (e.g. `clv fit` on too short a history); nothing is wrong with the input. */
  notEnoughData: 3,
  /** A resource is busy or unavailable: the port is taken, the data folder is held by another process. */
  unavailable: 4,
  /** A bug: an unexpected error, printed with its stack (EX_SOFTWARE). */
  internal: 70,
} as const;
