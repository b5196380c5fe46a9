/**
 * The check on a snapshot over real COM, as a CI job runs it (`node.exe bin/wsbapp.js`, a child
 * process): the addon's requester loads vssapi at run time. Wine's own vssapi answers E_NOTIMPL,
 * which must be a typed "VSS unavailable" error with its exit code; with the fake vssapi
 * (WSBAPP_VSSAPI_PATH, native/mock/fake_vssapi.cc) the whole sequence runs against the sample
 * add-in, which records what its CheckConsistency received. The fake writes, as its process
 * exits, every VSS call made and what is still alive (WSBAPP_FAKE_VSS_STATE).
 */
import './harness/jest-globals';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeScenario, type VssScenario } from '../../lib';
import { CLI_TIMEOUT_MS, runCli } from './harness/cli';
import { registerScenario, sampleDir, type Registered } from './harness/sample-addin';

const SAMPLE = {
  writerId: '{A2000000-0000-4000-8000-000000000001}',
  clsid: '{C2000000-0000-4000-8000-000000000001}',
  identifier: 'On demand',
};
const VOLUME = '\\\\?\\Volume{3E1C0D2A-0000-4000-8000-00000000000D}\\';
const METADATA =
  '<WRITER_METADATA xmlns="x-schema:#VssWriterMetadataInfo"><IDENTIFICATION friendlyName="Sample Writer"/></WRITER_METADATA>';
const baseVss: VssScenario = {
  writers: [
    {
      writerId: SAMPLE.writerId,
      name: 'Sample Writer',
      components: [{ name: 'db', logicalPath: 'Mail', files: ['D:\\Mail\\db.edb'] }],
      metadataXml: METADATA,
    },
  ],
  volumes: { 'D:\\': VOLUME },
};

interface FakeState {
  readonly liveSessions: number;
  readonly liveSnapshots: number;
  readonly liveObjects: number;
  readonly snapshotsMadeAt: number;
  readonly snapshotsGoneAt: number;
  readonly calls: string[];
}

interface Run {
  readonly status: number | null;
  readonly events: { type: string; [key: string]: unknown }[];
  readonly fake: FakeState | null;
  readonly addin: Registered;
}

/**
 * Registers the sample with `vss` as the machine and runs the CLI. `vssapi`: the fake (default),
 * Wine's own (`'system'`), or another file given as the seam's path.
 */
async function run(name: string, args: readonly string[], vss: VssScenario = baseVss, vssapi = 'fake'): Promise<Run> {
  const scenario = normalizeScenario({
    applications: [{ ...SAMPLE, components: { '*': { statuses: ['WSBAPP_ASYNC_IN_PROGRESS', 'S_OK'] } } }],
    vss,
  });
  const addin = registerScenario(`vss-${name}`, scenario, 30, 0);
  const file = (suffix: string) => join(sampleDir, `vss-${name}.${suffix}`);
  writeFileSync(file('fake.json'), JSON.stringify(scenario));
  rmSync(file('state.json'), { force: true });
  const env = { ...process.env };
  delete env.WSBAPP_VSSAPI_PATH;
  if (vssapi !== 'system')
    Object.assign(env, {
      WSBAPP_VSSAPI_PATH: vssapi === 'fake' ? join(sampleDir, 'wsbapp-fake-vssapi.dll') : vssapi,
      WSBAPP_FAKE_VSS_SCENARIO: file('fake.json'),
      WSBAPP_FAKE_VSS_STATE: file('state.json'),
    });
  const { status, elapsedMs } = await runCli([...args, '--json'], file('out'), file('err'), env);
  console.log(`# ${name}: exit ${status} in ${elapsedMs} ms`);
  const stderr = readFileSync(file('err'), 'utf8').trim();
  if (stderr !== '') console.log(`#   stderr: ${stderr}`);
  return {
    status,
    events: readFileSync(file('out'), 'utf8')
      .split(/\r?\n/)
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Run['events'][number]),
    fake: existsSync(file('state.json')) ? (JSON.parse(readFileSync(file('state.json'), 'utf8')) as FakeState) : null,
    addin,
  };
}

const CHECK = ['check', '--snapshot', '--app', SAMPLE.identifier, '--component', 'db', '--timeout', '60s', '--interval', '0.05'];
const nothingLeft = { liveSessions: 0, liveSnapshots: 0, liveObjects: 0 };

