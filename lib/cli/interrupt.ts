/**
 * Signals (and a failing stdout) during a command. The first one aborts the signal, so the
 * library calls Abort on a running check and waits (bounded) for its answer; a second signal
 * means "do not wait any longer".
 */
import type { CliIo, StopCause } from './io';

export interface Interrupts {
  /** Aborted on the first stop cause; its reason says which. */
  readonly signal: AbortSignal;
  /** Resolves on a second signal. */
  readonly forced: Promise<void>;
  /** Stop listening (restores Node's default: a signal kills the process). */
  dispose(): void;
}

/** `Ctrl+C`, `SIGTERM`, `stdout EPIPE`: the cause in a few words. */
export function describeCause(cause: StopCause): string {
  if (cause.kind === 'output') return `stdout ${cause.error.code ?? cause.error.message}`;
  return cause.signal === 'SIGINT' ? 'Ctrl+C' : cause.signal;
}

/** A command stopped by a signal (or a failing stdout) while a call other than a check was running. */
export class InterruptedError extends Error {
  readonly code = 'ERR_INTERRUPTED';
  constructor(what: string, cause: StopCause) {
    super(`${what} interrupted (${describeCause(cause)})`);
    this.name = 'InterruptedError';
  }
}

/**
 * Watch for stop causes. `onFirst` hears of the first, for a note to the user; stdout failing is
 * not a request of the user's and is only worth stopping for.
 */
export function watchInterrupts(io: CliIo, onFirst: (cause: StopCause) => void): Interrupts {
  const controller = new AbortController();
  let force: () => void = () => {};
  const forced = new Promise<void>((resolve) => {
    force = resolve;
  });
  const dispose = io.onInterrupt((cause) => {
    if (controller.signal.aborted) {
      if (cause.kind === 'signal') force();
      return;
    }
    if (cause.kind === 'signal') onFirst(cause);
    controller.abort(cause);
  });
  return { signal: controller.signal, forced, dispose };
}

/**
 * Run `call` until it settles or a stop cause arrives, whichever is first; the latter rejects
 * with an InterruptedError naming `what`. `call` gets the signal to hand to the library.
 */
export async function interruptible<T>(io: CliIo, what: string, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const interrupts = watchInterrupts(io, () => {});
  const stopped = new Promise<never>((_, reject) => {
    interrupts.signal.addEventListener('abort', () => reject(new InterruptedError(what, interrupts.signal.reason as StopCause)), {
      once: true,
    });
  });
  try {
    return await Promise.race([call(interrupts.signal), stopped]);
  } finally {
    interrupts.dispose();
  }
}
