/**
 * The conformance table of the scripted VSS (a scenario's `vss` section): what each VSS step
 * answers, call by call, through the VssRequester / VssSession contract. One table for every
 * engine that plays a scenario's VSS, run by test/vss/runner.ts: the TypeScript mock
 * (conformance.test.ts), the addon's requester on the native mock's fake VSS
 * (conformance-native-mock.test.ts) and on the fake vssapi DLL under Wine
 * (test/com/vss-conformance.com.ts).
 */
import type { VssScenario } from '../../lib';

/**
 * What a step came to: `done`; a value (compared as given, or a string matching `matches`);
 * `pending` (not settled after a while); a failure's HRESULT symbol; for `cancel`, `cancelled`
 * (the pending wait rejected with the cancel's reason) or `pending` (it ignored the cancel).
 */
export type VssOutcome =
  'done' | 'pending' | 'cancelled' | { readonly fails: string } | { readonly value: unknown } | { readonly matches: RegExp };

/** One step on the row's session `session` (0 or 1: a row may open two, as two requesters on one machine). */
export type VssStep =
  | { readonly step: 'create'; readonly session: number }
  | { readonly step: 'gatherWriterMetadata' | 'gatherWriterStatus'; readonly session: number; readonly pick?: 'names' | 'states' }
  | { readonly step: 'volumeOf'; readonly session: number; readonly path: string }
  | {
      readonly step: 'addComponent' | 'startSnapshotSet' | 'prepareForBackup' | 'doSnapshotSet' | 'backupComplete' | 'abortBackup';
      readonly session: number;
    }
  | { readonly step: 'addToSnapshotSet'; readonly session: number; readonly volume: string }
  | { readonly step: 'snapshotDevice'; readonly session: number }
  | { readonly step: 'cancel'; readonly session: number };

export interface VssRow {
  readonly name: string;
  readonly vss: VssScenario;
  readonly steps: readonly (readonly [VssStep, VssOutcome])[];
}

export const WRITER = '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}';
const D = '\\\\?\\Volume{3E1C0D2A-0000-4000-8000-00000000000D}\\';
const E = '\\\\?\\Volume{3E1C0D2A-0000-4000-8000-00000000000E}\\';
const base: VssScenario = {
  writers: [{ writerId: WRITER, name: 'Mail Writer', components: [{ name: 'db', logicalPath: 'Mail', files: ['D:\\Mail\\db.edb'] }] }],
  volumes: { 'D:\\': D, 'D:\\Mail\\Logs\\': E },
};
const at = (session: number) => ({
  create: { step: 'create', session } as const,
  metadata: { step: 'gatherWriterMetadata', session, pick: 'names' } as const,
  status: { step: 'gatherWriterStatus', session, pick: 'states' } as const,
  add: { step: 'addComponent', session } as const,
  start: { step: 'startSnapshotSet', session } as const,
  volume: (volume: string) => ({ step: 'addToSnapshotSet', session, volume }) as const,
  prepare: { step: 'prepareForBackup', session } as const,
  snapshot: { step: 'doSnapshotSet', session } as const,
  device: { step: 'snapshotDevice', session } as const,
  complete: { step: 'backupComplete', session } as const,
  abort: { step: 'abortBackup', session } as const,
  cancel: { step: 'cancel', session } as const,
});
const s0 = at(0);
const s1 = at(1);
const GUID = /^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$/;

