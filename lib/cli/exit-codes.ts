/**
 * The CLI's exit codes: a stable contract for scripts and backup agents (docs/cli.md, "Exit codes").
 */
export const ExitCode = {
  /** The check found the component consistent (or needed none); the command did what was asked. */
  OK: 0,
  /** The add-in reported failure: the consistency check failed, or PreRestore/PostRestore refused. */
  FAILED: 1,
  /** Bad input: unknown flag, missing or malformed value, an invalid request, a bad scenario file. */
  USAGE: 2,
  /** The check did not finish within --timeout (Abort was called). */
  TIMEOUT: 3,
  /** Interrupted by SIGINT (Ctrl+C), SIGTERM, SIGHUP or SIGBREAK: a running check got Abort, the add-in its Release. */
  ABORTED: 4,
  /** The add-in could not be used: not registered, no add-in, activation or a COM call failed. */
  ADDIN_UNAVAILABLE: 5,
  /** The machine cannot run this: not Windows, not elevated, WSB or marshalling missing. */
  ENVIRONMENT: 6,
  /** A bug in wsbapp itself (sysexits EX_SOFTWARE): please report it. */
  INTERNAL: 70,
  /** Writing the output failed other than by a closed pipe, e.g. ENOSPC on a full disk (sysexits EX_IOERR). */
  OUTPUT_ERROR: 74,
  /** stdout was closed by its reader (EPIPE, e.g. `| head -1`): the run stopped quietly, as if killed by SIGPIPE (128 + 13). */
  OUTPUT_CLOSED: 141,
} as const;

/** One of the {@link ExitCode} values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Each exit code in a word or two, for the commands' help. */
const EXIT_CODE_WORDS: Readonly<Record<ExitCodeValue, string>> = {
  [ExitCode.OK]: 'done',
  [ExitCode.FAILED]: 'the add-in reported failure',
  [ExitCode.USAGE]: 'usage',
  [ExitCode.TIMEOUT]: 'timeout',
  [ExitCode.ABORTED]: 'interrupted',
  [ExitCode.ADDIN_UNAVAILABLE]: 'add-in unavailable',
  [ExitCode.ENVIRONMENT]: 'environment',
  [ExitCode.INTERNAL]: 'internal error',
  [ExitCode.OUTPUT_ERROR]: 'output error',
  [ExitCode.OUTPUT_CLOSED]: 'stdout closed',
};

/** `Exit codes: 0 consistent, 1 check failed, 2 usage, ...` in ascending order, wrapped for help text; `words` gives a command its own meanings. */
export function exitCodesHelp(codes: readonly ExitCodeValue[], words: Partial<Record<ExitCodeValue, string>> = {}): string {
  const items = [...codes].sort((a, b) => a - b).map((code) => `${code} ${words[code] ?? EXIT_CODE_WORDS[code]}`);
  const lines: string[] = [];
  let line = 'Exit codes:';
  for (const [i, item] of items.entries()) {
    const piece = `${item}${i < items.length - 1 ? ',' : '.'}`;
    if (`${line} ${piece}`.length > 96) {
      lines.push(line);
      line = piece;
    } else {
      line = `${line} ${piece}`;
    }
  }
  return [...lines, line].join('\n');
}

/** The codes any command that calls an add-in can end with, besides its own verdicts. */
export const COMMON_EXIT_CODES: readonly ExitCodeValue[] = [
  ExitCode.USAGE,
  ExitCode.ABORTED,
  ExitCode.ADDIN_UNAVAILABLE,
  ExitCode.ENVIRONMENT,
  ExitCode.INTERNAL,
  ExitCode.OUTPUT_ERROR,
  ExitCode.OUTPUT_CLOSED,
];
