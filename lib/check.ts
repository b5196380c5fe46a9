/**
 * One consistency check: the handle over an `IWsbApplicationAsync`. It makes every QueryStatus
 * of the check (counted once, whoever asked: `status()`, `statuses()` or `wait()`), builds one
 * event per answer, and releases the add-in's objects exactly once.
 */
import { publishCheckAbort, publishCheckEnd, publishCheckRelease, publishCheckStatus, type CheckEnding } from './diagnostics';
import { CheckFailedError, ReleasedError, withTarget } from './errors';
import { HRESULT } from './hresult';
import {
  abortWithin,
  POLL_STATUS,
  pollStatuses,
  pollUntilDone,
  statusEvent,
  type AbortOutcome,
  type Pollable,
  type PollSettings,
  type StatusEvent,
  type StatusListener,
} from './poll';
import { Stopper } from './stopper';
import {
  QUERY_STATUS_TO,
  type BackendAddin,
  type BackendOperation,
  type RegisteredApplication,
  type StatusTo,
  type StatusToOperation,
} from './backends/types';
import { DEFAULT_ABORT_TIMEOUT_MS, parseOptions, type PollOptions, type StatusesOptions } from './options';
import { parseCloseOptions, releaseAll, settlesWithin, type CloseOptions, type ReleaseWait } from './releases';

/**
 * How a check that did not fail ended:
 * - `consistent`: the final status was S_OK;
 * - `no-check-required`: CheckConsistency returned S_OK and no async object: nothing to check;
 * - `undocumented-success`: the final status was a success code the API does not define
 *   (kept in `hresult`, and `undocumented` is true).
 */
export type CheckOutcome = 'consistent' | 'no-check-required' | 'undocumented-success';

/** The verdict of a check that did not fail. */
export interface CheckResult {
  readonly outcome: CheckOutcome;
  /** The final status, unsigned. */
  readonly hresult: number;
  readonly hex: string;
  readonly symbol: string | undefined;
  /** True when the final status is a success code the WSB API does not define. */
  readonly undocumented: boolean;
  /** QueryStatus calls made on this check, whoever made them. */
  readonly polls: number;
  /** Milliseconds from the start (activation included) to the verdict. */
  readonly elapsedMs: number;
  readonly application: RegisteredApplication;
  readonly component: string | null;
}

/** `application "Contoso", component "db"`: how error messages name what was checked. */
export function describeTarget(application: string, component: string | null): string {
  return component === null ? `application ${application}` : `application ${application}, component ${JSON.stringify(component)}`;
}

/**
 * A running consistency check: the add-in's async object, with the add-in that produced it.
 * Get one from `startConsistencyCheck()`. Release it: `release()` (at once), `await close()`
 * (and wait for the Release to return), or `await using check = await startConsistencyCheck(...)`.
 */
export class ConsistencyCheck implements AsyncDisposable, AsyncIterable<StatusEvent>, Pollable {
  // The QueryStatus in flight: whether there is one, and who waits for it (the poller, and a
  // promise only once status() asked for one: the poller's polls make none).
  private querying = false;
  private poller: StatusListener | undefined;
  private promised: { promise: Promise<StatusEvent>; listener: StatusListener } | undefined;
  // Bound once: what the operation answers a QueryStatus to.
  private readonly reply: StatusTo = {
    answered: (status) => this.answered(status),
    failed: (error) => this.failed(error),
  };
  private polls = 0;
  private last: StatusEvent | undefined;
  private releasing: Promise<void> | undefined;

  /** @internal use startConsistencyCheck() */
  constructor(
    private readonly addin: BackendAddin,
    private readonly operation: BackendOperation | null,
    /** The application the check runs for. */
    readonly application: RegisteredApplication,
    /** The component checked, or null. */
    readonly component: string | null,
    /** `Date.now()` when the check started. */
    readonly startedAt: number,
    /** Identifies the check in its `wsbapp:check:*` diagnostics messages. */
    readonly id: number,
  ) {}