export const VSS_CONFORMANCE: readonly VssRow[] = [
  {
    name: 'the whole sequence in order',
    vss: base,
    steps: [
      [s0.create, 'done'],
      [s0.metadata, { value: ['Mail Writer'] }],
      [s0.status, { value: ['stable'] }],
      [s0.add, 'done'],
      [s0.start, { matches: GUID }],
      [s0.volume(D), { matches: GUID }],
      [s0.prepare, 'done'],
      [s0.snapshot, 'done'],
      [s0.status, { value: ['waiting-for-backup-complete'] }],
      [s0.device, { matches: /^\\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy\d+\\$/ }],
      [s0.complete, 'done'],
      [s0.status, { value: ['stable'] }],
    ],
  },
  {
    name: 'a path is on the volume of its longest mount point; an unknown one is ERROR_PATH_NOT_FOUND',
    vss: base,
    steps: [
      [s0.create, 'done'],
      [{ step: 'volumeOf', session: 0, path: 'd:\\mail\\db.edb' }, { value: D }],
      [{ step: 'volumeOf', session: 0, path: 'D:\\Mail\\Logs\\E00.log' }, { value: E }],
      [{ step: 'volumeOf', session: 0, path: 'Q:\\x' }, { fails: 'ERROR_PATH_NOT_FOUND' }],
    ],
  },
  {
    name: 'out of order is VSS_E_BAD_STATE',
    vss: base,
    steps: [
      [s0.create, 'done'],
      [s0.start, { fails: 'VSS_E_BAD_STATE' }],
      [s0.metadata, { value: ['Mail Writer'] }],
      [s0.snapshot, { fails: 'VSS_E_BAD_STATE' }],
      [s0.complete, { fails: 'VSS_E_BAD_STATE' }],
    ],
  },
  {
    name: 'a step scripted to fail twice, then it succeeds',
    vss: { ...base, calls: { StartSnapshotSet: { fail: 'VSS_E_SNAPSHOT_SET_IN_PROGRESS', times: 2 } } },
    steps: [
      [s0.create, 'done'],
      [s0.metadata, { value: ['Mail Writer'] }],
      [s0.start, { fails: 'VSS_E_SNAPSHOT_SET_IN_PROGRESS' }],
      [s0.start, { fails: 'VSS_E_SNAPSHOT_SET_IN_PROGRESS' }],
      [s0.start, { matches: GUID }],
    ],
  },
  {
    name: 'one snapshot set in creation on the machine: a second requester waits for DoSnapshotSet',
    vss: base,
    steps: [
      [s0.create, 'done'],
      [s1.create, 'done'],
      [s0.metadata, { value: ['Mail Writer'] }],
      [s1.metadata, { value: ['Mail Writer'] }],
      [s0.start, { matches: GUID }],
      [s1.start, { fails: 'VSS_E_SNAPSHOT_SET_IN_PROGRESS' }],
      [s0.volume(D), { matches: GUID }],
      [s0.prepare, 'done'],
      [s0.snapshot, 'done'],
      [s1.start, { matches: GUID }],
    ],
  },
  {
    name: 'AbortBackup after PrepareForBackup frees the set in creation',
    vss: base,
    steps: [
      [s0.create, 'done'],
      [s1.create, 'done'],
      [s0.metadata, { value: ['Mail Writer'] }],
      [s1.metadata, { value: ['Mail Writer'] }],
      [s0.start, { matches: GUID }],
      [s0.prepare, 'done'],
      [s0.abort, 'done'],
      [s1.start, { matches: GUID }],
    ],
  },
  {
    name: 'CreateVssBackupComponents refused',
    vss: { ...base, calls: { CreateVssBackupComponents: 'E_ACCESSDENIED' } },
    steps: [[s0.create, { fails: 'E_ACCESSDENIED' }]],
  },
  {
    name: 'a hung wait ends with Cancel',
    vss: { ...base, calls: { GatherWriterMetadata: 'hang' } },
    steps: [
      [s0.create, 'done'],
      [s0.metadata, 'pending'],
      [s0.cancel, 'cancelled'],
    ],
  },
  {
    name: 'a hung wait that ignores Cancel stays pending',
    vss: { ...base, calls: { GatherWriterMetadata: { hang: true, ignoresCancel: true } } },
    steps: [
      [s0.create, 'done'],
      [s0.metadata, 'pending'],
      [s0.cancel, 'pending'],
    ],
  },
  {
    name: 'a writer scripted to fail at prepare reports it after PrepareForBackup',
    vss: { ...base, writers: [{ ...base.writers![0], failsAt: 'prepare', lastError: 'VSS_E_WRITERERROR_RETRYABLE' }] },
    steps: [
      [s0.create, 'done'],
      [s0.metadata, { value: ['Mail Writer'] }],
      [s0.status, { value: ['stable'] }],
      [s0.start, { matches: GUID }],
      [s0.prepare, 'done'],
      [s0.status, { value: ['failed-at-prepare-backup'] }],
    ],
  },
];
