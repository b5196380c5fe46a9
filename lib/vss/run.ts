/**
 * One check on a snapshot while it runs: its backup components object, its stopper (the one
 * deadline and signal), its record, and where Microsoft's termination rules stand. Every VSS call
 * goes through `call`, and the end through `cleanUp`, so the rules live here once.
 */
import { callStopError } from '../deadline';
import { type AbortedError, type TimeoutError, VssError, WsbError } from '../errors';
import { HRESULT } from '../hresult';
import { settlesWithin } from '../releases';
import { StopRequested, Stopper } from '../stopper';
import type { SnapshotRecord } from './record';
import type { SnapshotPhase } from './report';
import { statusOf } from './session';
import type { VssCall, VssSession, Writer, WriterState } from './types';

/** How long a cancelled wait (IVssAsync::Cancel) may take to end, and each cleanup call (AbortBackup, BackupComplete, the release). */
export const VSS_CANCEL_WAIT_MS = 5_000;

/** How a call came out after its stop: done (it finished anyway), failed, or still running (it ignored Cancel). */
type Late = { kind: 'done' } | { kind: 'failed'; error: unknown } | { kind: 'running' };

/** `work`'s end within `ms` of now. */
async function lateEnd(work: Promise<unknown>, ms: number): Promise<Late> {
  let late: Late = { kind: 'running' };
  await settlesWithin(
    work.then(
      () => (late = { kind: 'done' }),
      (error: unknown) => (late = { kind: 'failed', error }),
    ),
    ms,
  );
  return late;
}

export interface RunSettings {
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
  readonly startedAt: number;
  readonly onPhase: ((phase: SnapshotPhase) => void) | undefined;
}

export class SnapshotRun {
  session: VssSession | undefined;
  /** The application's writer, once found. */
  writer: Writer | undefined;
  /** PrepareForBackup succeeded: from here a failure needs AbortBackup. */
  prepared = false;
  /** DoSnapshotSet succeeded: from here the end is BackupComplete. */
  snapshotted = false;
  phase: SnapshotPhase = 'writers';
  /** Ends this process's turn to create a snapshot set (set by the prepare phase). */
  endTurn: () => void = () => {};
  /** An error of `onPhase` in the complete phase, thrown once the cleanup is done. */
  callbackFailure: unknown;
  readonly stopper: Stopper;
  private readonly cancel = new AbortController();

  constructor(
    readonly record: SnapshotRecord,
    readonly settings: RunSettings,
  ) {
    this.stopper = Stopper.forCheck(settings, settings.startedAt);
    this.stopper.onStop((reason) => this.cancel.abort(new StopRequested(reason)));
  }

  /** Enter `phase`: recorded, and told to `onPhase`, whose error stops the run (after the cleanup, in the last phase). */
  enter(phase: SnapshotPhase): void {
    this.phase = phase;
    this.record.enter(phase);
    try {
      this.settings.onPhase?.(phase);
    } catch (error) {
      if (phase !== 'complete') throw error;
      this.callbackFailure ??= error;
    }
  }

  /** What is left of the deadline; a stop error when nothing is. */
  remainingMs(): number {
    const left = this.settings.timeoutMs - (Date.now() - this.settings.startedAt);
    if (left <= 0) throw this.stopped(new StopRequested('timeout'), undefined);
    return left;
  }

  /**
   * One VSS call under the stopper, recorded with its HRESULT and its failure named with the
   * phase. After a stop, the call (its wait cancelled) gets VSS_CANCEL_WAIT_MS to end: `done`
   * runs when it succeeds, in time or late, so the cleanup sees what really happened.
   */
  async call<T>(call: VssCall, work: (signal: AbortSignal) => Promise<T>, done?: (value: T) => void): Promise<T> {
    const started = performance.now();
    const pending = work(this.cancel.signal).then((value) => {
      done?.(value);
      return value;
    });
    try {
      const value = await this.stopper.race(pending);
      this.record.note(call, HRESULT.S_OK, started);
      return value;
    } catch (error) {
      if (!(error instanceof StopRequested)) {
        this.record.note(call, error instanceof WsbError ? error.hresult : HRESULT.E_UNEXPECTED, started);
        throw error instanceof VssError ? error.inPhase(this.phase) : error;
      }
      const late = await lateEnd(pending, VSS_CANCEL_WAIT_MS);
      const hresult = late.kind === 'done' ? HRESULT.S_OK : late.kind === 'running' ? HRESULT.ERROR_TIMEOUT : HRESULT.VSS_S_ASYNC_CANCELLED;
      this.record.note(call, hresult, started);
      throw this.stopped(error, call);
    }
  }

