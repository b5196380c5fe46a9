/**
 * How a failed run ends: which exit code an error means, the hint that helps fix it, and how
 * it is reported (a line on stderr; with --json also an `error` event on stdout).
 */
import {
  AbortedError,
  AccessDeniedError,
  AddinCallError,
  InterfaceNotAvailableError,
  NotRegisteredError,
  OperationFailedError,
  ScenarioError,
  TimeoutError,
  UnsupportedPlatformError,
  WsbError,
} from '../index';
import { ExitCode, type ExitCodeValue } from './exit-codes';
import type { CliIo } from './io';
import { writeEvent } from './ndjson';
import { UsageError } from './usage-error';

/** The exit code for `error`. Order matters: subclasses before their base classes. */
export function exitCodeFor(error: unknown): ExitCodeValue {
  if (error instanceof UsageError || error instanceof ScenarioError) return ExitCode.USAGE;
  // The library validates its input before any backend call with TypeError/RangeError that name
  // the field, and here that input came from the command line.
  if (error instanceof TypeError || error instanceof RangeError) return ExitCode.USAGE;
  if (error instanceof OperationFailedError) return ExitCode.FAILED;
  if (error instanceof TimeoutError) return ExitCode.TIMEOUT;
  if (error instanceof AbortedError) return ExitCode.ABORTED;
  // Access denied is fixed on the machine (elevation, group membership), not in the add-in.
  if (error instanceof AccessDeniedError || error instanceof UnsupportedPlatformError) return ExitCode.ENVIRONMENT;
  if (error instanceof NotRegisteredError || error instanceof AddinCallError) return ExitCode.ADDIN_UNAVAILABLE;
  return ExitCode.INTERNAL;
}

/** A next step for the user, when there is a useful one. */
export function hintFor(error: unknown, commandLine: string): string | undefined {
  if (error instanceof UsageError || error instanceof TypeError || error instanceof RangeError) return `run '${commandLine} --help' for usage`;
  if (error instanceof UnsupportedPlatformError) return 'add --mock to run against the built-in demo add-ins (or --mock=scenario.json)';
  if (error instanceof AccessDeniedError) return 'run from an elevated prompt, as a member of Administrators or Backup Operators';
  if (error instanceof InterfaceNotAvailableError) return "run 'wsbapp doctor' to see whether the interfaces' marshalling is registered";
  if (error instanceof NotRegisteredError) return "run 'wsbapp list' to see the registered applications and their add-ins";
  if (exitCodeFor(error) === ExitCode.INTERNAL) return 'this is a bug in wsbapp; please report it with the command line';
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The `error` event: stable fields, null where they do not apply. */
export function errorEvent(error: unknown) {
  const wsb = error instanceof WsbError ? error : undefined;
  const code = (error as { code?: unknown } | null)?.code;
  return {
    code: typeof code === 'string' ? code : 'ERR_INTERNAL',
    message: messageOf(error),
    hresult: wsb?.hresult ?? null,
    hex: wsb?.hex ?? null,
    symbol: wsb?.symbol ?? null,
    call: wsb?.call ?? null,
    exitCode: exitCodeFor(error),
  };
}

/** Report `error` of `commandLine` (`wsbapp check`) and return the exit code it means. */
export function reportFailure(error: unknown, commandLine: string, json: boolean, io: CliIo): ExitCodeValue {
  const event = errorEvent(error);
  if (json) writeEvent(io.stdout, 'error', event);
  const hint = hintFor(error, commandLine);
  io.stderr.write(`${commandLine}: ${event.message}\n${hint ? `hint: ${hint}\n` : ''}`);
  if (event.exitCode === ExitCode.INTERNAL && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return event.exitCode;
}
