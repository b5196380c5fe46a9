/**
 * How a failed run ends: which exit code an error means (by its `code`, from one table), the
 * hint that helps fix it, and how it is reported (a line on stderr; with --json also an `error`
 * event on stdout).
 */
import { CheckStoppedError, decode, VssError, WsbError } from '../index';
import { ExitCode, type ExitCodeValue } from './exit-codes';
import type { CliIo } from './io';
import { writeEvent } from './ndjson';
import type { ErrorFields, HresultFields } from './schema';
import { targetLabel } from './status-text';

/** What an error code means on the command line. */
interface CodeRule {
  readonly exitCode: ExitCodeValue;
  /** A next step for the user; `commandLine` is e.g. `wsbapp check`. */
  readonly hint?: (commandLine: string) => string;
}

const usage: CodeRule = { exitCode: ExitCode.USAGE, hint: (commandLine) => `run '${commandLine} --help' for usage` };
const addinUnavailable: CodeRule = { exitCode: ExitCode.ADDIN_UNAVAILABLE };

/**
 * Every error code the CLI knows, and its exit code. An error whose code is not here, or that
 * has none, is a bug in wsbapp: exit 70. Test: every code declared in lib/errors.ts is listed.
 */
export const EXIT_CODE_RULES: Readonly<Record<string, CodeRule>> = {
  // Bad input: the command line (parseArgs, UsageError), or what the library validated from it.
  ERR_USAGE: usage,
  ERR_INVALID_ARG_TYPE: usage,
  ERR_INVALID_ARG_VALUE: usage,
  ERR_OUT_OF_RANGE: usage,
  ERR_WSB_SCENARIO: { exitCode: ExitCode.USAGE, hint: () => 'fix the scenario file (its format: docs/mock.md)' },
  // The add-in said no.
  ERR_WSB_OPERATION_FAILED: { exitCode: ExitCode.FAILED },
  ERR_WSB_CHECK_FAILED: { exitCode: ExitCode.FAILED },
  ERR_WSB_RESTORE_FAILED: { exitCode: ExitCode.FAILED },
  ERR_WSB_TIMEOUT: { exitCode: ExitCode.TIMEOUT },
  ERR_WSB_ABORTED: { exitCode: ExitCode.ABORTED },
  ERR_INTERRUPTED: { exitCode: ExitCode.ABORTED },
  // Access denied is fixed on the machine (elevation, group membership), not in the add-in.
  ERR_WSB_ACCESS_DENIED: {
    exitCode: ExitCode.ENVIRONMENT,
    hint: () => 'run from an elevated prompt, as a member of Administrators or Backup Operators',
  },
  ERR_WSB_UNSUPPORTED_PLATFORM: {
    exitCode: ExitCode.ENVIRONMENT,
    hint: () => 'add --mock to run against the built-in demo add-ins (or --mock=scenario.json)',
  },
  ERR_WSB_NOT_REGISTERED: {
    exitCode: ExitCode.ADDIN_UNAVAILABLE,
    hint: () => "run 'wsbapp list' to see the registered applications and their add-ins",
  },
  ERR_WSB_NO_INTERFACE: {
    exitCode: ExitCode.ADDIN_UNAVAILABLE,
    hint: () => "run 'wsbapp doctor' to see whether the interfaces' marshalling is registered",
  },
  ERR_WSB: addinUnavailable,
  ERR_WSB_ADDIN_CALL_FAILED: addinUnavailable,
  ERR_WSB_ADDIN_DISCONNECTED: addinUnavailable,
  ERR_WSB_ADDIN_PROTOCOL: addinUnavailable,
  // VSS failed: the machine's snapshot infrastructure, not the add-in's verdict (docs/on-demand.md).
  ERR_WSB_VSS: { exitCode: ExitCode.ENVIRONMENT, hint: () => "run 'wsbapp writers' to see the writers' states and last errors" },
  ERR_WSB_VSS_UNAVAILABLE: {
    exitCode: ExitCode.ENVIRONMENT,
    hint: () => 'a check on a snapshot needs VSS: 64-bit Node on Windows Server, or --mock for the demo machine',
  },
  // The component (or the application's writer) named is not what VSS reports: the request is wrong.
  ERR_WSB_VSS_NOT_FOUND: { exitCode: ExitCode.USAGE, hint: () => "run 'wsbapp writers' to see the writers and their components" },
  // A handle used after release(): the CLI's own bug.
  ERR_WSB_RELEASED: { exitCode: ExitCode.INTERNAL },
};

