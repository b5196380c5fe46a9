/**
 * The check on a snapshot (`checkConsistency({ ..., snapshot: true })`) against the TypeScript
 * mock's VSS: the whole sequence, and the fault table, which also runs on the native mock (the
 * addon's requester against its fake VSS, with the native mock add-in). Every row ends with no backup components
 * object and no snapshot left, the cleanup Microsoft's termination rules give, and (for a
 * failure) a typed error naming the phase and the HRESULT, with the snapshot report on it.
 */
import {
  AbortedError,
  CheckFailedError,
  checkConsistency,
  createMockBackend,
  createNativeMockBackend,
  HRESULT,
  listWriters,
  normalizeScenario,
  TimeoutError,
  VssError,
  VssNotFoundError,
  VssUnavailableError,
  type Backend,
  type MockBackend,
  type Scenario,
  type SnapshotCheckOptions,
  type SnapshotCheckResult,
  type VssCallScenario,
  type VssScenario,
  type VssWriterScenario,
  type WsbError,
} from '../../lib';

const WRITER = '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}';
const RUNNING = 'WSBAPP_ASYNC_IN_PROGRESS';
const VOLUMES = {
  'D:\\': '\\\\?\\Volume{3E1C0D2A-0000-4000-8000-00000000000D}\\',
  'E:\\': '\\\\?\\Volume{3E1C0D2A-0000-4000-8000-00000000000E}\\',
};
const MAIL_WRITER: VssWriterScenario = {
  writerId: WRITER,
  name: 'Contoso Mail Writer',
  components: [
    { name: 'db', logicalPath: 'Mail', files: ['D:\\Mail\\db.edb', 'E:\\Logs\\E00.log', 'd:\\Mail\\db.chk'] },
    { name: 'nofiles', logicalPath: 'Mail', files: [] },
  ],
};

interface Setup {
  readonly vss?: Partial<VssScenario> | null;
  readonly writer?: Partial<VssWriterScenario>;
  readonly calls?: VssScenario['calls'];
  readonly statuses?: unknown[];
}

function scenarioFor({ vss = {}, writer = {}, calls = {}, statuses = [RUNNING, 'S_OK'] }: Setup = {}): Scenario {
  return {
    applications: [{ writerId: WRITER, identifier: 'Contoso', components: { '*': { statuses: statuses as never } } }],
    ...(vss === null ? {} : { vss: { writers: [{ ...MAIL_WRITER, ...writer }], volumes: VOLUMES, calls, ...vss } }),
  };
}

function backendFor(setup: Setup = {}): MockBackend {
  return createMockBackend(scenarioFor(setup));
}

/** A scenario played by one engine: its backend, the VSS calls it received, and a check that nothing is left alive. */
interface Played {
  readonly backend: Backend;
  vssCalls(): string[];
  expectNothingLeft(): void;
}

/** The engines the fault table runs on: the TypeScript mock, and the addon's requester against the native mock's fake VSS. */
const ENGINES: readonly { readonly name: string; play(setup: Setup): Played }[] = [
  {
    name: 'the TypeScript mock',
    play(setup) {
      const backend = backendFor(setup);
      return { backend, vssCalls: () => callsOf(backend), expectNothingLeft: () => expectNothingLeft(backend) };
    },
  },
  {
    name: 'the native mock',
    play(setup) {
      const backend = createNativeMockBackend(normalizeScenario(scenarioFor(setup)));
      return {
        backend,
        vssCalls: () => backend.stats().vss?.calls.map((c) => c.call) ?? [],
        expectNothingLeft: () => {
          expect(backend.stats().vss ?? { liveSessions: 0, liveSnapshots: 0, liveObjects: 0 }).toMatchObject({
            liveSessions: 0,
            liveSnapshots: 0,
            liveObjects: 0,
          });
          expect(backend.stats().liveObjects).toBe(0);
        },
      };
    },
  },
];

const fast = { interval: 1, maxInterval: 5 };
// The row whose DoSnapshotSet ignores Cancel waits VSS_CANCEL_WAIT_MS (5 s) before its cleanup.
jest.setTimeout(15_000);

