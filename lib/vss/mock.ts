/**
 * The TypeScript mock of the VSS requester side: the `vss` section of a normalised scenario
 * played as backup components objects. It keeps VSS's call order (VSS_E_BAD_STATE out of
 * order), one snapshot set in creation per machine (VSS_E_SNAPSHOT_SET_IN_PROGRESS across
 * sessions), and counts its live objects and sets so tests can see that nothing is left.
 */
import { randomUUID } from 'node:crypto';
import { vssErrorForCall } from '../errors';
import { HRESULT } from '../hresult';
import type { NormalizedVss, NormalizedVssCall, NormalizedWriter } from './scenario';
import { VSS_CALL_PHASE } from './report';
import {
  WRITER_STATES,
  type VssCall,
  type VssRequester,
  type VssSession,
  type Writer,
  type WriterComponent,
  type WriterState,
  type WriterStateName,
  type WriterStatus,
} from './types';

/** What the mock's "machine" holds now: for tests that nothing outlives a run. */
export interface VssMockState {
  /** Backup components objects not released. */
  readonly liveSessions: number;
  /** Snapshots that exist (they go with their session's release). */
  readonly liveSnapshots: number;
  /** Every call, in order, with the session it was made on. */
  readonly calls: readonly { readonly session: number; readonly call: VssCall }[];
}

const guid = () => `{${randomUUID().toUpperCase()}}`;
const STATE = (name: (typeof WRITER_STATES)[number]) => WRITER_STATES.indexOf(name);

/** The machine the sessions share. */
class MockMachine {
  liveSessions = 0;
  liveSnapshots = 0;
  nextDevice = 1;
  nextSession = 1;
  /** The session whose snapshot set is in creation (StartSnapshotSet until DoSnapshotSet ends), if any. */
  creating: number | undefined;
  readonly calls: { session: number; call: VssCall }[] = [];
  private readonly made = new Map<VssCall, number>();

  constructor(readonly vss: NormalizedVss) {}

  /** How the `call`-th call answers: its scripted HRESULT while `times` lasts, S_OK after. */
  answer(call: VssCall): NormalizedVssCall {
    const script = this.vss.calls[call];
    const n = (this.made.get(call) ?? 0) + 1;
    this.made.set(call, n);
    const failing = script.times === -1 || n <= script.times;
    return failing ? script : { ...script, hresult: HRESULT.S_OK, hang: false, ignoresCancel: false };
  }
}