  /** False when the add-in said no check is required (S_OK and no async object): nothing to poll. */
  get requiresPolling(): boolean {
    return this.operation !== null;
  }

  /** True once `release()` ran. */
  get released(): boolean {
    return this.releasing !== undefined;
  }

  /** The last status event of this check, undefined before the first QueryStatus answered. */
  get lastStatus(): StatusEvent | undefined {
    return this.last;
  }

  /**
   * One QueryStatus. Concurrent callers share the call in flight: never two at once. While it is
   * in flight it keeps the process alive, until it answers or the check is released.
   * Rejects with a WsbError when the call itself fails.
   */
  status(): Promise<StatusEvent> {
    // Not `async`: an async wrapper adds a promise and two turns.
    if (this.released) return Promise.reject(this.releasedError('status'));
    if (this.operation === null) return Promise.resolve(statusEvent(HRESULT.S_OK, 0, this.startedAt));
    if (this.promised === undefined) {
      let listener: StatusListener | undefined;
      const promise = new Promise<StatusEvent>((resolve, reject) => (listener = { answered: resolve, failed: reject }));
      this.promised = { promise, listener: listener as StatusListener };
    }
    this.query();
    return this.promised.promise;
  }

  /**
   * @internal the poller's status(), without a promise: `listener` gets its outcome. One poller
   * at a time has the slot; another (a second wait() on the same check) shares the call through
   * status(), as do the rare cases.
   */
  [POLL_STATUS](listener: StatusListener): void {
    if (this.released || this.operation === null || (this.poller !== undefined && this.poller !== listener)) {
      this.status().then(
        (event) => listener.answered(event),
        (error: unknown) => listener.failed(error),
      );
      return;
    }
    this.poller = listener;
    this.query();
  }

  /** Make the QueryStatus unless one is in flight (its answer goes to every waiter). */
  private query(): void {
    if (this.querying) return;
    this.querying = true;
    const operation = this.operation as BackendOperation;
    if (QUERY_STATUS_TO in operation) return (operation as StatusToOperation)[QUERY_STATUS_TO](this.reply);
    operation.queryStatus().then(
      ({ status }) => this.answered(status),
      (error: unknown) => this.failed(error),
    );
  }

  private answered(status: number): void {
    const { poller, promised } = this;
    this.settled();
    this.polls += 1;
    const event = statusEvent(status, this.polls, this.startedAt, this.last);
    this.last = event;
    publishCheckStatus(this.id, event);
    poller?.answered(event);
    promised?.listener.answered(event);
  }

  private failed(error: unknown): void {
    const { poller, promised } = this;
    this.settled();
    const failure = withTarget(error, this.describe());
    poller?.failed(failure);
    promised?.listener.failed(failure);
  }

  /** The call in flight is over: the next one is a new call, for whoever asks next. */
  private settled(): void {
    this.querying = false;
    this.poller = this.promised = undefined;
  }

  /** Call Abort on the add-in's check, waiting at most `timeoutMs` for its answer. Never rejects. */
  async abort(timeoutMs = DEFAULT_ABORT_TIMEOUT_MS): Promise<AbortOutcome> {
    this.assertLive('abort');
    if (this.operation === null) return { delivered: false, hresult: undefined };
    const outcome = await abortWithin(this.operation, timeoutMs);
    publishCheckAbort(this.id, outcome);
    return outcome;
  }

  /**
   * Release the async object and the add-in: scheduled at once, returning at once. Idempotent:
   * the backend sees exactly one Release of each, whatever the number of calls.
   */
  release(): void {
    void this.releaseOnce();
  }

  /**
   * Release (as {@link release}) and wait until both final Releases have returned, or
   * `timeout` ms (default 5000) have passed: a hung add-in cannot hold the caller, and the
   * Releases go on in the background. Never rejects. Idempotent.
   */
  async close(options: CloseOptions = {}): Promise<ReleaseWait> {
    const timeoutMs = parseCloseOptions(options);
    const settled = await settlesWithin(this.releaseOnce(), timeoutMs);
    return { settled, pending: settled ? 0 : 1 };
  }