async function failure(backend: Backend, options: SnapshotCheckOptions = {}, component = 'db'): Promise<WsbError> {
  const error = await checkConsistency({ application: 'Contoso', component, snapshot: true }, { backend, ...fast, ...options }).then(
    () => {
      throw new Error('the check on a snapshot did not fail');
    },
    (e: unknown) => e as WsbError,
  );
  return error;
}

/** Nothing left on the mock's machine: no backup components object, no snapshot, no add-in object. */
function expectNothingLeft(backend: MockBackend): void {
  expect(backend.vss?.state()).toMatchObject({ liveSessions: 0, liveSnapshots: 0 });
  expect(backend.liveObjects()).toBe(0);
}

const callsOf = (backend: MockBackend) => backend.vss?.state().calls.map((c) => c.call) ?? [];

describe('a check on a snapshot', () => {
  test('snapshots exactly the component volumes, checks on them with the writer document, and completes the backup', async () => {
    const backend = backendFor();
    const phases: string[] = [];
    let snapshotsDuringCheck = -1;
    const result = await checkConsistency(
      { application: 'Contoso', component: 'db', snapshot: true },
      {
        backend,
        ...fast,
        onPhase: (phase) => phases.push(phase),
        onStatus: () => (snapshotsDuringCheck = backend.vss?.state().liveSnapshots ?? -1),
      },
    );
    expect(result).toMatchObject({ outcome: 'consistent', component: 'db' });
    expect(phases).toEqual(['writers', 'prepare', 'snapshot', 'check', 'complete']);
    expect(result.snapshot.volumes.map((v) => v.volume)).toEqual([VOLUMES['D:\\'], VOLUMES['E:\\']]);
    expect(result.snapshot.volumes.map((v) => v.device)).toEqual([
      expect.stringMatching(/^\\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy\d+\\$/),
      expect.stringMatching(/^\\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy\d+\\$/),
    ]);
    expect(result.snapshot).toMatchObject({
      setId: expect.stringMatching(/^\{[0-9A-F-]{36}\}$/),
      cleanup: 'backup-complete',
      component: { name: 'db', logicalPath: 'Mail' },
      writer: { writerId: WRITER, name: 'Contoso Mail Writer', before: { stateName: 'stable' }, after: { stateName: 'stable' } },
    });
    expect(result.snapshot.phases.map((p) => p.phase)).toEqual(phases);
    expect(result.snapshot.calls.every((c) => c.hex === '0x00000000')).toBe(true);
    expect(snapshotsDuringCheck).toBe(2);
    const check = backend.callsTo('CheckConsistency')[0];
    expect(check.args).toEqual({
      component: 'db',
      logicalPath: 'Mail',
      writerMetadata: expect.stringContaining(`writerId="${WRITER}"`) as unknown,
      volumes: result.snapshot.volumes.map((v) => ({ source: v.volume, snapshot: v.device })),
    });
    expect(callsOf(backend)).toEqual([
      'CreateVssBackupComponents',
      'GatherWriterMetadata',
      'GatherWriterStatus',
      'GetVolumeName',
      'GetVolumeName',
      'GetVolumeName',
      'AddComponent',
      'StartSnapshotSet',
      'AddToSnapshotSet',
      'AddToSnapshotSet',
      'PrepareForBackup',
      'GatherWriterStatus',
      'DoSnapshotSet',
      'GetSnapshotProperties',
      'GetSnapshotProperties',
      'GatherWriterStatus',
      'BackupComplete',
      'GatherWriterStatus',
    ]);
    expectNothingLeft(backend);
  });

  test.each(['db', 'Mail\\db'])('finds the component by %j', async (component) => {
    await expect(
      checkConsistency({ application: 'Contoso', component, snapshot: true }, { backend: backendFor(), ...fast }),
    ).resolves.toMatchObject({
      component: 'db',
    });
  });

  test('two checks at once in one process: one snapshot set in creation at a time, both verdicts', async () => {
    const backend = backendFor({ calls: { DoSnapshotSet: { delayMs: 30 } } });
    const both = await Promise.all(
      [1, 2].map(() => checkConsistency({ application: 'Contoso', component: 'db', snapshot: true }, { backend, ...fast })),
    );
    expect(both.map((r) => r.outcome)).toEqual(['consistent', 'consistent']);
    expect(new Set(both.map((r) => r.snapshot.setId)).size).toBe(2);
    expect(callsOf(backend).filter((c) => c === 'StartSnapshotSet')).toHaveLength(2);
    expectNothingLeft(backend);
  });

  test('VSS_E_SNAPSHOT_SET_IN_PROGRESS twice (another requester): retried, then the check runs', async () => {
    const backend = backendFor({ calls: { StartSnapshotSet: { fail: 'VSS_E_SNAPSHOT_SET_IN_PROGRESS', times: 2 } } });
    const result = await checkConsistency({ application: 'Contoso', component: 'db', snapshot: true }, { backend, ...fast });
    expect(result.outcome).toBe('consistent');
    expect(result.snapshot.calls.filter((c) => c.call === 'StartSnapshotSet').map((c) => c.symbol)).toEqual([
      'VSS_E_SNAPSHOT_SET_IN_PROGRESS',
      'VSS_E_SNAPSHOT_SET_IN_PROGRESS',
      'S_OK',
    ]);
    expectNothingLeft(backend);
  });
});

