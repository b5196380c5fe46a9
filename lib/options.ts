/**
 * The options of a check: the public shape, the defaults, which entry point takes which keys,
 * and their validation. Each entry point parses its options exactly once, here.
 */
import type { BackendChoice } from './backends/select';
import { outOfRange } from './input-errors';
import type { PollSettings, StatusEvent } from './poll';
import { rejectUnknownKeys } from './strict';
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
  /** Overall deadline, counted from the start of the check (activation included). Default 30 minutes. On expiry: Abort, then TimeoutError. */
  readonly timeout?: number;
  /** How long to wait for Abort's own answer. Default 10000. */
  readonly abortTimeout?: number;
  /** Aborting it calls Abort on the add-in and rejects with AbortedError. */
  readonly signal?: AbortSignal;
  /** Called with every status. If it throws, the check is aborted and the error rethrown. */
  readonly onStatus?: (event: StatusEvent) => void;
}

/** The options of `ConsistencyCheck.statuses()`: those of `wait()` but `onStatus` (the events are yielded instead). */
export type StatusesOptions = Omit<PollOptions, 'onStatus'>;

const POLL_KEYS = [
  'interval',
  'maxInterval',
  'backoff',
  'timeout',
  'abortTimeout',
  'signal',
  'onStatus',
] as const satisfies readonly (keyof PollOptions)[];

/** The keys each entry point accepts; any other key is a typo and a TypeError. */
const KEYS_OF = {
  checkConsistency: [...POLL_KEYS, 'backend'],
  startConsistencyCheck: ['backend', 'signal', 'timeout'],
  wait: POLL_KEYS,
  statuses: POLL_KEYS.filter((key) => key !== 'onStatus'),
} as const satisfies Record<string, readonly string[]>;

/** An entry point whose options are parsed here. */
export type OptionsOf = keyof typeof KEYS_OF;

/** Validated options: the poller's settings, and the backend choice (checked when it is selected). */
export interface ParsedOptions {
  readonly settings: PollSettings;
  readonly backend: BackendChoice | undefined;
}

/**
 * Validate the options of `entry` (a TypeError or RangeError with a Node `code`, naming the field;
 * unknown keys are rejected with the nearest valid one) and fill in the defaults.
 */
export function parseOptions(options: unknown, entry: OptionsOf): ParsedOptions {
  const o = optionalObject(options, 'options');
  rejectUnknownKeys(o, KEYS_OF[entry], 'option');
  // Each key is read once: what is validated is what is used, even from a getter.
  const { backend, interval, maxInterval, backoff, timeout, abortTimeout, signal, onStatus } = o;
  const intervalMs = interval === undefined ? DEFAULT_INTERVAL_MS : requireDuration(interval, 'options.interval');
  const maxIntervalMs =
    maxInterval === undefined ? Math.max(DEFAULT_MAX_INTERVAL_MS, intervalMs) : requireDuration(maxInterval, 'options.maxInterval');
  if (maxIntervalMs < intervalMs) {
    throw outOfRange(`options.maxInterval (${maxIntervalMs}) must not be less than options.interval (${intervalMs})`);
  }
  const settings: PollSettings = {
    intervalMs,
    maxIntervalMs,
    backoff: backoff === undefined ? DEFAULT_BACKOFF : requireFactor(backoff, 'options.backoff'),
    timeoutMs: timeout === undefined ? DEFAULT_TIMEOUT_MS : requireDuration(timeout, 'options.timeout'),
    abortTimeoutMs: abortTimeout === undefined ? DEFAULT_ABORT_TIMEOUT_MS : requireDuration(abortTimeout, 'options.abortTimeout'),
    signal: optionalSignal(signal, 'options.signal'),
    onStatus: optionalFunction<(event: StatusEvent) => void>(onStatus, 'options.onStatus'),
  };
  return { settings, backend: backend as BackendChoice | undefined };
}
