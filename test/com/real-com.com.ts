/**
 * What only real COM shows: registry listing, out-of-process calls (two pids), Abort as the add-in
 * sees it, an add-in process dying between and during calls, a hung call at its deadline (and
 * whether CoCancelCall ends it), both in-progress codes across the wire, missing registrations.
 * Runs with node.exe under Wine (or on Windows) through scripts/wine/test-com.sh.
 */
import './harness/jest-globals';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import {
  AbortedError,
  AddinDisconnectedError,
  CheckFailedError,
  HRESULT,
  InterfaceNotAvailableError,
  NotRegisteredError,
  TimeoutError,
  checkConsistency,
  listApplications,
  startConsistencyCheck,
} from '../../lib';
import { createNativeBackend } from '../../lib/backends/native';
import { systemMessageOf } from '../../lib/backends/system-message';
import { WSB_INTERFACES } from '../../lib/machine/registry';
import { normalizeScenario } from '../../lib/backends/scenario';
import { proxyDll, reg, registerScenario } from './harness/sample-addin';

const SAMPLE = { writerId: '{A1000000-0000-4000-8000-000000000001}', clsid: '{C1000000-0000-4000-8000-000000000001}' };
const NO_CLASS = { writerId: '{A1000000-0000-4000-8000-000000000002}', clsid: '{C1000000-0000-4000-8000-000000000002}' };
const UNLISTED = { writerId: '{A1000000-0000-4000-8000-000000000003}', clsid: '{C1000000-0000-4000-8000-000000000003}' };
const IID_BACKUP_SUPPORT = WSB_INTERFACES.find((i) => i.name === 'IWsbApplicationBackupSupport')?.iid ?? '';
const running = 'WSBAPP_ASYNC_IN_PROGRESS';
// Measurements and evidence (pids, marshalled arguments) go to the report, never into assertions.
const diagnostic = (text: string) => console.log(`# ${text}`);

const addin = registerScenario(
  'real-com',
  normalizeScenario({
    applications: [
      {
        ...SAMPLE,
        identifier: 'Sample',
        components: {
          ok: { statuses: [running, 'S_OK'] },
          fails: { statuses: [running, 'WSBAPP_E_COMPONENT_CONSISTENCY_CHECK_FAILED'] },
          sdkInProgress: { statuses: ['0x407A0004', 'S_OK'] },
          metadataInProgress: { statuses: ['0x007A0004', 'S_OK'] },
          forever: { statuses: [running] },
          crashes: { statuses: [running, { crash: true }] },
          // Abort hangs too, so only the watchdog ends this check: the client must give up alone.
          hangs: { statuses: [running, { hang: true }], abort: { hang: true } },
        },
      },
      { ...NO_CLASS, identifier: 'No COM class' },
      { ...UNLISTED, identifier: 'Unlisted', components: { '*': { statuses: [running, 'S_OK'] } } },
    ],
  }),
);
// A WSB application whose CLSID has no COM registration, and a COM class no WSB application names.
reg('delete', `HKLM\\SOFTWARE\\Classes\\CLSID\\${NO_CLASS.clsid}`, '/f');
reg(
  'delete',
  `HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\WindowsServerBackup\\Application Support\\${UNLISTED.writerId}`,
  '/f',
);

const backend = createNativeBackend();
const fast = { backend, interval: 5, maxInterval: 20 };
const check = (component: string, options: object = {}) => checkConsistency({ application: 'Sample', component }, { ...fast, ...options });

test('lists the applications registered with WSB from the registry', async () => {
  const apps = await listApplications({ backend });
  expect(apps).toEqual([
    { writerId: SAMPLE.writerId, identifier: 'Sample', clsid: SAMPLE.clsid },
    { writerId: NO_CLASS.writerId, identifier: 'No COM class', clsid: NO_CLASS.clsid },
  ]);
});

