/**
 * A stop: an overall deadline and an AbortSignal, armed once for a whole check or call (one
 * timer per check, not per poll). The poller listens for it (`onStop`); the one-shot steps of
 * a call race their promise against it (`race`).
 */

/** Why a check or call was stopped. */
export type StopReason = 'timeout' | 'abort';

/** Thrown inside the library when the deadline passes or the signal fires. */
export class StopRequested {
  constructor(readonly reason: StopReason) {}
}

export class Stopper {
  private reason: StopReason | undefined;
  private readonly listeners = new Set<(reason: StopReason) => void>();
  private stopped: Promise<never> | undefined;
  private readonly timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onAbort: (() => void) | undefined;

  /** The stopper of a check that started at `startedAt`: its deadline counts from then. */
  static forCheck(settings: { readonly signal: AbortSignal | undefined; readonly timeoutMs: number }, startedAt: number): Stopper {
    return new Stopper(settings.signal, Math.max(0, settings.timeoutMs - (Date.now() - startedAt)));
  }

  constructor(
    private readonly signal: AbortSignal | undefined,
    timeoutMs: number,
  ) {
    if (signal?.aborted) {
      this.reason = 'abort';
      return;
    }
    this.timer = setTimeout(() => this.stop('timeout'), timeoutMs);
    if (signal) {
      this.onAbort = () => this.stop('abort');
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  /** Why it stopped, or undefined while it has not. */
  get stoppedBy(): StopReason | undefined {
    return this.reason;
  }

  /** Call `listener` when it stops (not if it has already: check `stoppedBy`). Returns the unsubscribe. */
  onStop(listener: (reason: StopReason) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Wait for `work`, unless the stop comes first (StopRequested). A late rejection of `work` is swallowed. */
  race<T>(work: Promise<T>): Promise<T> {
    work.catch(() => {});
    this.stopped ??= this.stoppedPromise();
    return Promise.race([work, this.stopped]);
  }

  dispose(): void {
    clearTimeout(this.timer);
    if (this.onAbort) this.signal?.removeEventListener('abort', this.onAbort);
    this.listeners.clear();
  }

  private stoppedPromise(): Promise<never> {
    const stopped = new Promise<never>((_, reject) => {
      if (this.reason !== undefined) reject(new StopRequested(this.reason));
      else this.onStop((reason) => reject(new StopRequested(reason)));
    });
    stopped.catch(() => {});
    return stopped;
  }

  private stop(reason: StopReason): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    for (const listener of [...this.listeners]) listener(reason);
  }
}