test(
  "Wine's own vssapi (E_NOTIMPL) is VSS unavailable: exit 6, before any snapshot",
  async () => {
    const { status, events } = await run('unavailable', ['writers'], baseVss, 'system');
    expect(status).toBe(6);
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'ERR_WSB_VSS_UNAVAILABLE', symbol: 'E_NOTIMPL' });
  },
  CLI_TIMEOUT_MS,
);

test(
  'a vssapi that is missing, or lacks its export, is VSS unavailable: exit 6',
  async () => {
    const missing = await run('missing', CHECK, baseVss, join(sampleDir, 'no-such-vssapi.dll'));
    expect(missing.status).toBe(6);
    expect(missing.events.at(-1)).toMatchObject({ type: 'error', code: 'ERR_WSB_VSS_UNAVAILABLE', symbol: 'ERROR_MOD_NOT_FOUND' });
    // The proxy/stub DLL loads, but has no CreateVssBackupComponentsInternal.
    const noExport = await run('no-export', CHECK, baseVss, join(sampleDir, 'wsbapp-proxy.dll'));
    expect(noExport.status).toBe(6);
    expect(noExport.events.at(-1)).toMatchObject({ type: 'error', code: 'ERR_WSB_VSS_UNAVAILABLE', symbol: 'ERROR_PROC_NOT_FOUND' });
    for (const r of [missing, noExport]) expect(r.addin.log().filter((l) => l.event === 'CheckConsistency')).toEqual([]);
  },
  CLI_TIMEOUT_MS,
);

test(
  'wsbapp writers through the fake vssapi: the writer, its component and volume, and the WSB add-in registered for it',
  async () => {
    const { status, events, fake } = await run('writers', ['writers']);
    expect(status).toBe(0);
    expect(events.find((e) => e.type === 'writer')).toMatchObject({
      writerId: SAMPLE.writerId,
      name: 'Sample Writer',
      stateName: 'stable',
      components: [{ name: 'db', logicalPath: 'Mail', volumes: [VOLUME] }],
      application: { identifier: SAMPLE.identifier },
    });
    expect(fake).toMatchObject({
      ...nothingLeft,
      calls: ['CreateVssBackupComponents', 'GatherWriterMetadata', 'GatherWriterStatus', 'GetVolumeName'],
    });
  },
  CLI_TIMEOUT_MS,
);

test(
  "the check on a snapshot: the add-in's CheckConsistency gets the writer's SaveAsXML and the volume's snapshot device, while the snapshot lives",
  async () => {
    const { status, events, fake, addin } = await run('check', CHECK);
    expect(status).toBe(0);
    const result = events.at(-1) as unknown as { snapshot: { volumes: { volume: string; device: string }[]; cleanup: string } };
    expect(result).toMatchObject({ type: 'result', outcome: 'consistent', snapshot: { cleanup: 'backup-complete' } });
    const [volume] = result.snapshot.volumes;
    expect(volume).toMatchObject({
      volume: VOLUME,
      device: expect.stringMatching(/^\\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy\d+\\$/),
    });

    const check = addin.log().find((l) => l.event === 'CheckConsistency');
    expect(check).toMatchObject({
      writerMetadata: METADATA,
      component: 'db',
      logicalPath: 'Mail',
      sourceVolumes: [VOLUME],
      snapshotVolumes: [volume.device],
    });
    const checkedAt = Number(check?.ms);
    expect(fake).toMatchObject(nothingLeft);
    expect(fake?.snapshotsMadeAt).toBeLessThanOrEqual(checkedAt);
    expect(fake?.snapshotsGoneAt).toBeGreaterThanOrEqual(checkedAt);
    expect(fake?.calls.filter((c) => c === 'BackupComplete' || c === 'AbortBackup')).toEqual(['BackupComplete']);
  },
  CLI_TIMEOUT_MS,
);

test(
  'DoSnapshotSet vetoed by the provider: exit 6 naming the phase, AbortBackup, the add-in never called, nothing left',
  async () => {
    const { status, events, fake, addin } = await run('veto', CHECK, { ...baseVss, calls: { DoSnapshotSet: 'VSS_E_PROVIDER_VETO' } });
    expect(status).toBe(6);
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'ERR_WSB_VSS', symbol: 'VSS_E_PROVIDER_VETO', phase: 'snapshot' });
    expect(fake).toMatchObject(nothingLeft);
    expect(fake?.calls.filter((c) => c === 'BackupComplete' || c === 'AbortBackup')).toEqual(['AbortBackup']);
    expect(addin.log().filter((l) => l.event === 'CheckConsistency')).toEqual([]);
  },
  CLI_TIMEOUT_MS,
);