interface Fault {
  readonly name: string;
  readonly setup: Setup;
  readonly options?: SnapshotCheckOptions;
  readonly component?: string;
  readonly error: new (...args: never[]) => Error;
  readonly code: string;
  readonly phase?: string;
  readonly hresult?: number;
  readonly call?: string;
  readonly cleanup: 'backup-complete' | 'abort-backup' | 'release';
}

const fails = (call: string, fail: string, more: Partial<Exclude<VssCallScenario, string | number>> = {}) => ({
  calls: { [call]: { fail, ...more } },
});

const FAULTS: readonly Fault[] = [
  {
    name: 'E_ACCESSDENIED at create (not elevated)',
    setup: fails('CreateVssBackupComponents', 'E_ACCESSDENIED'),
    error: VssError,
    code: 'ERR_WSB_VSS',
    phase: 'writers',
    hresult: HRESULT.E_ACCESSDENIED,
    call: 'CreateVssBackupComponents',
    cleanup: 'release',
  },
  {
    name: 'E_NOTIMPL at create (Wine)',
    setup: fails('CreateVssBackupComponents', 'E_NOTIMPL'),
    error: VssUnavailableError,
    code: 'ERR_WSB_VSS_UNAVAILABLE',
    phase: 'writers',
    hresult: HRESULT.E_NOTIMPL,
    cleanup: 'release',
  },
  {
    name: 'the writer absent',
    setup: { writer: { writerId: '{11111111-2222-4333-8444-555555555555}' } },
    error: VssNotFoundError,
    code: 'ERR_WSB_VSS_NOT_FOUND',
    phase: 'writers',
    cleanup: 'release',
  },
  {
    name: 'the component absent',
    setup: {},
    component: 'Mailbox 99',
    error: VssNotFoundError,
    code: 'ERR_WSB_VSS_NOT_FOUND',
    phase: 'writers',
    cleanup: 'release',
  },
  {
    name: 'a component with no files',
    setup: {},
    component: 'nofiles',
    error: VssError,
    code: 'ERR_WSB_VSS',
    phase: 'prepare',
    hresult: HRESULT.VSS_E_OBJECT_NOT_FOUND,
    cleanup: 'release',
  },
  {
    name: 'GatherWriterMetadata failing',
    setup: fails('GatherWriterMetadata', 'VSS_E_UNEXPECTED'),
    error: VssError,
    code: 'ERR_WSB_VSS',
    phase: 'writers',
    hresult: HRESULT.VSS_E_UNEXPECTED,
    cleanup: 'release',
  },
  {
    name: 'GatherWriterMetadata hanging, to the deadline',
    setup: { calls: { GatherWriterMetadata: 'hang' } },
    options: { timeout: 50 },
    error: TimeoutError,
    code: 'ERR_WSB_TIMEOUT',
    call: 'GatherWriterMetadata',
    cleanup: 'release',
  },
  {
    name: 'a writer failed at freeze with VSS_E_WRITERERROR_TIMEOUT',
    setup: { writer: { state: 'failed-at-freeze', lastError: 'VSS_E_WRITERERROR_TIMEOUT' } },
    error: VssError,
    code: 'ERR_WSB_VSS',
    phase: 'writers',
    hresult: HRESULT.VSS_E_WRITERERROR_TIMEOUT,
    cleanup: 'release',
  },
  {
    name: 'a writer that fails at prepare with VSS_E_WRITERERROR_RETRYABLE',
    setup: { writer: { failsAt: 'prepare', lastError: 'VSS_E_WRITERERROR_RETRYABLE' } },
    error: VssError,
    code: 'ERR_WSB_VSS',
    phase: 'prepare',
    hresult: HRESULT.VSS_E_WRITERERROR_RETRYABLE,
    cleanup: 'abort-backup',
  },
  {
    name: 'a set in progress until the deadline',
    setup: fails('StartSnapshotSet', 'VSS_E_SNAPSHOT_SET_IN_PROGRESS'),
    options: { timeout: 1_500 },
    error: TimeoutError,
    code: 'ERR_WSB_TIMEOUT',
    call: 'StartSnapshotSet',
    cleanup: 'release',
  },
  {
    name: 'AddToSnapshotSet refusing a volume',
    setup: fails('AddToSnapshotSet', 'VSS_E_VOLUME_NOT_SUPPORTED'),
    error: VssError,
    code: 'ERR_WSB_VSS',
    phase: 'prepare',
    hresult: HRESULT.VSS_E_VOLUME_NOT_SUPPORTED,
    cleanup: 'release',
  },
  {
    name: 'PrepareForBackup vetoed',
    setup: fails('PrepareForBackup', 'VSS_E_WRITERERROR_RETRYABLE'),
    error: VssError,
    code: 'ERR_WSB_VSS',
    phase: 'prepare',
    hresult: HRESULT.VSS_E_WRITERERROR_RETRYABLE,
    cleanup: 'release',
  },
  ...(['VSS_E_PROVIDER_VETO', 'VSS_E_INSUFFICIENT_STORAGE', 'VSS_E_FLUSH_WRITES_TIMEOUT'] as const).map((code): Fault => ({
    name: `DoSnapshotSet failing with ${code}`,
    setup: fails('DoSnapshotSet', code),
    error: VssError,
    code: 'ERR_WSB_VSS',
    phase: 'snapshot',
    hresult: HRESULT[code],
    cleanup: 'abort-backup',
  })),
  {
    name: 'DoSnapshotSet hung, Cancel honoured, at the deadline',
    setup: { calls: { DoSnapshotSet: 'hang' } },
    options: { timeout: 100 },
    error: TimeoutError,
    code: 'ERR_WSB_TIMEOUT',
    call: 'DoSnapshotSet',
    cleanup: 'abort-backup',
  },
  {
    name: 'DoSnapshotSet hung, Cancel ignored, at the deadline (the bounded wait, then AbortBackup)',
    setup: { calls: { DoSnapshotSet: { hang: true, ignoresCancel: true } } },
    options: { timeout: 100 },
    error: TimeoutError,
    code: 'ERR_WSB_TIMEOUT',
    call: 'DoSnapshotSet',
    cleanup: 'abort-backup',
  },
  {
    name: 'DoSnapshotSet ignoring Cancel but succeeding after the deadline: the backup is completed, not aborted',
    setup: { calls: { DoSnapshotSet: { delayMs: 300, ignoresCancel: true } } },
    options: { timeout: 150 },
    error: TimeoutError,
    code: 'ERR_WSB_TIMEOUT',
    call: 'DoSnapshotSet',
    cleanup: 'backup-complete',
  },
  {
    name: 'PrepareForBackup ignoring Cancel but succeeding after the deadline: the backup is aborted',
    setup: { calls: { PrepareForBackup: { delayMs: 300, ignoresCancel: true } } },
    options: { timeout: 150 },
    error: TimeoutError,
    code: 'ERR_WSB_TIMEOUT',
    call: 'PrepareForBackup',
    cleanup: 'abort-backup',
  },
  {
    name: "the add-in's check failing",
    setup: { statuses: [RUNNING, 'WSBAPP_E_COMPONENT_CONSISTENCY_CHECK_FAILED'] },
    error: CheckFailedError,
    code: 'ERR_WSB_CHECK_FAILED',
    hresult: HRESULT.WSBAPP_E_COMPONENT_CONSISTENCY_CHECK_FAILED,
    cleanup: 'backup-complete',
  },
  {
    name: "the add-in's check hanging, to the deadline",
    setup: { statuses: [RUNNING, { hang: true }] },
    options: { timeout: 300 },
    error: TimeoutError,
    code: 'ERR_WSB_TIMEOUT',
    cleanup: 'backup-complete',
  },
  {
    name: "the add-in's process dying",
    setup: { statuses: [RUNNING, { crash: true }] },
    error: Error,
    code: 'ERR_WSB_ADDIN_DISCONNECTED',
    cleanup: 'backup-complete',
  },
  {
    name: 'BackupComplete failing after a good check',
    setup: fails('BackupComplete', 'VSS_E_UNEXPECTED'),
    error: VssError,
    code: 'ERR_WSB_VSS',
    phase: 'complete',
    hresult: HRESULT.VSS_E_UNEXPECTED,
    cleanup: 'backup-complete',
  },
];

