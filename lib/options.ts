/**
 * Polling options: the public shape, the defaults, and their validation.
 */
import { Stopper, type PollSettings, type StatusEvent } from './poll';
import { outOfRange } from './input-errors';
import { optionalFunction, optionalObject, optionalSignal, requireDuration, requireFactor } from './validate';

/** First wait between polls. Windows Server Backup itself polls about once a second. */
export const DEFAULT_INTERVAL_MS = 1_000;
/** The backoff cap. */
export const DEFAULT_MAX_INTERVAL_MS = 15_000;
export const DEFAULT_BACKOFF = 1.5;
/** The overall deadline when none is given: 30 minutes. */
export const DEFAULT_TIMEOUT_MS = 30 * 60 * 1_000;
/** How long to wait for the add-in's answer to Abort. */
export const DEFAULT_ABORT_TIMEOUT_MS = 10_000;

/** How to poll. Every duration is in milliseconds. */
export interface PollOptions {
  /** First wait between QueryStatus calls. Default 1000. */
  readonly interval?: number;
  /** The wait grows by `backoff` after each "running" status up to this cap. Default 15000 (and at least `interval`). */
  readonly maxInterval?: number;
  /** Growth factor of the wait, >= 1 (1 = fixed interval). Default 1.5. */
  readonly backoff?: number;
  /** Overall deadline, activation included. Default 30 minutes. On expiry: Abort, release, TimeoutError. */
  readonly timeout?: number;
  /** How long to wait for Abort's own answer. Default 10000. */
  readonly abortTimeout?: number;
  /** Aborting it calls Abort on the add-in, releases, and rejects with AbortedError. */
  readonly signal?: AbortSignal;
  /** Called with every status. If it throws, the check is aborted and released and the error rethrown. */
  readonly onStatus?: (event: StatusEvent) => void;
}

/** Validated settings, plus a factory for the stopper that enforces the deadline and signal. */
export interface ParsedPollSettings extends PollSettings {
  stopper(): Stopper;
}

/** Validate `options` (TypeError/RangeError naming the field) and fill in defaults. */
export function parsePollOptions(options: unknown, startedAt: number, context: string): ParsedPollSettings {
  const o = optionalObject(options, 'options');
  const intervalMs = o.interval === undefined ? DEFAULT_INTERVAL_MS : requireDuration(o.interval, 'options.interval');
  const maxIntervalMs = o.maxInterval === undefined ? Math.max(DEFAULT_MAX_INTERVAL_MS, intervalMs) : requireDuration(o.maxInterval, 'options.maxInterval');
  if (maxIntervalMs < intervalMs) {
    throw outOfRange(`options.maxInterval (${maxIntervalMs}) must not be less than options.interval (${intervalMs})`);
  }
  const timeoutMs = o.timeout === undefined ? DEFAULT_TIMEOUT_MS : requireDuration(o.timeout, 'options.timeout');
  const signal = optionalSignal(o.signal, 'options.signal');
  return {
    intervalMs,
    maxIntervalMs,
    backoff: o.backoff === undefined ? DEFAULT_BACKOFF : requireFactor(o.backoff, 'options.backoff'),
    timeoutMs,
    abortTimeoutMs: o.abortTimeout === undefined ? DEFAULT_ABORT_TIMEOUT_MS : requireDuration(o.abortTimeout, 'options.abortTimeout'),
    signal,
    onStatus: optionalFunction<(event: StatusEvent) => void>(o.onStatus, 'options.onStatus'),
    startedAt,
    context,
    stopper: () => new Stopper(signal, timeoutMs === undefined ? undefined : Math.max(0, timeoutMs - (Date.now() - startedAt))),
  };
}
