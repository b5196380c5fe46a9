/**
 * Where a running command is (the step it last said it was waiting on), so a command that never
 * finishes can say where it stopped (main.ts's drain guard) instead of only that it did.
 */
export class Trail {
  private last: string | undefined;

  at(step: string): void {
    this.last = step;
  }

  /** The last step, or undefined when the command reported none. */
  get where(): string | undefined {
    return this.last;
  }
}
