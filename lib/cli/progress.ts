/**
 * Progress of a running check, on stderr so stdout stays the result. On a terminal: a spinner
 * line redrawn in place. Elsewhere (a log file, a CI job): one plain line per poll, no escapes.
 * With --json there is none: the status events on stdout are the progress.
 */
import type { StatusEvent } from '../index';
import type { CliIo, OutputStream } from './io';
import { statusWords } from './status-text';
import { styleFor, type Style } from './style';

const FRAMES = ['|', '/', '-', '\\'];
const REDRAW_MS = 100;
/** Carriage return, then "erase the whole line". */
const CLEAR_LINE = '\r\u001b[2K';

/** What the progress line shows. */
export interface ProgressState {
  /** What is being checked, e.g. `"Contoso Mail" / "Mailbox Database 01"`. */
  readonly target: string;
  readonly elapsedMs: number;
  readonly polls: number;
  /** The last status, undefined before the first poll. */
  readonly last: number | undefined;
  /** The phase of a check on a snapshot (`prepare`, `snapshot`, ...); undefined for a plain check. */
  readonly phase?: string;
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** `/ checking "Contoso Mail" / "Logs"  1.2 s  poll 3  in progress (0x407A0004 ...)`. */
export function formatProgressLine(state: ProgressState, frame: number, style: Style): string {
  const time = style.dim(formatSeconds(state.elapsedMs));
  const head = `${FRAMES[frame % FRAMES.length]} checking ${state.target}  ${time}`;
  if (state.phase !== undefined && state.phase !== 'check') return `${head}  ${state.phase}`;
  const last = state.last === undefined ? 'starting' : statusWords(state.last);
  return `${head}  ${state.phase === undefined ? '' : 'check  '}poll ${state.polls}  ${last}`;
}

/** A log line for one status, for non-terminal stderr. */
export function formatPollLine(event: StatusEvent): string {
  return `poll ${event.polls} at ${formatSeconds(event.elapsedMs)}: ${statusWords(event.hresult)}`;
}

export interface Progress {
  update(event: StatusEvent): void;
  /** A check on a snapshot entered `phase`. */
  phase(phase: string): void;
  /** A message for humans between progress lines ("aborting...", warnings); also after stop(). */
  note(text: string): void;
  stop(): void;
}

class SilentProgress implements Progress {
  update(): void {}
  phase(): void {}
  note(): void {}
  stop(): void {}
}

class LogProgress implements Progress {
  constructor(
    private readonly stream: OutputStream,
    private readonly startedAt: number,
  ) {}
  phase(phase: string): void {
    this.stream.write(`phase ${phase} at ${formatSeconds(Date.now() - this.startedAt)} (polls count from the check phase)\n`);
  }
  update(event: StatusEvent): void {
    this.stream.write(`${formatPollLine(event)}\n`);
  }
  note(text: string): void {
    this.stream.write(`${text}\n`);
  }
  stop(): void {}
}

class SpinnerProgress implements Progress {
  private frame = 0;
  private polls = 0;
  private last: number | undefined;
  private current: string | undefined;
  private stopped = false;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly stream: OutputStream,
    private readonly style: Style,
    private readonly target: string,
    private readonly startedAt: number,
  ) {
    this.timer = setInterval(() => this.draw(), REDRAW_MS);
    // The spinner must never be what keeps the process alive.
    this.timer.unref();
    this.draw();
  }

  update(event: StatusEvent): void {
    this.polls = event.polls;
    this.last = event.hresult;
    this.draw();
  }

  phase(phase: string): void {
    this.current = phase;
    this.draw();
  }

  note(text: string): void {
    this.stream.write(`${CLEAR_LINE}${text}\n`);
    if (!this.stopped) this.draw();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.stream.write(CLEAR_LINE);
  }

  private draw(): void {
    this.frame += 1;
    const state = { target: this.target, elapsedMs: Date.now() - this.startedAt, polls: this.polls, last: this.last, phase: this.current };
    this.stream.write(`${CLEAR_LINE}${formatProgressLine(state, this.frame, this.style)}`);
  }
}

/** The progress display that suits the run: silent for --json, a spinner on a terminal, log lines otherwise. */
export function createProgress(io: CliIo, json: boolean, target: string, startedAt: number): Progress {
  if (json) return new SilentProgress();
  if (io.stderr.isTTY) return new SpinnerProgress(io.stderr, styleFor(io.stderr, io.env), target, startedAt);
  return new LogProgress(io.stderr, startedAt);
}
