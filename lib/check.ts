/**
 * One consistency check: the handle over an `IWsbApplicationAsync`, and the promise-based
 * `checkConsistency()` built on it.
 */
import { CheckFailedError, ReleasedError } from './errors';
import { HRESULT } from './hresult';
import { abortWithin, keepAliveWhile, nextInterval, pollUntilDone, sleep, statusEvent, type AbortOutcome, type StatusEvent } from './poll';
import type { BackendAddin, BackendOperation, RegisteredApplication } from './backends/types';
import { type PollOptions, parsePollOptions, DEFAULT_ABORT_TIMEOUT_MS } from './options';
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
  /** QueryStatus calls made. */
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
export class ConsistencyCheck implements AsyncDisposable, AsyncIterable<StatusEvent> {
  private inFlight: Promise<StatusEvent> | undefined;
  private polls = 0;
  private releasing: Promise<void> | undefined;
  private stopKeepingAlive: () => void = () => {};

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
  ) {}

  /** False when the add-in said no check is required (S_OK and no async object): nothing to poll. */
  get requiresPolling(): boolean {
    return this.operation !== null;
  }

  /** True once `release()` ran. */
  get released(): boolean {
    return this.releasing !== undefined;
  }

  /**
   * One QueryStatus. Concurrent callers share the call in flight: never two at once.
   * Rejects with a WsbError when the call itself fails.
   */
  async status(): Promise<StatusEvent> {
    this.assertLive('status');
    if (this.operation === null) return statusEvent(HRESULT.S_OK, 0, this.startedAt);
    if (!this.inFlight) {
      const operation = this.operation;
      const call = operation.queryStatus();
      // Released with the handle too: a hung call must not keep the process alive after release().
      this.stopKeepingAlive = keepAliveWhile(call);
      this.inFlight = call.then(
        ({ status }) => {
          this.inFlight = undefined;
          this.polls += 1;
          return statusEvent(status, this.polls, this.startedAt);
        },
        (error: unknown) => {
          this.inFlight = undefined;
          throw error;
        },
      );
    }
    return this.inFlight;
  }

  /** Call Abort on the add-in's check, waiting at most `timeoutMs` for its answer. Never rejects. */
  async abort(timeoutMs = DEFAULT_ABORT_TIMEOUT_MS): Promise<AbortOutcome> {
    this.assertLive('abort');
    if (this.operation === null) return { delivered: false, hresult: undefined };
    return abortWithin(this.operation, timeoutMs);
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
      this.stopKeepingAlive();
      this.releasing = releaseAll([this.operation, this.addin]);
    }
    return this.releasing;
  }

  /**
   * Poll until the status is no longer "running", with interval, backoff, timeout and signal.
   * Resolves with the verdict; rejects with CheckFailedError, TimeoutError, AbortedError or the
   * call's error. Does not release: the caller owns the handle.
   */
  async wait(options: PollOptions = {}): Promise<CheckResult> {
    this.assertLive('wait');
    const operation = this.operation;
    if (operation === null) return this.result(statusEvent(HRESULT.S_OK, 0, this.startedAt), 'no-check-required');
    // The deadline counts from startedAt, so activation time is part of the budget.
    const settings = parsePollOptions(options, this.startedAt, this.describe());
    const stopper = settings.stopper();
    try {
      const final = await pollUntilDone({ queryStatus: () => this.status().then((e) => e.hresult), abort: () => operation.abort() }, settings, stopper);
      return this.verdict(final);
    } finally {
      stopper.dispose();
    }
  }

  /**
   * Status events until the check leaves "running" (the last event is the final one). Waits
   * between polls with the options' interval and backoff; `options.signal` ends the iteration
   * early (without Abort). Call failures are thrown from the iterator.
   */
  async *statuses(options: Pick<PollOptions, 'interval' | 'maxInterval' | 'backoff' | 'signal'> = {}): AsyncGenerator<StatusEvent, void, undefined> {
    const settings = parsePollOptions(options, this.startedAt, this.describe());
    let wait = settings.intervalMs;
    for (;;) {
      if (settings.signal?.aborted) return;
      const event = await this.status();
      yield event;
      if (event.state !== 'running') return;
      await sleep(wait);
      wait = nextInterval(wait, settings);
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

  private verdict(final: StatusEvent): CheckResult {
    if (final.state === 'failed') {
      throw new CheckFailedError({ hresult: final.hresult, call: 'QueryStatus', polls: final.polls, elapsedMs: final.elapsedMs, context: this.describe() });
    }
    return this.result(final, final.state === 'succeeded' ? 'consistent' : 'undocumented-success');
  }

  private result(event: StatusEvent, outcome: CheckOutcome): CheckResult {
    return {
      outcome,
      hresult: event.hresult,
      hex: event.hex,
      symbol: event.symbol,
      undocumented: outcome === 'undocumented-success',
      polls: event.polls,
      elapsedMs: event.elapsedMs,
      application: this.application,
      component: this.component,
    };
  }

  private assertLive(method: string): void {
    if (this.released) throw new ReleasedError(`ConsistencyCheck.${method}()`);
  }
}
