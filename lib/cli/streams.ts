/**
 * stdout and stderr with their write errors caught. A reader that goes away (`| head -1`: EPIPE)
 * or a full disk (ENOSPC) surfaces as an 'error' event that would otherwise crash the process
 * with a stack trace; here the first failure is kept, listeners hear of it, and later writes
 * are dropped.
 */
import type { OutputStream } from './io';

export class GuardedStream implements OutputStream {
  private failure: NodeJS.ErrnoException | undefined;
  private readonly listeners = new Set<(error: NodeJS.ErrnoException) => void>();

  constructor(private readonly target: NodeJS.WritableStream & { readonly isTTY?: boolean }) {
    target.on('error', (error: NodeJS.ErrnoException) => this.fail(error));
  }

  get isTTY(): boolean | undefined {
    return this.target.isTTY;
  }

  /** The first write error, if any. */
  get failed(): NodeJS.ErrnoException | undefined {
    return this.failure;
  }

  write(text: string): boolean {
    if (this.failure) return false;
    // The callback sees the error of this very write, before the stream's 'error' event.
    return this.target.write(text, (error) => {
      if (error) this.fail(error);
    });
  }

  /** Resolves once everything written so far has reached the system (or failed). */
  flush(): Promise<void> {
    if (this.failure) return Promise.resolve();
    return new Promise((resolve) => this.target.write('', () => resolve()));
  }

  /** Hear of the first write error. Returns the unsubscribe function. */
  onFailure(listener: (error: NodeJS.ErrnoException) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private fail(error: NodeJS.ErrnoException): void {
    if (this.failure) return;
    this.failure = error;
    for (const listener of [...this.listeners]) listener(error);
  }
}
