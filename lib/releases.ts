/**
 * Releases in flight, process-wide. A Release is handed to a COM thread and returns later; a
 * process that exits first leaves the add-in holding a reference (its server process stays
 * alive until COM's rundown). Everything that releases registers here, so a CLI or an agent can
 * wait for every Release it started before it exits.
 */
import { invalidType, outOfRange } from './input-errors';
import { rejectUnknownKeys } from './strict';
import { MAX_DURATION_MS } from './validate';

/** How long a wait for releases lasts by default (waitForReleases, `close()`, the one-shot calls). */
export const DEFAULT_RELEASE_TIMEOUT_MS = 5_000;

const inFlight = new Set<Promise<void>>();

/** Track `release` until it settles; returns it (never rejecting) for the caller to await. */
export function trackRelease(release: Promise<unknown>): Promise<void> {
  const settled = release.then(
    () => {},
    () => {},
  );
  inFlight.add(settled);
  void settled.finally(() => inFlight.delete(settled));
  return settled;
}

/** Anything the library releases: a backend add-in or operation. */
export interface Releasable {
  release(): Promise<void>;
}

/**
 * Release each target (skipping nulls), every one even when another throws, and track them as
 * one release. A synchronous throw is a bug in a backend: rethrown once all were released.
 */
export function releaseAll(targets: ReadonlyArray<Releasable | null>): Promise<void> {
  const started: Promise<void>[] = [];
  const thrown: unknown[] = [];
  for (const target of targets) {
    try {
      if (target !== null) started.push(target.release());
    } catch (error) {
      thrown.push(error);
    }
  }
  const tracked = trackRelease(Promise.all(started));
  if (thrown.length > 0) throw thrown[0];
  return tracked;
}

/** How {@link waitForReleases} (or a handle's `close()`) ended. */
export interface ReleaseWait {
  /** True when every release waited for returned before the timeout. */
  readonly settled: boolean;
  /** Releases still in flight when it returned. */
  readonly pending: number;
}

/** Options of a handle's `close()`: how long to wait for its Release. */
export interface CloseOptions {
  /** Ms to wait for the final Release to return, >= 0. Default 5000. The Release goes on after it. */
  readonly timeout?: number;
}

/** Validate close() options (a TypeError/RangeError with a Node code); the bound in ms. */
export function parseCloseOptions(options: unknown): number {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw invalidType(`options must be an object, got ${String(options)}`);
  rejectUnknownKeys(options, ['timeout'], 'option');
  const timeout = (options as CloseOptions).timeout;
  if (timeout === undefined) return DEFAULT_RELEASE_TIMEOUT_MS;
  if (typeof timeout !== 'number') throw invalidType(`options.timeout must be a number of milliseconds, got ${typeof timeout}`);
  if (!Number.isFinite(timeout) || timeout < 0 || timeout > MAX_DURATION_MS) {
    throw outOfRange(`options.timeout must be a finite number of milliseconds in [0, ${MAX_DURATION_MS}], got ${timeout}`);
  }
  return timeout;
}

/** Wait for `work` at most `timeoutMs`; true when it settled in time. The timer holds the event loop meanwhile. */
export async function settlesWithin(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      expired,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Wait until every release in flight (those started before and during the wait) has returned,
 * or `timeout` ms have passed. Call it before `process.exit()`. Rejects only for bad options
 * (a TypeError / RangeError with a code, as `close()` gives), never for a Release.
 */
export async function waitForReleases(options: CloseOptions = {}): Promise<ReleaseWait> {
  const deadline = Date.now() + parseCloseOptions(options);
  while (inFlight.size > 0) {
    const left = deadline - Date.now();
    if (left <= 0 || !(await settlesWithin(Promise.all(inFlight), left))) break;
  }
  return { settled: inFlight.size === 0, pending: inFlight.size };
}