  /** `work` under the stopper, a stop becoming TimeoutError / AbortedError. */
  async race<T>(work: Promise<T>): Promise<T> {
    try {
      return await this.stopper.race(work);
    } catch (error) {
      throw error instanceof StopRequested ? this.stopped(error, undefined) : error;
    }
  }

  /** The TimeoutError / AbortedError of a stop during `call`. */
  stopped(stop: StopRequested, call: VssCall | undefined): TimeoutError | AbortedError {
    return callStopError(stop.reason, call, `${this.phase} phase of the check on a snapshot`, this.settings.startedAt, this.settings);
  }

  /** The state GatherWriterStatus gives for the writer's instance. */
  async writerStatus(writer: Writer): Promise<WriterState> {
    const statuses = await this.call('GatherWriterStatus', (signal) => this.sessionNow().gatherWriterStatus(signal));
    const status = statusOf(statuses, writer);
    if (status === undefined)
      throw new VssError(`the writer ${writer.name} ${writer.writerId} is gone from VSS`, {
        hresult: HRESULT.VSS_E_OBJECT_NOT_FOUND,
        call: 'GatherWriterStatus',
        phase: this.phase,
        returnedByCall: false,
      });
    return status;
  }

  sessionNow(): VssSession {
    if (this.session === undefined) throw new Error('wsbapp: a VSS call before the backup components object exists (a bug)');
    return this.session;
  }

  /**
   * The end Microsoft's rules give: BackupComplete after a snapshot, AbortBackup after a
   * successful PrepareForBackup, else nothing; then the release, and the end of the process's
   * turn to create a set. Each step bounded by VSS_CANCEL_WAIT_MS, whatever the deadline: a
   * stopped run still cleans up. Resolves with the first failure of these steps.
   */
  async cleanUp(): Promise<VssError | undefined> {
    const session = this.session;
    this.session = undefined;
    if (session === undefined) return undefined;
    let failure: VssError | undefined;
    const bounded = async (call: VssCall, work: (signal: AbortSignal) => Promise<unknown>): Promise<boolean> => {
      const started = performance.now();
      const cancel = new AbortController();
      const step = new Stopper(undefined, VSS_CANCEL_WAIT_MS);
      step.onStop(() => cancel.abort(new StopRequested('timeout')));
      try {
        await step.race(work(cancel.signal));
        this.record.note(call, HRESULT.S_OK, started);
        return true;
      } catch (error) {
        const hresult = error instanceof WsbError ? error.hresult : HRESULT.ERROR_TIMEOUT;
        this.record.note(call, hresult, started);
        failure ??=
          error instanceof VssError
            ? error.inPhase(this.phase)
            : new VssError(`${call} did not return within ${VSS_CANCEL_WAIT_MS} ms`, {
                hresult,
                call,
                phase: this.phase,
                returnedByCall: false,
              });
        return false;
      } finally {
        step.dispose();
      }
    };
    try {
      if (this.snapshotted) {
        this.enter('complete');
        this.record.cleanup = 'backup-complete';
        if ((await bounded('BackupComplete', (signal) => session.backupComplete(signal))) && this.writer !== undefined)
          await this.recordAfter(session, this.writer);
      } else if (this.prepared) {
        this.record.cleanup = 'abort-backup';
        await bounded('AbortBackup', () => session.abortBackup());
      }
    } finally {
      // The release deletes the non-persistent snapshots; a hung one still lets the run end.
      await settlesWithin(
        session.release().catch(() => undefined),
        VSS_CANCEL_WAIT_MS,
      );
      this.endTurn();
    }
    return failure;
  }

  /** The writer's state once the backup completed (best effort: the verdict does not depend on it; `after` stays null). */
  private async recordAfter(session: VssSession, writer: Writer): Promise<void> {
    const started = performance.now();
    const cancel = new AbortController();
    const pending = session.gatherWriterStatus(cancel.signal);
    const late = await lateEnd(pending, VSS_CANCEL_WAIT_MS);
    if (late.kind === 'running') cancel.abort(new StopRequested('timeout'));
    const status = late.kind === 'done' ? statusOf(await pending, writer) : undefined;
    if (status !== undefined) this.record.writerState('after', status);
    const failed = late.kind === 'failed' && late.error instanceof WsbError ? late.error.hresult : HRESULT.ERROR_TIMEOUT;
    this.record.note('GatherWriterStatus', late.kind === 'done' ? HRESULT.S_OK : failed, started);
  }
}