/** Set to print the stack of an internal error. */
export const DEBUG_ENV = 'WSBAPP_DEBUG';

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function ruleFor(error: unknown): CodeRule | undefined {
  const code = codeOf(error);
  return code !== undefined && Object.hasOwn(EXIT_CODE_RULES, code) ? EXIT_CODE_RULES[code] : undefined;
}

/** The exit code for `error`, by its code: INTERNAL (70) for a code not in the table, or none. */
export function exitCodeFor(error: unknown): ExitCodeValue {
  return ruleFor(error)?.exitCode ?? ExitCode.INTERNAL;
}

/** A next step for the user, when there is a useful one. */
export function hintFor(error: unknown, commandLine: string): string | undefined {
  if (exitCodeFor(error) === ExitCode.INTERNAL) return 'this is a bug in wsbapp; please report it with the command line';
  return ruleFor(error)?.hint?.(commandLine);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function targetOf(error: unknown): FailureTarget | undefined {
  return typeof error === 'object' && error !== null ? targets.get(error) : undefined;
}

function hresultFields(hresult: number | undefined): HresultFields | null {
  if (hresult === undefined) return null;
  const d = decode(hresult);
  return { hresult: d.hresult, hex: d.hex, symbol: d.symbol ?? null };
}

/** What a command was run on, for the report of its failure. */
export interface FailureTarget {
  readonly app: string;
  readonly component: string | null;
}

const targets = new WeakMap<object, FailureTarget>();

/** Remember that `error` came from a call on `target`, for its report (the `app` and `component` fields). */
export function noteTarget(error: unknown, target: FailureTarget): void {
  if (typeof error === 'object' && error !== null && !targets.has(error)) targets.set(error, target);
}

/** The `error` event: stable fields, null where they do not apply. */
export function errorEvent(error: unknown, target = targetOf(error)): ErrorFields {
  const wsb = error instanceof WsbError ? error : undefined;
  const stop = error instanceof CheckStoppedError ? error : undefined;
  const exitCode = exitCodeFor(error);
  return {
    code: exitCode === ExitCode.INTERNAL ? 'ERR_INTERNAL' : (codeOf(error) as string),
    message: messageOf(error),
    hresult: wsb?.hresult ?? null,
    hex: wsb?.hex ?? null,
    symbol: wsb?.symbol ?? null,
    call: wsb?.call ?? null,
    app: target?.app ?? null,
    component: target?.component ?? null,
    polls: stop?.polls ?? null,
    lastStatus: hresultFields(stop?.lastStatus),
    elapsedMs: stop?.elapsedMs ?? null,
    abortDelivered: stop?.abortDelivered ?? null,
    abortHresult: hresultFields(stop?.abortHresult),
    phase: error instanceof VssError ? error.phase : null,
    snapshot: wsb?.snapshot ?? null,
    exitCode,
  };
}

/** The stderr line: the message, prefixed with the target when the message does not name it. */
function humanLine(event: ErrorFields, target: FailureTarget | undefined, env: NodeJS.ProcessEnv): string {
  if (event.exitCode === ExitCode.INTERNAL)
    return `internal error, please report it: ${event.message}${env[DEBUG_ENV] ? '' : ` (set ${DEBUG_ENV}=1 for the stack)`}`;
  // Every call failure names what it was a call on; the library's stop errors already do.
  if (target === undefined || event.call === null || event.message.includes(target.app)) return event.message;
  return `${targetLabel(target.app, target.component)}: ${event.message}`;
}

/** Report `error` of `commandLine` (`wsbapp check`) and return the exit code it means. */
export function reportFailure(error: unknown, commandLine: string, json: boolean, io: CliIo): ExitCodeValue {
  const target = targetOf(error);
  const event = errorEvent(error, target);
  if (json) writeEvent(io.stdout, 'error', event);
  const hint = hintFor(error, commandLine);
  io.stderr.write(`${commandLine}: ${humanLine(event, target, io.env)}\n${hint ? `hint: ${hint}\n` : ''}`);
  if (event.exitCode === ExitCode.INTERNAL && io.env[DEBUG_ENV] && error instanceof Error && error.stack)
    io.stderr.write(`${error.stack}\n`);
  return event.exitCode;
}
