/**
 * Ownership through the native call layer: every path ends with every COM object of the native
 * mock released exactly once (live count back to zero), whatever the add-in did.
 */
import { AddinDisconnectedError, AddinProtocolError, InterfaceNotAvailableError } from '../../lib/errors';
import { createNativeMockBackend, type NativeMockBackend } from '../../lib/backends/native';
import type { BackendAddin, BackendOperation, RegisteredApplication } from '../../lib/backends/types';
import { eventually, OTHER_WRITER, scenarioWith, WRITER } from './helpers';

const IN_PROGRESS = 0x407a0004;
const E_ABORT = 0x80004004;

const scenario = scenarioWith({
  db: { statuses: [{ status: 'WSBAPP_ASYNC_IN_PROGRESS', delayMs: 1 }, 'S_OK'] },
  refuses: { check: { fail: 'WSBAPP_E_COMPONENT_CONSISTENCY_CHECK_FAILED', operation: true } },
  noCheck: { check: 'no-async' },
  unwritten: { statuses: [{ unwritten: true }] },
  crashes: { statuses: [{ crash: true }] },
  forever: { statuses: ['WSBAPP_ASYNC_IN_PROGRESS'] },
  hangs: { statuses: [{ hang: true }] },
});

const contoso: RegisteredApplication = { writerId: WRITER, identifier: 'Contoso', clsid: '{0D5A7E2C-6B1F-4C8E-9A3D-5E7F1B2C4D6A}' };
const other: RegisteredApplication = { ...contoso, writerId: OTHER_WRITER, identifier: 'Other' };
const volumes = [{ source: '\\\\?\\Volume{1}\\', snapshot: '\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1\\' }];

let backend: NativeMockBackend;
let addin: BackendAddin;

async function check(component: string): Promise<BackendOperation | null> {
  return addin.checkConsistency({ writerMetadata: '<metadata/>', component, logicalPath: 'Contoso\\', volumes });
}

async function expectAllReleased(): Promise<void> {
  expect(await eventually(() => backend.stats().liveObjects === 0)).toBe(true);
}

beforeEach(async () => {
  backend = createNativeMockBackend(scenario);
  addin = await backend.activate(contoso);
});

test('an activated add-in holds one reference per interface; an operation holds one', async () => {
  const operation = await check('db');
  const objects = backend.stats().objects;
  expect(objects).toEqual(
    expect.arrayContaining([
      { kind: 'addin', writerId: WRITER, component: null, refs: 2 },
      { kind: 'operation', writerId: WRITER, component: 'db', refs: 1 },
    ]),
  );
  void operation?.release();
  void addin.release();
  await expectAllReleased();
});

test('success: polled to completion, then released', async () => {
  const operation = await check('db');
  expect(await operation?.queryStatus()).toEqual({ status: IN_PROGRESS });
  expect(await operation?.queryStatus()).toEqual({ status: 0 });
  void operation?.release();
  void addin.release();
  await expectAllReleased();
});

test('a failing CheckConsistency that still wrote an async pointer: rejected, and the pointer released', async () => {
  await expect(check('refuses')).rejects.toMatchObject({ hresult: 0x807a0001, call: 'CheckConsistency' });
  void addin.release();
  await expectAllReleased();
  expect(backend.stats().calls.filter((c) => c.method === 'Release' && c.args[0] === 'operation')).toHaveLength(1);
});

test('no check required: null, nothing to release', async () => {
  expect(await check('noCheck')).toBeNull();
  void addin.release();
  await expectAllReleased();
});

test('S_OK without writing the status is caught by the sentinel', async () => {
  const operation = await check('unwritten');
  await expect(operation?.queryStatus()).rejects.toBeInstanceOf(AddinProtocolError);
  void operation?.release();
  void addin.release();
  await expectAllReleased();
});

test('a crash fails that call and every later one; release still completes', async () => {
  const operation = await check('crashes');
  await expect(operation?.queryStatus()).rejects.toMatchObject({ hresult: 0x800706be });
  await expect(operation?.queryStatus()).rejects.toBeInstanceOf(AddinDisconnectedError);
  await expect(addin.isRollForwardSupported()).rejects.toMatchObject({ hresult: 0x800706ba });
  void operation?.release();
  void addin.release();
  await expectAllReleased();
});

test('abort: Abort returns, later statuses are E_ABORT', async () => {
  const operation = await check('forever');
  expect(await operation?.abort()).toBe(0);
  expect(await operation?.queryStatus()).toEqual({ status: E_ABORT });
  void operation?.release();
  void addin.release();
  await expectAllReleased();
});

test('Abort is delivered while a QueryStatus on the same operation is hung; release ends the hang', async () => {
  const operation = await check('hangs');
  const hung = operation?.queryStatus().catch((error: unknown) => error);
  // Abort runs on another COM thread: only once the QueryStatus is in the add-in (and hangs there),
  // else a slow run (ASan) can let Abort overtake it and the QueryStatus then answers E_ABORT.
  expect(await eventually(() => backend.stats().calls.some((call) => call.method === 'QueryStatus'))).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(await operation?.abort()).toBe(0);
  void operation?.release();
  expect(await hung).toMatchObject({ hresult: 0x80010002 }); // RPC_E_CALL_CANCELED: cancelled by the release
  void addin.release();
  await expectAllReleased();
});

test('restore calls: ordering arrays freed, missing interface typed, everything released', async () => {
  const order = await addin.orderComponents([
    { name: 'db', logicalPath: 'Contoso\\db' },
    { name: 'logs', logicalPath: 'Contoso\\logs' },
  ]);
  expect(order).toEqual([
    { name: 'logs', logicalPath: 'Contoso\\logs' },
    { name: 'db', logicalPath: 'Contoso\\db' },
  ]);
  const backupOnly = await backend.activate(other);
  await expect(backupOnly.isRollForwardSupported()).rejects.toBeInstanceOf(InterfaceNotAvailableError);
  // The message names the missing interface and where its proxy/stub would be registered.
  await expect(backupOnly.preRestore({ writerMetadata: null, component: 'db', logicalPath: null, noRollForward: false })).rejects.toThrow(
    /IWsbApplicationRestoreSupport \{8D3BDB38-4EE8-4718-85F9-C7DBC4AB77AA\}.*HKCR\\Interface\\\{8D3BDB38-4EE8-4718-85F9-C7DBC4AB77AA\}\\ProxyStubClsid32/,
  );
  await expect(
    backupOnly.checkConsistency({ writerMetadata: null, component: 'refuses', logicalPath: null, volumes: [] }),
  ).rejects.toMatchObject({
    hresult: 0x807a0001,
  });
  void backupOnly.release();
  void addin.release();
  await expectAllReleased();
});

test('the mock records the arguments it received, NULLs as null', async () => {
  const operation = await check('db');
  void operation?.release();
  await addin.preRestore({ writerMetadata: null, component: 'db', logicalPath: null, noRollForward: true });
  void addin.release();
  const calls = backend.stats().calls;
  expect(calls.find((c) => c.method === 'CheckConsistency')).toEqual({
    method: 'CheckConsistency',
    writerId: WRITER,
    component: 'db',
    args: ['<metadata/>', 'Contoso\\', volumes[0].source, volumes[0].snapshot],
  });
  expect(calls.find((c) => c.method === 'PreRestore')?.args).toEqual([null, null, 'true']);
  await expectAllReleased();
});
