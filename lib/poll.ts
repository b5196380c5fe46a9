/**
 * The polling state machine: QueryStatus on an interval with backoff to a cap, an overall
 * deadline, and an AbortSignal. On a deadline or an abort it calls Abort once (bounded) and
 * throws the typed error; releasing is the caller's job (exactly once, in its `finally`).
 *
 * It drives a {@link Pollable} (a ConsistencyCheck), which makes the QueryStatus calls, counts
 * them and builds each event: the poller knows nothing of backends.
 *
 * Waits are entries of the shared scheduler (lib/scheduler.ts): one timer serves every check
 * due at the same tick. It runs under jest fake timers, as the scheduler does.
 */
import { AbortedError, TimeoutError } from './errors';
import { classifyStatus, decode, type StatusState } from './hresult';
import { scheduler, type Timer } from './scheduler';
import type { StopReason, Stopper } from './stopper';

/** One QueryStatus answer, as the caller sees it. */
export interface StatusEvent {
  /** `running`, `succeeded`, `succeeded-undocumented` or `failed`. */
  readonly state: StatusState;
  /** The operation status (`*phrResult`), unsigned. */
  readonly hresult: number;
  readonly hex: string;
  readonly symbol: string | undefined;
  /** QueryStatus calls on this check so far, this one included. */
  readonly polls: number;
  /** Milliseconds since the check started. */
  readonly elapsedMs: number;
}

/** How Abort went: whether it came back, and what it returned. */
export interface AbortOutcome {
  readonly delivered: boolean;
  readonly hresult: number | undefined;
}

/** Where one poll's outcome goes: exactly one of the two, once, and never during the call that asked. */
export interface StatusListener {
  answered(event: StatusEvent): void;
  /** The call itself failed. */
  failed(error: unknown): void;
}

/**
 * The poller's QueryStatus on a {@link Pollable}: a symbol, so that the promise-free path the
 * poller takes is no method of the public ConsistencyCheck.
 */
export const POLL_STATUS: unique symbol = Symbol('wsbapp.pollStatus');

/** What the poller drives: one check, which makes each QueryStatus, counts it and builds its event. */
export interface Pollable {
  /** One QueryStatus (shared with one in flight), its event or the call's error to `listener`. */
  [POLL_STATUS](listener: StatusListener): void;
  /** Call Abort, waiting at most `timeoutMs` for its answer. Never rejects. */
  abort(timeoutMs: number): Promise<AbortOutcome>;
  /** The last status event, undefined before the first answer. */
  readonly lastStatus: StatusEvent | undefined;
  /** `Date.now()` when the check started (activation included). */
  readonly startedAt: number;
  /** Names the check in error messages. */
  describe(): string;
}

/** The poller's settings, already validated. */
export interface PollSettings {
  /** First wait between polls, ms. */
  readonly intervalMs: number;
  /** The wait grows by `backoff` after each running status, up to this cap, ms. */
  readonly maxIntervalMs: number;
  readonly backoff: number;
  /** Overall deadline from the start of the check, ms. */
  readonly timeoutMs: number;
  /** How long to wait for Abort's own answer, ms. */
  readonly abortTimeoutMs: number;
  readonly signal: AbortSignal | undefined;
  readonly onStatus: ((event: StatusEvent) => void) | undefined;
}

/**
 * Build the event for one status. `previous`, the check's last event, lends its decoding when
 * the status is the same (a running check answers the same code poll after poll).
 */
export function statusEvent(hresult: number, polls: number, startedAt: number, previous?: StatusEvent): StatusEvent {
  const { state, hex, symbol } = previous?.hresult === hresult ? previous : decodeStatus(hresult);
  return { state, hresult: hresult >>> 0, hex, symbol, polls, elapsedMs: Date.now() - startedAt };
}

function decodeStatus(hresult: number): Pick<StatusEvent, 'state' | 'hex' | 'symbol'> {
  const decoded = decode(hresult);
  return { state: classifyStatus(decoded.hresult), hex: decoded.hex, symbol: decoded.symbol };
}

/** The next wait: grow by `backoff`, never past the cap. */
export function nextInterval(current: number, settings: Pick<PollSettings, 'backoff' | 'maxIntervalMs'>): number {
  return Math.min(current * settings.backoff, settings.maxIntervalMs);
}