test('a check that succeeds runs in the add-in process, with the arguments marshalled', async () => {
  const volumes = [
    { source: '\\\\?\\Volume{6F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9}\\', snapshot: '\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy7\\' },
  ];
  const started = Date.now();
  const result = await checkConsistency(
    { application: 'Sample', component: 'ok', logicalPath: 'Mail\\Store', writerMetadata: '<WRITER_METADATA/>', volumes },
    fast,
  );
  const elapsedMs = Date.now() - started;
  expect(result).toMatchObject({ outcome: 'consistent', polls: 2 });
  const lines = addin.processOf('ok');
  const call = lines.find((l) => l.event === 'CheckConsistency');
  diagnostic(`node.exe pid ${process.pid}, add-in pid ${lines[0].pid}; activation + check took ${elapsedMs} ms`);
  diagnostic(`the add-in received: ${JSON.stringify(call)}`);
  expect(lines[0].pid).not.toBe(process.pid);
  expect(call).toMatchObject({
    component: 'ok',
    logicalPath: 'Mail\\Store',
    writerMetadataLength: 18,
    sourceVolumes: [volumes[0].source],
    snapshotVolumes: [volumes[0].snapshot],
  });
  expect(lines.filter((l) => l.event === 'QueryStatus')).toHaveLength(2);
});

test('a check that fails is CheckFailedError with the add-in HRESULT', async () => {
  await expect(check('fails')).rejects.toMatchObject({ constructor: CheckFailedError, hresult: 0x807a0001, polls: 2 });
});

test.each(['sdkInProgress', 'metadataInProgress'])(
  '%s: the in-progress code crosses the process boundary as sent, and keeps polling',
  async (component) => {
    const hexes: string[] = [];
    await check(component as string, { onStatus: (e: { hex: string }) => hexes.push(e.hex) });
    expect(hexes).toEqual([component === 'sdkInProgress' ? '0x407A0004' : '0x007A0004', '0x00000000']);
  },
);

test('Abort reaches the add-in: its own log records it', async () => {
  const controller = new AbortController();
  const error = await check('forever', { signal: controller.signal, onStatus: () => controller.abort() }).catch((e: unknown) => e);
  expect(error).toMatchObject({ constructor: AbortedError, abortDelivered: true, abortHresult: 0 });
  expect(addin.processOf('forever').map((l) => l.event)).toContain('Abort');
});

test('an add-in that dies during a call: AddinDisconnectedError, and the next activation works', async () => {
  const error = await check('crashes').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AddinDisconnectedError);
  expect(error).toMatchObject({ code: 'ERR_WSB_ADDIN_DISCONNECTED', hresult: HRESULT.RPC_S_CALL_FAILED, call: 'QueryStatus' });
  await expect(check('ok')).resolves.toMatchObject({ outcome: 'consistent' });
});

test('an add-in killed between calls: AddinDisconnectedError on the next call, and the next activation works', async () => {
  await using handle = await startConsistencyCheck({ application: 'Sample', component: 'forever' }, { backend });
  await expect(handle.status()).resolves.toMatchObject({ state: 'running' });
  const pid = addin.processOf('forever')[0].pid;
  execFileSync(join(process.env.SystemRoot ?? 'C:\\Windows', 'System32', 'taskkill.exe'), ['/F', '/PID', String(pid)], {
    stdio: 'ignore',
    timeout: 30_000,
  });
  const error = await handle.status().catch((e: unknown) => e);
  expect(error).toMatchObject({ constructor: AddinDisconnectedError, code: 'ERR_WSB_ADDIN_DISCONNECTED' });
  diagnostic(
    `QueryStatus after the add-in process was killed: ${(error as AddinDisconnectedError).hex} ${(error as AddinDisconnectedError).symbol}`,
  );
  await expect(check('ok')).resolves.toMatchObject({ outcome: 'consistent' });
});

