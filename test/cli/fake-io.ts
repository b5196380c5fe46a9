/**
 * An in-memory CliIo for running commands in-process: captured output, a Ctrl+C button and
 * canned program output (reg.exe, whoami.exe).
 */
import { resolve } from 'node:path';
import type { CliIo, ProgramResult, StopCause } from '../../lib/cli/io';
import { programReads } from '../../lib/machine/programs';
import { Trail } from '../../lib/cli/trail';

export const FIXTURES = resolve(__dirname, 'fixtures');
export const SCENARIO = resolve(FIXTURES, 'scenario.json');

export interface FakeIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
  /** The stdout lines parsed as JSON. */
  readonly events: () => Array<Record<string, unknown>>;
  /** Press Ctrl+C, or send another stop cause. */
  interrupt(cause?: StopCause): void;
  /** Make stdout fail from now on, as a closed pipe (EPIPE) or a full disk (ENOSPC) does. */
  failStdout(code: string): void;
  /** Interrupt listeners currently subscribed. */
  listeners(): number;
  /** Programs run, as `file arg...`. */
  readonly ran: string[];
}

export interface FakeIoOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
  readonly tty?: boolean;
  /** Answers for programs, keyed by `file arg arg...`; unlisted programs exit 1 with no output. */
  readonly programs?: Readonly<Record<string, ProgramResult>>;
  readonly files?: readonly string[];
  /** Called after every stdout write (not after it failed), e.g. to press Ctrl+C on the first status. */
  readonly onStdout?: (text: string, io: FakeIo) => void;
}

export function fakeIo(options: FakeIoOptions = {}): FakeIo {
  let out = '';
  let err = '';
  let stdoutFailure: NodeJS.ErrnoException | undefined;
  const interruptListeners = new Set<(cause: StopCause) => void>();
  const stopFor = (cause: StopCause) => [...interruptListeners].forEach((listener) => listener(cause));
  const ran: string[] = [];
  const io: FakeIo = {
    stdout: {
      isTTY: options.tty,
      write(text: string) {
        if (stdoutFailure) return false;
        out += text;
        options.onStdout?.(text, io);
        return true;
      },
    },
    stderr: {
      isTTY: options.tty,
      write(text: string) {
        err += text;
        return true;
      },
    },
    env: options.env ?? {},
    platform: options.platform ?? 'linux',
    onInterrupt(listener) {
      interruptListeners.add(listener);
      return () => interruptListeners.delete(listener);
    },
    async runProgram(file, args) {
      const line = [file, ...args].join(' ');
      ran.push(line);
      return options.programs?.[line] ?? { status: 1, stdout: '' };
    },
    fileExists: (path) => (options.files ?? []).includes(path),
    out: () => out,
    err: () => err,
    events: () =>
      out
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    outputFailure: async () => stdoutFailure,
    interrupt: (cause = { kind: 'signal', signal: 'SIGINT' }) => stopFor(cause),
    failStdout(code) {
      stdoutFailure = Object.assign(new Error(`${code}: write failed`), { code, syscall: 'write' });
      stopFor({ kind: 'output', error: stdoutFailure });
    },
    listeners: () => interruptListeners.size,
    ran,
    trail: new Trail(),
    // The fallback's reads, over the canned programs: what a machine without the addon runs.
    get machine() {
      return programReads(io);
    },
  };
  return io;
}
