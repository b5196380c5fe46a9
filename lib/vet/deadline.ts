/**
 * Every call vet makes has a deadline: a call that has not settled by then is abandoned (its
 * object is still released by the caller) and reported as hung, never awaited for ever.
 *
 * vet calls the Backend directly, below the library's call deadlines (lib/deadline.ts), because a
 * rule needs each call's outcome and timing as data rather than as a TimeoutError. It bounds the
 * wait, not the call, and clears its timer either way so a finished vet leaves nothing armed.
 */

/** How a bounded call ended, and how long it took. */
export type Bounded<T> =
  | { readonly kind: 'value'; readonly value: T; readonly elapsedMs: number }
  | { readonly kind: 'error'; readonly error: unknown; readonly elapsedMs: number }
  | { readonly kind: 'timeout'; readonly elapsedMs: number };

/** Wait for `start()` at most `deadlineMs`. `start` runs at once; a synchronous throw is an `error`. */
export async function bounded<T>(start: () => Promise<T>, deadlineMs: number): Promise<Bounded<T>> {
  const startedAt = performance.now();
  const elapsed = () => Math.round(performance.now() - startedAt);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<Bounded<T>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout', elapsedMs: elapsed() }), deadlineMs);
  });
  const call = (async (): Promise<Bounded<T>> => {
    try {
      return { kind: 'value', value: await start(), elapsedMs: elapsed() };
    } catch (error) {
      return { kind: 'error', error, elapsedMs: elapsed() };
    }
  })();
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A pause between polls. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
