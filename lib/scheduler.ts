/**
 * The shared poll scheduler: every wait of every check (and of the TypeScript mock's delays)
 * is an entry due at a whole millisecond, and one timer serves every entry due by the time it
 * fires. 10,000 checks polling every 10 ms then cost about one timer per tick, not one timer,
 * sleep promise and `Promise.race` per poll.
 *
 * Entries due at the same millisecond share a bucket; the due times with a bucket sit in a
 * binary min-heap, so scheduling is O(log distinct due times), cancelling is O(1) (the entry is
 * skipped where it lies), and firing is O(entries due). The timer is ref'd while any entry is
 * live, as each wait's own timer was: a polled check keeps the process alive. An entry is a
 * {@link Timer}, which the poller reuses for every wait of a check.
 *
 * Fake-timer friendly: time is `Date.now()` and timers are the global `setTimeout` /
 * `clearTimeout`, both looked up at call time, and there is one scheduler per `setTimeout`
 * function, so a test that installs fake timers gets a scheduler of its own on the fake clock.
 */

/** A scheduled task; `cancel()` it to drop it. */
export interface Scheduled {
  cancel(): void;
}

/**
 * A reusable wait for one task: `start()` it again once it ran or was cancelled, with no new
 * object per wait (the poller's one per check). A bucket may still list it where a cancelled
 * wait was: only the listing at its current due time counts, the others are skipped.
 */
export class Timer implements Scheduled {
  /** @internal the ms it is due at; undefined when it is not pending */
  due: number | undefined;

  constructor(
    readonly owner: Scheduler,
    private readonly task: () => void,
  ) {}

  /** Run the task once, `delayMs` from now (see {@link Scheduler.schedule}); a pending wait is dropped first. */
  start(delayMs: number): void {
    this.cancel();
    this.owner.add(this, delayMs);
  }

  cancel(): void {
    if (this.due === undefined) return;
    this.due = undefined;
    this.owner.dropped();
  }

  /** @internal the scheduler runs it, due */
  run(): void {
    this.due = undefined;
    this.task();
  }
}

export class Scheduler {
  private readonly buckets = new Map<number, Timer[]>();
  private readonly heap: number[] = [];
  private live = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private armedFor = Infinity;

  constructor(
    private readonly setTimer: typeof setTimeout,
    private readonly clearTimer: typeof clearTimeout,
  ) {}

  /**
   * Run `task` once, `delayMs` from now, rounded up to a whole ms and at least 1 ms (as
   * `setTimeout`): a task scheduled while others run always waits for a later tick.
   */
  schedule(delayMs: number, task: () => void): Scheduled {
    const timer = this.timerFor(task);
    timer.start(delayMs);
    return timer;
  }

  /** A {@link Timer} for `task` on this scheduler, not started. */
  timerFor(task: () => void): Timer {
    return new Timer(this, task);
  }

  /** @internal `timer` was started */
  add(timer: Timer, delayMs: number): void {
    const due = Date.now() + Math.max(1, Math.ceil(delayMs));
    timer.due = due;
    const bucket = this.buckets.get(due);
    if (bucket === undefined) {
      this.buckets.set(due, [timer]);
      pushHeap(this.heap, due);
    } else {
      bucket.push(timer);
    }
    this.live += 1;
    if (due < this.armedFor) this.arm(due);
  }

  /** Tasks scheduled and neither run nor cancelled. */
  get pending(): number {
    return this.live;
  }

  /** @internal a pending timer was cancelled */
  dropped(): void {
    this.live -= 1;
    if (this.live === 0) this.reset();
  }

  private arm(due: number): void {
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.armedFor = due;
    this.timer = this.setTimer(() => this.fire(), Math.max(0, due - Date.now()));
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = Date.now();
    while (this.heap.length > 0 && this.heap[0] <= now) {
      const due = popHeap(this.heap);
      const bucket = this.buckets.get(due) ?? [];
      this.buckets.delete(due);
      for (const timer of bucket) if (timer.due === due) this.runTimer(timer);
    }
    if (this.live === 0) this.reset();
    else if (this.heap.length > 0) this.arm(this.heap[0]);
  }

  private runTimer(timer: Timer): void {
    this.live -= 1;
    try {
      timer.run();
    } catch (error) {
      // A bug in a task: reported as uncaught, without starving the other tasks due now.
      process.nextTick(() => {
        throw error;
      });
    }
  }

  /** Nothing is live: forget the cancelled listings and let the process go. */
  private reset(): void {
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
    this.buckets.clear();
    this.heap.length = 0;
  }
}

const schedulers = new WeakMap<typeof setTimeout, Scheduler>();

/** The scheduler of the timers installed now (the real ones, or a test's fake ones). */
export function scheduler(): Scheduler {
  const setTimer = globalThis.setTimeout;
  let current = schedulers.get(setTimer);
  if (current === undefined) {
    current = new Scheduler(setTimer, globalThis.clearTimeout);
    schedulers.set(setTimer, current);
  }
  return current;
}

function pushHeap(heap: number[], value: number): void {
  let i = heap.push(value) - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent] <= value) break;
    heap[i] = heap[parent];
    i = parent;
  }
  heap[i] = value;
}

function popHeap(heap: number[]): number {
  const top = heap[0];
  const last = heap.pop() as number;
  if (heap.length === 0) return top;
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= heap.length) break;
    const child = left + 1 < heap.length && heap[left + 1] < heap[left] ? left + 1 : left;
    if (heap[child] >= last) break;
    heap[i] = heap[child];
    i = child;
  }
  heap[i] = last;
  return top;
}