/** Call Abort and wait at most `timeoutMs` for its answer. Never throws. */
export async function abortWithin(target: { abort(): Promise<number> }, timeoutMs: number): Promise<AbortOutcome> {
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

/** How far a check got when it stopped: what the stop error reports. */
export interface StopProgress {
  readonly startedAt: number;
  readonly context: string;
  readonly lastStatus: StatusEvent | undefined;
}

/** The typed error for a stop: TimeoutError or AbortedError, with how far the check got and how Abort went. */
export function stopError(
  reason: StopReason,
  abort: AbortOutcome,
  progress: StopProgress,
  settings: Pick<PollSettings, 'signal' | 'timeoutMs'>,
): TimeoutError | AbortedError {
  const details = {
    elapsedMs: Date.now() - progress.startedAt,
    polls: progress.lastStatus?.polls ?? 0,
    lastStatus: progress.lastStatus?.hresult,
    abortDelivered: abort.delivered,
    abortHresult: abort.hresult,
    context: progress.context,
  };
  if (reason === 'timeout') return new TimeoutError({ ...details, timeoutMs: settings.timeoutMs });
  return new AbortedError({ ...details, reason: settings.signal?.reason });
}

/**
 * One check's polls as a state machine on the shared scheduler: no sleep promise, timer or
 * race per poll. `request()` asks for the next event (at once the first time, after the wait
 * later); exactly one of its two callbacks is called, once. A stop (deadline or signal) while a
 * request is open calls Abort once, bounded, and fails it with a TimeoutError or AbortedError;
 * a stop while no request is open (the consumer holds an event) fails the next request.
 * At most one QueryStatus is in flight: a request is open only after the last one answered.
 */
class PollRun implements StatusListener {
  private wait: number;
  private first = true;
  // Every wait of the run, one Timer reused while the installed timers stay the same (a test
  // that installs fake timers meanwhile gets one on the fake clock).
  private timer: Timer | undefined;
  private polling = false;
  private onEvent: ((event: StatusEvent) => void) | undefined;
  private onError: ((error: unknown) => void) | undefined;
  private readonly unsubscribe: () => void;
  // Bound once: a poll allocates no closures of its own.
  private readonly pollNow = (): void => this.poll();

  constructor(
    private readonly target: Pollable,
    private readonly settings: PollSettings,
    private readonly stopper: Stopper,
  ) {
    this.wait = settings.intervalMs;
    this.unsubscribe = stopper.onStop((reason) => this.stop(reason));
  }

  request(onEvent: (event: StatusEvent) => void, onError: (error: unknown) => void): void {
    this.onEvent = onEvent;
    this.onError = onError;
    const stoppedBy = this.stopper.stoppedBy;
    if (stoppedBy !== undefined) return this.stop(stoppedBy);
    if (this.first) {
      this.first = false;
      return this.poll();
    }
    const current = scheduler();
    if (this.timer?.owner !== current) this.timer = current.timerFor(this.pollNow);
    this.timer.start(this.wait);
    this.wait = nextInterval(this.wait, this.settings);
  }

  dispose(): void {
    this.unsubscribe();
    this.timer?.cancel();
    this.polling = false;
    this.onEvent = this.onError = undefined;
  }

  answered(event: StatusEvent): void {
    this.settle(event, undefined);
  }

  failed(error: unknown): void {
    this.settle(undefined, error);
  }

  private poll(): void {
    this.polling = true;
    this.target[POLL_STATUS](this);
  }

  private settle(event: StatusEvent | undefined, error: unknown): void {
    if (!this.polling) return; // stopped meanwhile: Abort ends this call, its answer does not count
    const { onEvent, onError } = this;
    this.polling = false;
    this.onEvent = this.onError = undefined;
    if (event === undefined) onError?.(error);
    else onEvent?.(event);
  }

  private stop(reason: StopReason): void {
    const onError = this.onError;
    if (onError === undefined) return; // no request open: the next one fails
    // How far the check got when it stopped: a call in flight that Abort ends does not count.
    const progress = { startedAt: this.target.startedAt, context: this.target.describe(), lastStatus: this.target.lastStatus };
    this.dispose();
    void this.target.abort(this.settings.abortTimeoutMs).then((abort) => onError(stopError(reason, abort, progress, this.settings)));
  }
}

/**
 * The status events of `target` until its status is no longer "running"; the generator returns
 * the final event (succeeded, succeeded-undocumented or failed) after yielding it. Waits between
 * polls with the interval and backoff. On the deadline or the signal (also while the consumer
 * holds an event) it calls Abort once, bounded, and throws a TimeoutError or AbortedError.
 * Call failures are thrown as they are.
 */
export async function* pollStatuses(
  target: Pollable,
  settings: PollSettings,
  stopper: Stopper,
): AsyncGenerator<StatusEvent, StatusEvent, undefined> {
  const run = new PollRun(target, settings, stopper);
  try {
    for (;;) {
      const event = await new Promise<StatusEvent>((resolve, reject) => run.request(resolve, reject));
      yield event;
      if (event.state !== 'running') return event;
    }
  } finally {
    run.dispose();
  }
}

/**
 * Poll `target` to its final event, handing every event to `onStatus`. Rejects as
 * {@link pollStatuses} does, or with what `onStatus` threw (after calling Abort when the check
 * is still running on the add-in).
 */
export function pollUntilDone(target: Pollable, settings: PollSettings, stopper: Stopper): Promise<StatusEvent> {
  return new Promise<StatusEvent>((resolve, reject) => {
    const run = new PollRun(target, settings, stopper);
    const fail = (error: unknown): void => {
      run.dispose();
      reject(error);
    };
    const onEvent = (event: StatusEvent): void => {
      try {
        settings.onStatus?.(event);
      } catch (error) {
        run.dispose();
        if (event.state !== 'running') return reject(error);
        void target.abort(settings.abortTimeoutMs).then(() => reject(error));
        return;
      }
      if (event.state !== 'running') {
        run.dispose();
        resolve(event);
      } else {
        run.request(onEvent, fail);
      }
    };
    run.request(onEvent, fail);
  });
}