describe.each(ENGINES)('the fault table on $name: a typed error, the right cleanup, nothing left', (engine) => {
  test.each(FAULTS)('$name', async (fault) => {
    const played = engine.play(fault.setup);
    const error = await failure(played.backend, fault.options, fault.component);
    expect(error).toBeInstanceOf(fault.error);
    expect(error).toMatchObject({ code: fault.code });
    if (fault.phase !== undefined) expect(error).toMatchObject({ phase: fault.phase });
    if (fault.hresult !== undefined) expect(error.hresult).toBe(fault.hresult);
    if (fault.call !== undefined) expect(error.call).toBe(fault.call);
    expect(error.snapshot).toMatchObject({ cleanup: fault.cleanup });
    const ends = played.vssCalls().filter((c) => c === 'BackupComplete' || c === 'AbortBackup');
    expect(ends).toEqual(
      fault.cleanup === 'backup-complete' ? ['BackupComplete'] : fault.cleanup === 'abort-backup' ? ['AbortBackup'] : [],
    );
    played.expectNothingLeft();
  });
});

describe('the fault table: what the error says', () => {
  test('the component absent: the error lists what the writer offers', async () => {
    const error = await failure(backendFor(), {}, 'Mailbox 99');
    expect(error).toMatchObject({ offered: ['Mail\\db', 'Mail\\nofiles'] });
    expect(error.message).toContain('"Mailbox 99" is not a component of Contoso Mail Writer; VSS offers: Mail\\db, Mail\\nofiles');
  });

  test.each(['writers', 'prepare', 'snapshot', 'check', 'complete'] as const)(
    'a user abort in the %s phase: AbortedError and the cleanup its phase needs (in complete: none, BackupComplete runs)',
    async (phase) => {
      const backend = backendFor({
        calls: {
          GatherWriterMetadata: { delayMs: 20 },
          PrepareForBackup: { delayMs: 20 },
          DoSnapshotSet: { delayMs: 20 },
          BackupComplete: { delayMs: 20 },
        },
        statuses: [RUNNING, RUNNING, RUNNING, 'S_OK'],
      });
      const controller = new AbortController();
      const run = checkConsistency(
        { application: 'Contoso', component: 'db', snapshot: true },
        { backend, interval: 10, signal: controller.signal, onPhase: (p) => p === phase && setTimeout(() => controller.abort(), 5) },
      );
      if (phase === 'complete') {
        // The backup is already complete-bound: BackupComplete runs whatever the signal says.
        await expect(run).resolves.toMatchObject({ outcome: 'consistent', snapshot: { cleanup: 'backup-complete' } });
      } else {
        const error = await run.catch((e: unknown) => e as WsbError);
        expect(error).toBeInstanceOf(AbortedError);
        expect(error.snapshot?.cleanup).toBe(
          phase === 'writers' ? 'release' : phase === 'prepare' ? 'release' : phase === 'snapshot' ? 'abort-backup' : 'backup-complete',
        );
      }
      expectNothingLeft(backend);
    },
  );

  test('a backend with no VSS: VssUnavailableError, before any VSS call', async () => {
    const error = await failure(backendFor({ vss: null }));
    expect(error).toBeInstanceOf(VssUnavailableError);
    expect(error).toMatchObject({ code: 'ERR_WSB_VSS_UNAVAILABLE', call: 'CreateVssBackupComponents' });
  });
});

