/**
 * Node's rule for pending I/O, for the native backends: while a promise a backend handed out
 * waits on native work, the process stays alive. One ref'd handle per backend while anything
 * is held (real timers, never a test's fake ones).
 *
 * A hold ends when its work settles, when its owner lets go (a released handle lets go of the
 * calls in flight on it: the library released it because it gave up), or at its bound (a
 * Release that never returns may hold the process only so long).
 */
import { setInterval, setTimeout, clearTimeout } from 'node:timers';
import { DEFAULT_RELEASE_TIMEOUT_MS } from '../releases';

/** The holds of one owner (a handle): let go together when it is released. */
export class CallHolds {
  count = 0;
}

export class LoopHold {
  private held = 0;
  private handle: ReturnType<typeof setInterval> | undefined;

  add(): void {
    if (this.held === 0) (this.handle ??= setInterval(() => {}, 2 ** 31 - 1)).ref();
    this.held += 1;
  }

  drop(count: number): void {
    if (count === 0) return;
    if (count > this.held) throw new Error(`wsbapp: loop hold dropped ${count} with ${this.held} held (a bug)`);
    this.held -= count;
    if (this.held === 0) this.handle?.unref();
  }

  /** Hold the loop until `work` settles, `holds` is let go of (see {@link letGo}), or `boundMs` passes. */
  until<T>(work: Promise<T>, holds?: CallHolds, boundMs?: number): Promise<T> {
    const owner = holds ?? new CallHolds();
    owner.count += 1;
    this.add();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let ended = false; // the bound and the settling each end this one hold: only the first counts
    const done = (): void => {
      if (ended) return;
      ended = true;
      if (timer !== undefined) clearTimeout(timer);
      this.settled(owner);
    };
    // The bound's timer is unref'd: the hold itself is what keeps the process up until then.
    if (boundMs !== undefined) timer = setTimeout(done, boundMs).unref();
    work.then(done, done);
    return work;
  }

  /** One hold of `holds` ended (its work settled); nothing when its owner already let go. */
  settled(holds: CallHolds): void {
    if (holds.count === 0) return;
    holds.count -= 1;
    this.drop(1);
  }

  /**
   * Release a handle: the calls in flight on it (`holds`) let go of the loop, and the release
   * holds it until its final Release returned, or DEFAULT_RELEASE_TIMEOUT_MS: a hung add-in
   * cannot hold the process.
   */
  release(holds: CallHolds, release: () => Promise<void>): Promise<void> {
    this.letGo(holds);
    return this.until(release(), undefined, DEFAULT_RELEASE_TIMEOUT_MS);
  }

  /** `holds`' owner was released: its pending calls no longer keep the process alive. */
  letGo(holds: CallHolds): void {
    this.drop(holds.count);
    holds.count = 0;
  }
}
