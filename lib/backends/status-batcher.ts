/**
 * Batched QueryStatus for the native backends: every QueryStatus asked for in one JS turn (all
 * the checks the poll scheduler found due at one tick) goes to the addon in one
 * `queryStatusBatch` call, which posts them to the COM threads at once and hands their results
 * back together, settled in one JS turn. Each call still runs on a COM thread of its own: a hung
 * one holds up nothing else.
 *
 * Keeping the process alive: batched calls do not hold the event loop in the addon; each pending
 * status holds the backend's LoopHold instead (loop-hold.ts), under its operation's CallHolds, so
 * releasing the operation lets its pending status go and a hung add-in never keeps the process up.
 */
import type { NativeBinding, NativeOperation } from './load';
import { LoopHold, CallHolds } from './loop-hold';
import type { StatusTo } from './types';

/** The addon's entry point (see NativeBinding): `onResults` gets each result once, possibly over several calls. */
export type QueryStatusBatch = NativeBinding['queryStatusBatch'];

export class StatusBatcher {
  // Parallel arrays, not an object per call: a poll allocates nothing here.
  private operations: NativeOperation[] = [];
  private sinks: StatusTo[] = [];
  private holds: CallHolds[] = [];
  private readonly flush = (): void => this.send();

  constructor(
    /** The backend's hold on the event loop, shared with its other calls. */
    private readonly loop: LoopHold,
    private readonly batch: QueryStatusBatch,
    /** The error for a failed call. */
    private readonly failure: (error: unknown) => unknown,
  ) {}

  /** One QueryStatus on `operation`, sent with the others asked for in this turn; its outcome goes to `to`. */
  queryStatus(operation: NativeOperation, holds: CallHolds, to: StatusTo): void {
    // A real microtask (fake timers never hold it back): it runs once this turn's polls are in.
    if (this.operations.length === 0) void Promise.resolve().then(this.flush);
    this.operations.push(operation);
    this.sinks.push(to);
    this.holds.push(holds);
    holds.count += 1;
    this.loop.add();
  }

  private send(): void {
    const { operations, sinks, holds } = this;
    this.operations = [];
    this.sinks = [];
    this.holds = [];
    try {
      this.batch(operations, (indices, statuses, failures) => {
        for (let k = 0; k < indices.length; k++) {
          const i = indices[k];
          this.loop.settled(holds[i]); // nothing when released meanwhile: already let go
          const failed = failures?.[k];
          if (failed === undefined) sinks[i].answered(statuses[k]);
          else sinks[i].failed(this.failure(failed));
        }
      });
    } catch (error) {
      // The batch was refused as a whole (a bug: the handles are ours): every call fails with it.
      for (let i = 0; i < sinks.length; i++) {
        this.loop.settled(holds[i]);
        sinks[i].failed(error);
      }
    }
  }
}
