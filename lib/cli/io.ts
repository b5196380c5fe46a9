/**
 * Everything a command touches outside itself, so commands run in-process in tests with fake
 * streams, a fake environment, a fake Ctrl+C and captured reg.exe output.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where text goes: process.stdout / process.stderr, or a buffer in tests. */
export interface OutputStream {
  write(text: string): unknown;
  /** True on a terminal: only then the CLI draws a spinner or colours. */
  readonly isTTY?: boolean;
}

/** How a program the CLI ran (reg.exe, whoami.exe) ended. */
export interface ProgramResult {
  /** The exit code; null when the program could not be started or was killed. */
  readonly status: number | null;
  readonly stdout: string;
}

export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
  /** Subscribe to Ctrl+C (SIGINT). Returns the unsubscribe function. */
  onInterrupt(listener: () => void): () => void;
  /** Run a program and collect its output; never rejects. */
  runProgram(file: string, args: readonly string[]): Promise<ProgramResult>;
  fileExists(path: string): boolean;
}

function runProgram(file: string, args: readonly string[]): Promise<ProgramResult> {
  return new Promise((resolve) => {
    execFile(file, args, { windowsHide: true, encoding: 'utf8', timeout: 30_000 }, (error, stdout) => {
      const code = error ? (error as { code?: unknown }).code : 0;
      resolve({ status: typeof code === 'number' ? code : null, stdout });
    });
  });
}

/** The real process: its streams, environment, platform and SIGINT. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    platform: process.platform,
    onInterrupt(listener) {
      process.on('SIGINT', listener);
      return () => process.off('SIGINT', listener);
    },
    runProgram,
    fileExists: existsSync,
  };
}
