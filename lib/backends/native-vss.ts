/**
 * The native backends' VSS requester: the addon's `VssSession` (native/com/vss_backup.h, on real
 * vssapi, its fake under Wine, or the native mock's fake VSS) as lib/vss/types.ts's VssSession.
 * Every promise holds the event loop while its native step is pending, as every call of the
 * native adapter does (loop-hold.ts); an aborted wait asks the addon to call IVssAsync::Cancel.
 */
import { vssErrorForCall } from '../errors';
import { HRESULT } from '../hresult';
import { VSS_CALL_PHASE } from '../vss/report';
import {
  WRITER_STATES,
  type VssCall,
  type VssRequester,
  type VssSession,
  type Writer,
  type WriterComponent,
  type WriterStatus,
} from '../vss/types';
import { isCallFailure, type NativeRuntime, type NativeVssSession } from './load';
import { CallHolds, type LoopHold } from './loop-hold';

/** The typed error of a failed step; an aborted wait rejects with its signal's reason, as the TypeScript mock's does. */
function typedVssError(call: VssCall, error: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted && isCallFailure(error) && error.hresult === HRESULT.VSS_S_ASYNC_CANCELLED) return signal.reason;
  if (!isCallFailure(error)) return error;
  // The detail names the VSS function that failed when it is not the step itself (InitializeForBackup, GetVolumePathNameW).
  const detail = error.detail === '' || error.detail === call ? undefined : error.detail;
  return vssErrorForCall(call, error.hresult, VSS_CALL_PHASE[call], detail);
}

class NativeVssSessionAdapter implements VssSession {
  private readonly holds = new CallHolds();

  constructor(
    private readonly session: NativeVssSession,
    private readonly loop: LoopHold,
  ) {}

  /** One step: held, its wait cancelled when `signal` aborts, its failure typed. */
  private async step<T>(call: VssCall, start: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const work = start();
    const cancel = () => this.session.cancelWait();
    if (signal?.aborted) cancel();
    else signal?.addEventListener('abort', cancel, { once: true });
    try {
      return await this.loop.until(work, this.holds);
    } catch (error) {
      throw typedVssError(call, error, signal);
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
  }

  gatherWriterMetadata(signal: AbortSignal): Promise<Writer[]> {
    return this.step('GatherWriterMetadata', () => this.session.gatherWriterMetadata(), signal);
  }

  async gatherWriterStatus(signal: AbortSignal): Promise<WriterStatus[]> {
    const statuses = await this.step('GatherWriterStatus', () => this.session.gatherWriterStatus(), signal);
    return statuses.map((s) => ({ ...s, stateName: WRITER_STATES[s.state] ?? 'unknown' }));
  }

  volumeOf(path: string): Promise<string> {
    return this.step('GetVolumeName', () => this.session.volumeOf(path));
  }

  addComponent(writer: { readonly writerId: string; readonly instanceId: string }, component: WriterComponent): Promise<void> {
    return this.step('AddComponent', () =>
      this.session.addComponent(writer.instanceId, writer.writerId, component.logicalPath, component.name),
    );
  }

  startSnapshotSet(): Promise<string> {
    return this.step('StartSnapshotSet', () => this.session.startSnapshotSet());
  }

  addToSnapshotSet(volume: string): Promise<string> {
    return this.step('AddToSnapshotSet', () => this.session.addToSnapshotSet(volume));
  }

  prepareForBackup(signal: AbortSignal): Promise<void> {
    return this.step('PrepareForBackup', () => this.session.prepareForBackup(), signal);
  }

  doSnapshotSet(signal: AbortSignal): Promise<void> {
    return this.step('DoSnapshotSet', () => this.session.doSnapshotSet(), signal);
  }

  snapshotDevice(snapshotId: string): Promise<string> {
    return this.step('GetSnapshotProperties', () => this.session.snapshotDevice(snapshotId));
  }

  backupComplete(signal: AbortSignal): Promise<void> {
    return this.step('BackupComplete', () => this.session.backupComplete(), signal);
  }

  abortBackup(): Promise<void> {
    return this.step('AbortBackup', () => this.session.abortBackup());
  }

  release(): Promise<void> {
    return this.loop.release(this.holds, () => this.session.release());
  }
}

/** The requester of a native runtime; undefined for a binding built before VSS. */
export function nativeVss(runtime: NativeRuntime, loop: LoopHold): VssRequester | undefined {
  const create = runtime.createBackupComponents?.bind(runtime);
  if (create === undefined) return undefined;
  return {
    async createBackupComponents() {
      try {
        return new NativeVssSessionAdapter(await loop.until(create()), loop);
      } catch (error) {
        throw typedVssError('CreateVssBackupComponents', error, undefined);
      }
    },
  };
}
