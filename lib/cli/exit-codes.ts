/**
 * The CLI's exit codes: a stable contract for scripts and backup agents (README, "Exit codes").
 */
export const ExitCode = {
  /** The check found the component consistent (or needed none); the command did what was asked. */
  OK: 0,
  /** The add-in reported failure: the consistency check failed, or PreRestore/PostRestore refused. */
  FAILED: 1,
  /** Bad command line: unknown flag, missing or malformed value. */
  USAGE: 2,
  /** The check did not finish within --timeout (Abort was called). */
  TIMEOUT: 3,
  /** Interrupted (Ctrl+C): Abort was called on the add-in. */
  ABORTED: 4,
  /** The add-in could not be used: not registered, no add-in, activation or a COM call failed. */
  ADDIN_UNAVAILABLE: 5,
  /** The machine cannot run this: not Windows, not elevated, WSB or marshalling missing. */
  ENVIRONMENT: 6,
  /** A bug in wsbapp itself (sysexits EX_SOFTWARE): please report it. */
  INTERNAL: 70,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