describe('what the run does not leave behind', () => {
  test.each(['writers', 'prepare', 'snapshot', 'check', 'complete'] as const)(
    'an onPhase that throws in the %s phase: its error, after the cleanup',
    async (phase) => {
      const backend = backendFor();
      const thrown = new Error(`onPhase threw in ${phase}`);
      const onPhase = (p: string) => {
        if (p === phase) throw thrown;
      };
      await expect(
        checkConsistency({ application: 'Contoso', component: 'db', snapshot: true }, { backend, ...fast, onPhase }),
      ).rejects.toBe(thrown);
      expectNothingLeft(backend);
      const ends = callsOf(backend).filter((c) => c === 'BackupComplete' || c === 'AbortBackup');
      // Thrown as the snapshot phase starts, PrepareForBackup has succeeded: AbortBackup.
      const expected = { writers: [], prepare: [], snapshot: ['AbortBackup'], check: ['BackupComplete'], complete: ['BackupComplete'] };
      expect(ends).toEqual(expected[phase]);
    },
  );

  test('a run that fails after PrepareForBackup holds the process turn until its AbortBackup: the next run never meets its set', async () => {
    const backend = backendFor({
      calls: { DoSnapshotSet: { fail: 'VSS_E_PROVIDER_VETO', times: 1, delayMs: 20 }, AbortBackup: { delayMs: 50 } },
    });
    const run = (component: string) => checkConsistency({ application: 'Contoso', component, snapshot: true }, { backend, ...fast });
    const [first, second] = await Promise.allSettled([run('db'), run('db')]);
    expect(first).toMatchObject({ status: 'rejected', reason: { code: 'ERR_WSB_VSS', symbol: 'VSS_E_PROVIDER_VETO' } });
    expect(second).toMatchObject({ status: 'fulfilled', value: { outcome: 'consistent' } });
    const starts = (second as PromiseFulfilledResult<SnapshotCheckResult>).value.snapshot.calls
      .filter((c) => c.call === 'StartSnapshotSet')
      .map((c) => c.symbol);
    expect(starts).toEqual(['S_OK']);
    expectNothingLeft(backend);
  });

  test('listWriters with a GetVolumeName that hangs: TimeoutError at its deadline, the session released', async () => {
    const backend = backendFor({ calls: { GetVolumeName: 'hang' } });
    await expect(listWriters({ backend, timeout: 100 })).rejects.toMatchObject({ code: 'ERR_WSB_TIMEOUT', call: 'GetVolumeName' });
    expect(backend.vss?.state().liveSessions).toBe(0);
  });

  test('a BackupComplete failing after a good check keeps the verdict in the report', async () => {
    const error = await failure(backendFor(fails('BackupComplete', 'VSS_E_UNEXPECTED')));
    expect(error.snapshot).toMatchObject({ verdict: { outcome: 'consistent', hex: '0x00000000' }, cleanup: 'backup-complete' });
  });
});

