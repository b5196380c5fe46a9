/**
 * A deadline and an AbortSignal for the calls that are not a polled check: listing, activation
 * and the restore calls. The table of their default deadlines lives here (docs/api.md,
 * "Deadlines", shows it with the check's).
 *
 * A stop rejects the call's promise at once with a TimeoutError or an AbortedError naming the
 * call under way; the caller then releases the add-in, which cancels the call where the
 * platform can (CoCancelCall on Windows). Nothing here keeps the event loop alive past the
 * deadline: the deadline's own timer is what holds it while a call is pending.
 */
import { AbortedError, TimeoutError, withTarget, type WsbCall } from './errors';
import { StopRequested, Stopper } from './stopper';
import { rejectUnknownKeys } from './strict';
import { optionalObject, optionalSignal, requireDuration } from './validate';

const MINUTE = 60_000;

/** Default deadlines, ms, of every promise-returning call other than a check (whose own are in options.ts). */
export const DEFAULT_CALL_TIMEOUTS = {
  /** listApplications(): a registry read. */
  listApplications: 1 * MINUTE,
  /** openRestoreSession(): finding the application and activating its add-in (an out-of-process add-in starts a process). */
  openRestoreSession: 2 * MINUTE,
  /** OrderComponents, one-shot (activation included) or on a session. */
  orderComponents: 5 * MINUTE,
  /** IsRollForwardSupported, one-shot or on a session. */
  isRollForwardSupported: 5 * MINUTE,
  /** PreRestore: the application may stop services or take databases offline first. */
  preRestore: 30 * MINUTE,
  /** PostRestore: the application may replay logs or bring databases back. */
  postRestore: 30 * MINUTE,
} as const;

/** Options of every call that takes a deadline and a signal. */
export interface CallOptions {
  /** Deadline in ms, from the call to its result (activation included for one-shot calls). Default: see DEFAULT_CALL_TIMEOUTS. */
  readonly timeout?: number;
  /** Aborting it stops the call: the add-in is released and the promise rejects with AbortedError. */
  readonly signal?: AbortSignal;
}

/** Validated call options. */
export interface CallSettings {
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
}

/** The keys every call's options may have; callers add their own (`backend`). */
export const CALL_OPTION_KEYS = ['timeout', 'signal'] as const;

/** Validate call options (unknown keys included) and fill in the default deadline. */
export function parseCallOptions(options: unknown, allowed: readonly string[], defaultTimeoutMs: number): CallSettings {
  const o = optionalObject(options, 'options');
  rejectUnknownKeys(o, allowed, 'option');
  return {
    timeoutMs: o.timeout === undefined ? defaultTimeoutMs : requireDuration(o.timeout, 'options.timeout'),
    signal: optionalSignal(o.signal, 'options.signal'),
  };
}

/**
 * One deadline over the steps of a call (ListApplications, Activate, PreRestore, ...). Dispose
 * it when the call is over.
 */
export class CallDeadline {
  private readonly startedAt = Date.now();
  private readonly stopper: Stopper;
  /** True once a step was stopped by the deadline or the signal. */
  stopped = false;

  constructor(
    private readonly settings: CallSettings,
    /** Names the target in error messages: `application "Contoso", component "db"`. */
    private readonly context: string,
  ) {
    this.stopper = new Stopper(settings.signal, settings.timeoutMs);
  }

  /** Run one step, unless the deadline passes or the signal fires first (TimeoutError / AbortedError naming `call`). */
  async step<T>(call: WsbCall, work: () => Promise<T>): Promise<T> {
    if (this.settings.signal?.aborted) throw this.stop('abort', call);
    try {
      return await this.stopper.race(work());
    } catch (error) {
      if (error instanceof StopRequested) throw this.stop(error.reason, call);
      throw withTarget(error, this.context);
    }
  }

  dispose(): void {
    this.stopper.dispose();
  }

  private stop(reason: 'timeout' | 'abort', call: WsbCall): TimeoutError | AbortedError {
    this.stopped = true;
    return callStopError(reason, call, this.context, this.startedAt, this.settings);
  }
}

/** The TimeoutError / AbortedError of a call (not a polled check) stopped while `call` was under way. */
export function callStopError(
  reason: 'timeout' | 'abort',
  call: WsbCall | undefined,
  context: string,
  startedAt: number,
  settings: CallSettings,
): TimeoutError | AbortedError {
  const details = {
    elapsedMs: Date.now() - startedAt,
    polls: 0,
    lastStatus: undefined,
    abortDelivered: false,
    abortHresult: undefined,
    context,
    call,
  };
  if (reason === 'timeout') return new TimeoutError({ ...details, timeoutMs: settings.timeoutMs });
  return new AbortedError({ ...details, reason: settings.signal?.reason });
}
