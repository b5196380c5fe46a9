/**
 * The VSS requester as the on-demand check drives it: one `VssSession` is one
 * IVssBackupComponents, created, initialised for backup, in VSS_CTX_BACKUP and set to a
 * VSS_BT_COPY component backup. Each method is one VSS step (its async waited for), so every
 * engine (the TypeScript mock, the native mock, the real vssapi and its fake under Wine) plays
 * the same calls, and the order and cleanup rules live once, in on-demand.ts.
 */

/** The VSS steps, as errors and scenarios name them. */
export const VSS_CALLS = [
  'CreateVssBackupComponents',
  'GatherWriterMetadata',
  'GatherWriterStatus',
  'GetVolumeName',
  'AddComponent',
  'StartSnapshotSet',
  'AddToSnapshotSet',
  'PrepareForBackup',
  'DoSnapshotSet',
  'GetSnapshotProperties',
  'BackupComplete',
  'AbortBackup',
] as const;
export type VssCall = (typeof VSS_CALLS)[number];

/** VSS_WRITER_STATE, by value: the names `vssadmin list writers` prints, as kebab-case. */
export const WRITER_STATES = [
  'unknown',
  'stable',
  'waiting-for-freeze',
  'waiting-for-thaw',
  'waiting-for-post-snapshot',
  'waiting-for-backup-complete',
  'failed-at-identify',
  'failed-at-prepare-backup',
  'failed-at-prepare-snapshot',
  'failed-at-freeze',
  'failed-at-thaw',
  'failed-at-post-snapshot',
  'failed-at-backup-complete',
  'failed-at-pre-restore',
  'failed-at-post-restore',
  'failed-at-backup-shutdown',
] as const;
export type WriterStateName = (typeof WRITER_STATES)[number];

/** A writer's state: VSS_WRITER_STATE and its name, and the writer's last error (VSS_WRITERERROR_*, 0 for none). */
export interface WriterState {
  readonly state: number;
  readonly stateName: WriterStateName;
  readonly lastError: number;
}

/** True for the VSS_WS_FAILED_AT_* states. */
export const isFailedState = (state: number): boolean => state >= 6 && state < WRITER_STATES.length;

/** One component of a writer's metadata: its name, logical path and the file specifications it covers. */
export interface WriterComponent {
  readonly name: string;
  readonly logicalPath: string;
  /** The paths of its file descriptors (`C:\Mail\db01\` with the file spec joined): what gives its volumes. */
  readonly files: readonly string[];
}

/** One writer as GatherWriterMetadata describes it (its state is GatherWriterStatus's). */
export interface Writer {
  readonly writerId: string;
  readonly instanceId: string;
  readonly name: string;
  readonly components: readonly WriterComponent[];
  /** IVssExamineWriterMetadata::SaveAsXML: the document WSB passes to CheckConsistency. */
  readonly metadataXml: string;
}

/** A writer's state from GatherWriterStatus. */
export interface WriterStatus extends WriterState {
  readonly writerId: string;
  readonly instanceId: string;
}

/**
 * One backup components object. Every method rejects with VssError (its call and HRESULT).
 * The waits (`signal` given) end early when it aborts: IVssAsync::Cancel, a bounded wait for
 * the cancelled status, then a rejection with the abort's reason.
 */
export interface VssSession {
  gatherWriterMetadata(signal: AbortSignal): Promise<Writer[]>;
  gatherWriterStatus(signal: AbortSignal): Promise<WriterStatus[]>;
  /** The volume (`\\?\Volume{GUID}\`) a path lives on: GetVolumePathName, then GetVolumeNameForVolumeMountPoint. */
  volumeOf(path: string): Promise<string>;
  addComponent(writer: { readonly writerId: string; readonly instanceId: string }, component: WriterComponent): Promise<void>;
  /** Resolves with the snapshot set id; VSS_E_SNAPSHOT_SET_IN_PROGRESS when another requester holds one. */
  startSnapshotSet(): Promise<string>;
  /** Resolves with the snapshot id. */
  addToSnapshotSet(volume: string): Promise<string>;
  prepareForBackup(signal: AbortSignal): Promise<void>;
  doSnapshotSet(signal: AbortSignal): Promise<void>;
  /** The snapshot's device object (`\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopyN`). */
  snapshotDevice(snapshotId: string): Promise<string>;
  /** SetBackupSucceeded(false) for the component (nothing was stored), then BackupComplete. */
  backupComplete(signal: AbortSignal): Promise<void>;
  abortBackup(): Promise<void>;
  /** Release the backup components object: the non-persistent snapshots go with it. */
  release(): Promise<void>;
}

/** Where backup components objects come from (a backend that can snapshot). */
export interface VssRequester {
  /** CreateVssBackupComponents, InitializeForBackup, SetContext(VSS_CTX_BACKUP), SetBackupState(VSS_BT_COPY). */
  createBackupComponents(): Promise<VssSession>;
}
