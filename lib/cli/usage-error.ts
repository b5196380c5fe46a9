/**
 * A bad command line. Kept apart from the library's TypeError/RangeError so the CLI can tell
 * "the user typed something wrong" (exit 2) from a bug.
 */
export class UsageError extends Error {
  readonly code = 'ERR_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