test('a hung call: the deadline still fires while another check polls to its verdict', async () => {
  const settled: string[] = [];
  const hung = check('hangs', { timeout: 4_000, abortTimeout: 1_000 })
    .catch((e: unknown) => e)
    .finally(() => settled.push('hung'));
  const other = check('ok').finally(() => settled.push('ok'));
  await expect(other).resolves.toMatchObject({ outcome: 'consistent' });
  const error = await hung;
  expect(error).toMatchObject({ constructor: TimeoutError, code: 'ERR_WSB_TIMEOUT', polls: 1, abortDelivered: false });
  expect(settled).toEqual(['ok', 'hung']);
});

test('CoCancelCall: does releasing an operation end its hung QueryStatus? (measured, both answers allowed)', async () => {
  const activated = await backend.activate({ writerId: SAMPLE.writerId, identifier: 'Sample', clsid: SAMPLE.clsid });
  const operation = await activated.checkConsistency({ writerMetadata: null, component: 'hangs', logicalPath: null, volumes: [] });
  expect(operation).not.toBeNull();
  await operation!.queryStatus();
  const hungCall = operation!.queryStatus().then(
    () => 'answered',
    (e: { hresult?: number }) => (e.hresult === HRESULT.RPC_E_CALL_CANCELED ? 'cancelled' : `failed ${e.hresult}`),
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  void operation!.release(); // cancels the calls in flight where the platform can (CoCancelCall)
  void activated.release();
  const outcome = await Promise.race([hungCall, new Promise<string>((resolve) => setTimeout(resolve, 3_000, 'still running'))]);
  diagnostic(
    `hung QueryStatus 3 s after release: ${outcome} (Windows: cancelled with RPC_E_CALL_CANCELED; Wine 8 has no CoCancelCall, the call is abandoned)`,
  );
  // Cancelled, or abandoned and still running: never answered as if the add-in had replied.
  expect(['cancelled', 'still running']).toContain(outcome);
});

test('a WSB application whose CLSID is not a registered COM class: NotRegisteredError (REGDB_E_CLASSNOTREG)', async () => {
  const error = await checkConsistency({ application: 'No COM class' }, fast).catch((e: unknown) => e);
  expect(error).toMatchObject({ constructor: NotRegisteredError, hresult: HRESULT.REGDB_E_CLASSNOTREG, call: 'Activate' });
});

test('a COM class that no WSB application names is activated only with allowUnregisteredClsid', async () => {
  const byClsid = { application: { clsid: UNLISTED.clsid }, component: 'x' };
  await expect(checkConsistency(byClsid, fast)).rejects.toMatchObject({
    constructor: NotRegisteredError,
    message: expect.stringMatching(/allowUnregisteredClsid/),
  });
  const permissive = createNativeBackend({ allowUnregisteredClsid: true });
  await expect(checkConsistency(byClsid, { ...fast, backend: permissive })).resolves.toMatchObject({ outcome: 'consistent', polls: 2 });
});

test('without the proxy/stub registration, activation is InterfaceNotAvailableError saying so; re-registering fixes it', async () => {
  reg('delete', `HKLM\\SOFTWARE\\Classes\\Interface\\${IID_BACKUP_SUPPORT}\\ProxyStubClsid32`, '/f');
  try {
    const error = await check('ok').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterfaceNotAvailableError);
    expect(error).toMatchObject({
      hresult: HRESULT.E_NOINTERFACE,
      message: expect.stringContaining(`HKCR\\Interface\\${IID_BACKUP_SUPPORT}\\ProxyStubClsid32`),
    });
  } finally {
    execFileSync(join(process.env.SystemRoot ?? 'C:\\Windows', 'System32', 'regsvr32.exe'), ['/s', proxyDll], {
      stdio: 'ignore',
      timeout: 60_000,
    });
  }
  await expect(check('ok')).resolves.toMatchObject({ outcome: 'consistent' });
});

test("the system's own message for a code, through the addon (FormatMessageW)", () => {
  const text = systemMessageOf(HRESULT.E_ACCESSDENIED);
  diagnostic(`FormatMessage(0x80070005): ${JSON.stringify(text)}`);
  expect(text).toMatch(/\S/);
});