describe('input', () => {
  test.each([
    [{ application: 'Contoso', snapshot: true }, /request.component/],
    [{ application: 'Contoso', component: 'db', snapshot: true, writerMetadata: '<x/>' }, /writerMetadata/],
    [{ application: 42, component: 'db', snapshot: true }, /request.application/],
  ])('%j is a TypeError naming the field', async (request, field) => {
    await expect(checkConsistency(request as never, { backend: backendFor() })).rejects.toThrow(field);
  });

  test('options.onPhase must be a function', async () => {
    await expect(
      checkConsistency({ application: 'Contoso', component: 'db', snapshot: true }, { backend: backendFor(), onPhase: 1 as never }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
  });

  test('snapshot: "yes" is refused, not taken for false', async () => {
    await expect(checkConsistency({ application: 'Contoso', snapshot: 'yes' } as never, { backend: backendFor() })).rejects.toThrow(
      /request.snapshot/,
    );
  });

  test.each([
    [{ writers: [{ ...MAIL_WRITER, state: 'frozen' }] }, /scenario.vss.writers\[0\].state must be one of/],
    [{ calls: { DoSnapshotSets: 'hang' } }, /did you mean 'DoSnapshotSet'/],
    [{ calls: { DoSnapshotSet: { ignoresCancel: true } } }, /ignoresCancel needs hang: true or a delayMs/],
    [{ writers: [MAIL_WRITER, MAIL_WRITER] }, /writerId repeats/],
  ])('a bad vss scenario %j names the field', (vss, message) => {
    expect(() => createMockBackend({ applications: [], vss: vss as VssScenario })).toThrow(message);
  });
});