/** Waits `script.delayMs`, or for ever when it hangs; `signal` (Cancel) ends the wait unless the script ignores Cancel. */
function play(script: NormalizedVssCall, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = script.hang ? undefined : setTimeout(resolve, script.delayMs);
    if (signal === undefined || script.ignoresCancel) return;
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

type Stage = 'created' | 'gathered' | 'set-started' | 'prepared' | 'snapshotted' | 'completed' | 'aborted' | 'released';

class MockSession implements VssSession {
  private stage: Stage = 'created';
  private setId: string | undefined;
  private readonly snapshots = new Map<string, { volume: string; device: string | undefined }>();
  private readonly components: { writerId: string; component: WriterComponent }[] = [];
  private prepared = false;
  private snapshotted = false;

  constructor(
    private readonly machine: MockMachine,
    private readonly id: number,
  ) {}

  gatherWriterMetadata(signal: AbortSignal): Promise<Writer[]> {
    return this.run('GatherWriterMetadata', ['created', 'gathered'], signal, () => {
      this.stage = 'gathered';
      return this.machine.vss.writers.map((w) => ({
        writerId: w.writerId,
        instanceId: w.instanceId,
        name: w.name,
        components: w.components,
        metadataXml: w.metadataXml,
      }));
    });
  }

  gatherWriterStatus(signal: AbortSignal): Promise<WriterStatus[]> {
    return this.run('GatherWriterStatus', ['gathered', 'set-started', 'prepared', 'snapshotted', 'completed'], signal, () =>
      this.machine.vss.writers.map((w) => ({ ...this.stateOf(w), writerId: w.writerId, instanceId: w.instanceId })),
    );
  }

  volumeOf(path: string): Promise<string> {
    return this.run('GetVolumeName', null, undefined, () => {
      const lower = path.toLowerCase();
      const mount = this.machine.vss.volumes
        .filter((v) => lower.startsWith(v.mountPoint.toLowerCase()))
        .sort((a, b) => b.mountPoint.length - a.mountPoint.length)[0];
      if (mount === undefined) throw vssErrorForCall('GetVolumeName', HRESULT.ERROR_PATH_NOT_FOUND, 'prepare', path);
      return mount.volume;
    });
  }

  addComponent(writer: { readonly writerId: string }, component: WriterComponent): Promise<void> {
    return this.run('AddComponent', ['gathered'], undefined, () => {
      this.components.push({ writerId: writer.writerId, component });
    });
  }

  startSnapshotSet(): Promise<string> {
    return this.run('StartSnapshotSet', ['gathered'], undefined, () => {
      if (this.machine.creating !== undefined && this.machine.creating !== this.id)
        throw vssErrorForCall('StartSnapshotSet', HRESULT.VSS_E_SNAPSHOT_SET_IN_PROGRESS, 'prepare');
      this.machine.creating = this.id;
      this.stage = 'set-started';
      this.setId = guid();
      return this.setId;
    });
  }

  addToSnapshotSet(volume: string): Promise<string> {
    return this.run('AddToSnapshotSet', ['set-started'], undefined, () => {
      const snapshotId = guid();
      this.snapshots.set(snapshotId, { volume, device: undefined });
      return snapshotId;
    });
  }

  prepareForBackup(signal: AbortSignal): Promise<void> {
    return this.run('PrepareForBackup', ['set-started'], signal, () => {
      this.stage = 'prepared';
      this.prepared = true;
    });
  }

  doSnapshotSet(signal: AbortSignal): Promise<void> {
    return this.run(
      'DoSnapshotSet',
      ['prepared'],
      signal,
      () => {
        this.stage = 'snapshotted';
        this.snapshotted = true;
        this.machine.creating = undefined;
        for (const snapshot of this.snapshots.values()) {
          snapshot.device = `\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy${this.machine.nextDevice++}\\`;
          this.machine.liveSnapshots += 1;
        }
      },
      () => (this.machine.creating = undefined),
    );
  }

  snapshotDevice(snapshotId: string): Promise<string> {
    return this.run('GetSnapshotProperties', ['snapshotted'], undefined, () => {
      const device = this.snapshots.get(snapshotId)?.device;
      if (device === undefined) throw vssErrorForCall('GetSnapshotProperties', HRESULT.VSS_E_OBJECT_NOT_FOUND, 'snapshot', snapshotId);
      return device;
    });
  }

  backupComplete(signal: AbortSignal): Promise<void> {
    return this.run('BackupComplete', ['snapshotted'], signal, () => {
      this.stage = 'completed';
    });
  }

  abortBackup(): Promise<void> {
    return this.run('AbortBackup', ['set-started', 'prepared', 'snapshotted'], undefined, () => {
      this.stage = 'aborted';
      if (this.machine.creating === this.id) this.machine.creating = undefined;
    });
  }

  release(): Promise<void> {
    if (this.stage === 'released') return Promise.reject(new Error('mock VSS: a backup components object released twice'));
    this.stage = 'released';
    this.machine.liveSessions -= 1;
    if (this.machine.creating === this.id) this.machine.creating = undefined;
    for (const snapshot of this.snapshots.values()) if (snapshot.device !== undefined) this.machine.liveSnapshots -= 1;
    this.snapshots.clear();
    return Promise.resolve();
  }

  /** The writer's state now: its scripted one, or failed where it is scripted to fail once the backup got there. */
  private stateOf(w: NormalizedWriter): WriterState {
    const at = (stateName: WriterStateName, lastError: number = HRESULT.S_OK) => ({ state: STATE(stateName), stateName, lastError });
    if (w.failsAt === 'prepare' && this.prepared) return at('failed-at-prepare-backup', w.lastError);
    if (w.failsAt === 'snapshot' && this.snapshotted) return at('failed-at-freeze', w.lastError);
    if (w.state !== STATE('stable')) return { state: w.state, stateName: WRITER_STATES[w.state], lastError: w.lastError };
    return at(this.stage === 'snapshotted' ? 'waiting-for-backup-complete' : 'stable');
  }

  /** One call: recorded, refused out of order (VSS_E_BAD_STATE), then scripted (delay, hang, failure), then `done`. */
  private async run<T>(
    call: VssCall,
    allowed: readonly Stage[] | null,
    signal: AbortSignal | undefined,
    done: () => T,
    onFail?: () => void,
  ): Promise<T> {
    this.machine.calls.push({ session: this.id, call });
    if (this.stage === 'released') throw new Error(`mock VSS: ${call} on a released backup components object`);
    if (allowed !== null && !allowed.includes(this.stage))
      throw vssErrorForCall(call, HRESULT.VSS_E_BAD_STATE, VSS_CALL_PHASE[call], `in state ${this.stage}`);
    const script = this.machine.answer(call);
    try {
      await play(script, signal);
    } catch (reason) {
      onFail?.();
      throw reason;
    }
    if (script.hresult >= 0x80000000) {
      onFail?.();
      throw vssErrorForCall(call, script.hresult, VSS_CALL_PHASE[call]);
    }
    return done();
  }
}

/** The mock VSS requester: `state()` is what its machine holds now. */
export interface VssMock extends VssRequester {
  state(): VssMockState;
}

/** A VSS requester over the scenario's `vss` section. */
export function createVssMock(vss: NormalizedVss): VssMock {
  const machine = new MockMachine(vss);
  return {
    async createBackupComponents() {
      const id = machine.nextSession++;
      machine.calls.push({ session: id, call: 'CreateVssBackupComponents' });
      const script = machine.answer('CreateVssBackupComponents');
      await play(script, undefined);
      if (script.hresult >= 0x80000000) throw vssErrorForCall('CreateVssBackupComponents', script.hresult, 'writers');
      machine.liveSessions += 1;
      return new MockSession(machine, id);
    },
    state: () => ({ liveSessions: machine.liveSessions, liveSnapshots: machine.liveSnapshots, calls: [...machine.calls] }),
  };
}
