/**
 * Ctrl+C during a check. The first one aborts the signal, so the library calls Abort on the
 * add-in and waits (bounded) for its answer; the second one means "do not wait any longer".
 */
import type { CliIo } from './io';

export interface Interrupts {
  /** Aborted on the first Ctrl+C. */
  readonly signal: AbortSignal;
  /** Resolves on the second Ctrl+C. */
  readonly forced: Promise<void>;
  /** Stop listening (restores Node's default: Ctrl+C kills the process). */
  dispose(): void;
}

export function watchInterrupts(io: CliIo, onFirst: () => void): Interrupts {
  const controller = new AbortController();
  let force: () => void = () => {};
  const forced = new Promise<void>((resolve) => {
    force = resolve;
  });
  const dispose = io.onInterrupt(() => {
    if (controller.signal.aborted) {
      force();
      return;
    }
    onFirst();
    controller.abort(new Error('interrupted (Ctrl+C)'));
  });
  return { signal: controller.signal, forced, dispose };
}
