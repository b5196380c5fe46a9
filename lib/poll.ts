/**
 * The polling state machine: QueryStatus on an interval with backoff to a cap, an overall
 * deadline, and an AbortSignal. On a deadline or an abort it calls Abort once (bounded) and
 * throws the typed error; releasing is the caller's job (exactly once, in its `finally`).
 *
 * Timers are the globals `setTimeout`/`clearTimeout`, looked up at call time, and time is
 * `Date.now()`, so the poller runs under jest fake timers.
 */
import { AbortedError, TimeoutError } from './errors';
import { classifyStatus, decode, type StatusState } from './hresult';

/** One QueryStatus answer, as the caller sees it. */
export interface StatusEvent {
  /** `running`, `succeeded`, `succeeded-undocumented` or `failed`. */
  readonly state: StatusState;
  /** The operation status (`*phrResult`), unsigned. */
  readonly hresult: number;
  readonly hex: string;
  readonly symbol: string | undefined;
  /** QueryStatus calls so far, this one included. */
  readonly polls: number;
  /** Milliseconds since the check started. */
  readonly elapsedMs: number;
}

/** What the poller needs from an operation. */
export interface Pollable {
  queryStatus(): Promise<number>;
  abort(): Promise<number>;
}

/** The poller's settings, already validated. */
export interface PollSettings {
  /** First wait between polls, ms. */
  readonly intervalMs: number;
  /** The wait grows by `backoff` after each running status, up to this cap, ms. */
  readonly maxIntervalMs: number;
  readonly backoff: number;
  /** Overall deadline from `startedAt`, ms; undefined for none. */
  readonly timeoutMs: number | undefined;
  /** How long to wait for Abort's own answer, ms. */
  readonly abortTimeoutMs: number;
  readonly signal: AbortSignal | undefined;
  readonly onStatus: ((event: StatusEvent) => void) | undefined;
  /** `Date.now()` when the check started (activation included). */
  readonly startedAt: number;
  /** Names the check in error messages. */
  readonly context: string;
}

/** How Abort went: whether it came back, and what it returned. */
export interface AbortOutcome {
  readonly delivered: boolean;
  readonly hresult: number | undefined;
}

/** Thrown inside the poller when the deadline passes or the signal fires. */
export class StopRequested {
  constructor(readonly reason: 'timeout' | 'abort') {}
}

/**
 * One promise that rejects with StopRequested when the deadline passes or the signal fires,
 * raced against every wait. `dispose()` disarms it.
 */
export class Stopper {
  private readonly stopped: Promise<never>;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private onAbort: (() => void) | undefined;

  constructor(
    private readonly signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
  ) {
    this.stopped = new Promise<never>((_, reject) => {
      if (timeoutMs !== undefined) this.timer = setTimeout(() => reject(new StopRequested('timeout')), timeoutMs);
      if (signal) {
        this.onAbort = () => reject(new StopRequested('abort'));
        signal.addEventListener('abort', this.onAbort, { once: true });
      }
    });
    this.stopped.catch(() => {});
    if (signal?.aborted) this.onAbort?.();
  }

  /** Wait for `work`, unless the stop comes first. A late rejection of `work` is swallowed. */
  race<T>(work: Promise<T>): Promise<T> {
    work.catch(() => {});
    return Promise.race([work, this.stopped]);
  }

  /** Sleep `ms` unless the stop comes first; the timer never outlives the wait. */
  async sleep(ms: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const slept = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    });
    try {
      await this.race(slept);
    } finally {
      clearTimeout(timer);
    }
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.onAbort) this.signal?.removeEventListener('abort', this.onAbort);
  }
}

/**
 * Keep the event loop alive until `work` settles or the returned function is called. The
 * native backend's QueryStatus does not hold the loop (a hung add-in must not keep a process
 * alive), so a caller awaiting one status would otherwise see the process exit under it.
 */
export function keepAliveWhile(work: Promise<unknown>): () => void {
  const timer = setTimeout(() => {}, 2_147_483_647);
  const stop = () => clearTimeout(timer);
  work.then(stop, stop);
  return stop;
}

/** Resolve after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Build the event for one status. */
export function statusEvent(hresult: number, polls: number, startedAt: number): StatusEvent {
  const decoded = decode(hresult);
  return {
    state: classifyStatus(decoded.hresult),
    hresult: decoded.hresult,
    hex: decoded.hex,
    symbol: decoded.symbol,
    polls,
    elapsedMs: Date.now() - startedAt,
  };
}

/** The next wait: grow by `backoff`, never past the cap. */
export function nextInterval(current: number, settings: Pick<PollSettings, 'backoff' | 'maxIntervalMs'>): number {
  return Math.min(current * settings.backoff, settings.maxIntervalMs);
}

/** Call Abort and wait at most `timeoutMs` for its answer. Never throws. */
export async function abortWithin(target: Pick<Pollable, 'abort'>, timeoutMs: number): Promise<AbortOutcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<AbortOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ delivered: false, hresult: undefined }), timeoutMs);
  });
  const answered = target.abort().then(
    (hresult): AbortOutcome => ({ delivered: true, hresult }),
    (error: { hresult?: number }): AbortOutcome => ({ delivered: false, hresult: error?.hresult }),
  );
  try {
    return await Promise.race([answered, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The typed error for a stop: TimeoutError or AbortedError, with how Abort went. */
export function stopError(
  reason: 'timeout' | 'abort',
  abort: AbortOutcome,
  progress: { polls: number; lastStatus: number | undefined },
  settings: Pick<PollSettings, 'startedAt' | 'context' | 'signal' | 'timeoutMs'>,
): TimeoutError | AbortedError {
  const details = {
    elapsedMs: Date.now() - settings.startedAt,
    polls: progress.polls,
    lastStatus: progress.lastStatus,
    abortDelivered: abort.delivered,
    abortHresult: abort.hresult,
    context: settings.context,
  };
  if (reason === 'timeout') return new TimeoutError({ ...details, timeoutMs: settings.timeoutMs ?? 0 });
  return new AbortedError({ ...details, reason: settings.signal?.reason });
}

/**
 * Poll `target` until its status is no longer "running". Resolves with the final event
 * (succeeded, succeeded-undocumented or failed). Rejects with the call's error, a
 * TimeoutError or an AbortedError (after calling Abort once), or what `onStatus` threw
 * (after calling Abort, since the check is still running on the add-in).
 */
export async function pollUntilDone(target: Pollable, settings: PollSettings, stopper: Stopper): Promise<StatusEvent> {
  const progress = { polls: 0, lastStatus: undefined as number | undefined };
  let wait = settings.intervalMs;
  try {
    for (;;) {
      const status = await stopper.race(target.queryStatus());
      progress.polls += 1;
      progress.lastStatus = status;
      const event = statusEvent(status, progress.polls, settings.startedAt);
      await deliver(event, target, settings);
      if (event.state !== 'running') return event;
      await stopper.sleep(wait);
      wait = nextInterval(wait, settings);
    }
  } catch (error) {
    if (!(error instanceof StopRequested)) throw error;
    const abort = await abortWithin(target, settings.abortTimeoutMs);
    throw stopError(error.reason, abort, progress, settings);
  }
}

/** Hand the event to onStatus; if it throws while the check runs, abort the add-in's check first. */
async function deliver(event: StatusEvent, target: Pollable, settings: PollSettings): Promise<void> {
  try {
    settings.onStatus?.(event);
  } catch (error) {
    if (event.state === 'running') await abortWithin(target, settings.abortTimeoutMs);
    throw error;
  }
}
