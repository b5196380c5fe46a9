/**
 * What the on-demand check (checkConsistency with `snapshot: true`) tells a backup operator
 * about the snapshot it made: the set, each volume and its device, the writer before and
 * after, each phase's time and every VSS call's HRESULT, decoded. Carried by the result, and
 * by the error (`error.snapshot`) when the run fails.
 */
import type { VssCall, WriterState } from './types';

/** The phases, in order: the progress line shows them, errors name them. */
export const SNAPSHOT_PHASES = ['writers', 'prepare', 'snapshot', 'check', 'complete'] as const;
export type SnapshotPhase = (typeof SNAPSHOT_PHASES)[number];

/** The phase a VSS call belongs to, for the errors a requester raises (the run names the phase it is in: VssError.inPhase). */
export const VSS_CALL_PHASE: Readonly<Record<VssCall, SnapshotPhase>> = {
  CreateVssBackupComponents: 'writers',
  GatherWriterMetadata: 'writers',
  GatherWriterStatus: 'writers',
  GetVolumeName: 'prepare',
  AddComponent: 'prepare',
  StartSnapshotSet: 'prepare',
  AddToSnapshotSet: 'prepare',
  PrepareForBackup: 'prepare',
  DoSnapshotSet: 'snapshot',
  GetSnapshotProperties: 'snapshot',
  BackupComplete: 'complete',
  AbortBackup: 'complete',
};

/** One VSS call: its HRESULT (unsigned), decoded. */
export interface VssCallRecord {
  readonly call: VssCall;
  readonly hresult: number;
  readonly hex: string;
  readonly symbol: string | undefined;
  readonly elapsedMs: number;
}

export interface SnapshotVolume {
  /** `\\?\Volume{GUID}\`: the source the add-in is told about. */
  readonly volume: string;
  readonly snapshotId: string;
  /** `\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopyN\`; null until DoSnapshotSet succeeded. */
  readonly device: string | null;
}

/** How the backup components object was ended (the cleanup rule that applied). */
export type SnapshotCleanup = 'backup-complete' | 'abort-backup' | 'release';

export interface SnapshotReport {
  /** The snapshot set; null when the run stopped before StartSnapshotSet. */
  readonly setId: string | null;
  readonly writer: {
    readonly writerId: string;
    readonly instanceId: string | null;
    readonly name: string | null;
    readonly before: WriterState | null;
    readonly after: WriterState | null;
  };
  readonly component: { readonly name: string; readonly logicalPath: string } | null;
  readonly volumes: readonly SnapshotVolume[];
  /** Each phase that started, with its time. */
  readonly phases: readonly { readonly phase: SnapshotPhase; readonly elapsedMs: number }[];
  readonly cleanup: SnapshotCleanup;
  readonly calls: readonly VssCallRecord[];
  /**
   * The add-in's verdict when its check ran to one (null otherwise), kept here too so that a VSS
   * step failing after it (BackupComplete) does not lose it.
   */
  readonly verdict: {
    readonly outcome: string;
    readonly hresult: number;
    readonly hex: string;
    readonly symbol: string | undefined;
  } | null;
}
