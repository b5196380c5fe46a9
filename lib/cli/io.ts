/**
 * Everything a command touches outside itself, so commands run in-process in tests with fake
 * streams, a fake environment, a fake Ctrl+C and captured reg.exe output.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chooseReads } from '../machine/host';
import type { ProgramResult } from '../machine/programs';
import type { MachineReads } from '../machine/reads';
import { GuardedStream } from './streams';
import { Trail } from './trail';

/** Where text goes: process.stdout / process.stderr, or a buffer in tests. */
export interface OutputStream {
  write(text: string): unknown;
  /** True on a terminal: only then the CLI draws a spinner or colours. */
  readonly isTTY?: boolean;
}

export type { ProgramResult } from '../machine/programs';

/** Why a run is asked to stop: a signal, or stdout failing (its reader went away, the disk is full). */
export type StopCause =
  { readonly kind: 'signal'; readonly signal: NodeJS.Signals } | { readonly kind: 'output'; readonly error: NodeJS.ErrnoException };

export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
  /**
   * Subscribe to what stops a run: SIGINT (Ctrl+C), SIGTERM, SIGHUP, SIGBREAK (Windows), or a
   * failed write to stdout. Returns the unsubscribe function.
   */
  onInterrupt(listener: (cause: StopCause) => void): () => void;
  /** Wait until stdout has taken everything written so far; the first write error, if any. */
  outputFailure(): Promise<NodeJS.ErrnoException | undefined>;
  /** Run a program and collect its output; never rejects. */
  runProgram(file: string, args: readonly string[]): Promise<ProgramResult>;
  fileExists(path: string): boolean;
  /** The registry and the processes (through the addon where it loads, else runProgram's programs). */
  readonly machine: MachineReads;
  /** Where the command is; the drain guard names it. */
  readonly trail: Trail;
}

function runProgram(file: string, args: readonly string[]): Promise<ProgramResult> {
  return new Promise((resolve) => {
    execFile(file, args, { windowsHide: true, encoding: 'utf8', timeout: 30_000 }, (error, stdout) => {
      const code = error ? (error as { code?: unknown }).code : 0;
      resolve({ status: typeof code === 'number' ? code : null, stdout });
    });
  });
}

/**
 * The signals that stop a run as Ctrl+C does. On Windows Node delivers SIGINT for Ctrl+C,
 * SIGBREAK for Ctrl+Break and SIGHUP when the console window closes (Windows then ends the
 * process about 10 s later); SIGTERM can be listened for there but is never raised.
 */
function stopSignals(platform: NodeJS.Platform): NodeJS.Signals[] {
  return platform === 'win32' ? ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] : ['SIGINT', 'SIGTERM', 'SIGHUP'];
}

/** The real process's I/O, with the streams it can flush before exiting. */
export interface ProcessIo extends CliIo {
  readonly stdout: GuardedStream;
  readonly stderr: GuardedStream;
}

/** The real process: its streams (write errors caught), environment, platform and signals. */
export function processIo(): ProcessIo {
  const stdout = new GuardedStream(process.stdout);
  let machine: MachineReads | undefined;
  return {
    stdout,
    stderr: new GuardedStream(process.stderr),
    env: process.env,
    platform: process.platform,
    onInterrupt(listener) {
      const onSignal = (signal: NodeJS.Signals): void => listener({ kind: 'signal', signal });
      const signals = stopSignals(process.platform);
      for (const signal of signals) process.on(signal, onSignal);
      const stopHearingOutput = stdout.onFailure((error) => listener({ kind: 'output', error }));
      return () => {
        for (const signal of signals) process.off(signal, onSignal);
        stopHearingOutput();
      };
    },
    async outputFailure() {
      await stdout.flush();
      return stdout.failed;
    },
    runProgram,
    fileExists: existsSync,
    // Chosen on the first read: loading the addon is no part of start-up.
    trail: new Trail(),
    get machine() {
      return (machine ??= chooseReads({ runProgram, env: process.env }, process.platform));
    },
  };
}