  /** `await using` support: {@link close} with its default bound. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private releaseOnce(): Promise<void> {
    if (this.releasing === undefined) {
      this.releasing = releaseAll([this.operation, this.addin]);
      publishCheckRelease(this.id);
      publishCheckEnd(this.id, this.startedAt, endings.get(this));
    }
    return this.releasing;
  }

  /**
   * Poll until the status is no longer "running", with interval, backoff, deadline and signal.
   * Resolves with the verdict; rejects with CheckFailedError, TimeoutError, AbortedError (after
   * calling Abort once) or the call's error. Does not release: the caller owns the handle.
   */
  async wait(options: PollOptions = {}): Promise<CheckResult> {
    this.assertLive('wait');
    const { settings } = parseOptions(options, 'wait');
    const stopper = Stopper.forCheck(settings, this.startedAt);
    try {
      return await pollToVerdict(this, settings, stopper);
    } finally {
      stopper.dispose();
    }
  }

  /**
   * Status events until the check leaves "running" (the last event is the final one), waiting
   * between polls with the options' interval and backoff. The deadline and `options.signal`
   * work as in `wait()`: Abort once, then the iterator throws TimeoutError or AbortedError, at
   * once (also while it sleeps). Call failures are thrown from the iterator too.
   */
  async *statuses(options: StatusesOptions = {}): AsyncGenerator<StatusEvent, void, undefined> {
    const { settings } = parseOptions(options, 'statuses');
    const stopper = Stopper.forCheck(settings, this.startedAt);
    try {
      yield* pollStatuses(this, settings, stopper);
    } finally {
      stopper.dispose();
    }
  }

  /** `for await (const event of check)`: the status events at the default interval. */
  [Symbol.asyncIterator](): AsyncGenerator<StatusEvent, void, undefined> {
    return this.statuses();
  }

  /** A short description for error messages. */
  describe(): string {
    return describeTarget(JSON.stringify(this.application.identifier), this.component);
  }

  private assertLive(method: string): void {
    if (this.released) throw this.releasedError(method);
  }

  private releasedError(method: string): ReleasedError {
    return new ReleasedError(`ConsistencyCheck.${method}()`);
  }
}

/** The last verdict (result or error) of each check, for the end message its release publishes. */
const endings = new WeakMap<ConsistencyCheck, CheckEnding>();

/**
 * Poll `check` to its verdict under a deadline and signal the caller armed: `wait()`'s own, or
 * the one stopper `checkConsistency()` holds from activation to verdict.
 */
export async function pollToVerdict(check: ConsistencyCheck, settings: PollSettings, stopper: Stopper): Promise<CheckResult> {
  try {
    const result = await verdictOf(check, settings, stopper);
    endings.set(check, { result });
    return result;
  } catch (error) {
    endings.set(check, { error });
    throw error;
  }
}

async function verdictOf(check: ConsistencyCheck, settings: PollSettings, stopper: Stopper): Promise<CheckResult> {
  if (!check.requiresPolling) return resultOf(check, statusEvent(HRESULT.S_OK, 0, check.startedAt), 'no-check-required');
  const final = await pollUntilDone(check, settings, stopper);
  if (final.state === 'failed') {
    throw new CheckFailedError({
      hresult: final.hresult,
      call: 'QueryStatus',
      polls: final.polls,
      elapsedMs: final.elapsedMs,
      context: check.describe(),
    });
  }
  return resultOf(check, final, final.state === 'succeeded' ? 'consistent' : 'undocumented-success');
}

function resultOf(check: ConsistencyCheck, event: StatusEvent, outcome: CheckOutcome): CheckResult {
  return {
    outcome,
    hresult: event.hresult,
    hex: event.hex,
    symbol: event.symbol,
    undocumented: outcome === 'undocumented-success',
    polls: event.polls,
    elapsedMs: event.elapsedMs,
    application: check.application,
    component: check.component,
  };
}
