/**
 * The polling state machine: QueryStatus on an interval with backoff to a cap, an overall
 * deadline, and an AbortSignal. On a deadline or an abort it calls Abort once (bounded) and
 * throws the typed error; releasing is the caller's job (exactly once, in its `finally`).
 *
 * It drives a {@link Pollable} (a ConsistencyCheck), which makes the QueryStatus calls, counts
 * them and builds each event: the poller knows nothing of backends.
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

/** What the poller drives: one check, which makes each QueryStatus, counts it and builds its event. */
export interface Pollable {
  /** One QueryStatus, as its event. Rejects when the call itself fails. */
  status(): Promise<StatusEvent>;
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

  /** The stopper of a check that started at `startedAt`: its deadline counts from then. */
  static forCheck(settings: Pick<PollSettings, 'signal' | 'timeoutMs'>, startedAt: number): Stopper {
    return new Stopper(settings.signal, Math.max(0, settings.timeoutMs - (Date.now() - startedAt)));
  }

  constructor(
    private readonly signal: AbortSignal | undefined,
    timeoutMs: number,
  ) {
    this.stopped = new Promise<never>((_, reject) => {
      this.timer = setTimeout(() => reject(new StopRequested('timeout')), timeoutMs);
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
    clearTimeout(this.timer);
    if (this.onAbort) this.signal?.removeEventListener('abort', this.onAbort);
  }
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
  reason: 'timeout' | 'abort',
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
  let wait = settings.intervalMs;
  try {
    for (;;) {
      const event = await stopper.race(target.status());
      yield event;
      if (event.state !== 'running') return event;
      await stopper.sleep(wait);
      wait = nextInterval(wait, settings);
    }
  } catch (error) {
    if (!(error instanceof StopRequested)) throw error;
    // How far the check got when it stopped: a call in flight that Abort ends does not count.
    const progress = { startedAt: target.startedAt, context: target.describe(), lastStatus: target.lastStatus };
    const abort = await target.abort(settings.abortTimeoutMs);
    throw stopError(error.reason, abort, progress, settings);
  }
}

/**
 * Poll `target` to its final event, handing every event to `onStatus`. Rejects as
 * {@link pollStatuses} does, or with what `onStatus` threw (after calling Abort when the check
 * is still running on the add-in).
 */
export async function pollUntilDone(target: Pollable, settings: PollSettings, stopper: Stopper): Promise<StatusEvent> {
  const polling = pollStatuses(target, settings, stopper);
  for (let step = await polling.next(); ; step = await polling.next()) {
    if (step.done) return step.value;
    await deliver(step.value, target, settings);
  }
}

/** Hand the event to onStatus; if it throws while the check runs, abort the add-in's check first. */
async function deliver(event: StatusEvent, target: Pollable, settings: PollSettings): Promise<void> {
  try {
    settings.onStatus?.(event);
  } catch (error) {
    if (event.state === 'running') await target.abort(settings.abortTimeoutMs);
    throw error;
  }
}
