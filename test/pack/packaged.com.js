// The packed package under Wine: the real-COM subset (activation, polling, Abort, a crashing
// add-in) through `require('wsbapp')` as a user's code calls it, with no WSBAPP_BINDING, so the
// package's own loader must pick prebuilds/win32-x64. test/pack/wine.sh copies this file into
// the consumer project and runs it in node.exe and in a renamed copy of node.exe; it reuses the
// real-COM harness compiled by tsconfig.com.json (WSBAPP_HARNESS_DIR): jest's globals on
// node:test, and the sample add-in's registration.
'use strict';
/* global test, expect -- defined by the harness's jest-globals.js on node:test */
const { basename, dirname, join, sep } = require('node:path');

const harness = process.env.WSBAPP_HARNESS_DIR;
require(join(harness, 'jest-globals.js'));
const { registerScenario } = require(join(harness, 'sample-addin.js'));
const wsbapp = require('wsbapp');

const SAMPLE = { writerId: '{A1000000-0000-4000-8000-000000000001}', clsid: '{C1000000-0000-4000-8000-000000000001}' };
const running = 'WSBAPP_ASYNC_IN_PROGRESS';
const addin = registerScenario(
  'packaged',
  wsbapp.normalizeScenario({
    applications: [
      {
        ...SAMPLE,
        identifier: 'Sample',
        components: {
          ok: { statuses: [running, 'S_OK'] },
          forever: { statuses: [running] },
          crashes: { statuses: [running, { crash: true }] },
        },
      },
    ],
  }),
);

const packageDir = dirname(require.resolve('wsbapp/package.json'));
const backend = wsbapp.createNativeBackend();
const check = (component, options = {}) =>
  wsbapp.checkConsistency({ application: 'Sample', component }, { backend, interval: 5, maxInterval: 20, ...options });

test(`runs in ${process.env.WSBAPP_EXPECTED_HOST}, with the addon from the package's win32-x64 prebuild`, () => {
  expect(basename(process.execPath)).toBe(process.env.WSBAPP_EXPECTED_HOST);
  expect(process.env.WSBAPP_BINDING).toBeUndefined();
  const bindingPath = wsbapp.nativeBindingPath();
  expect(bindingPath.startsWith(join(packageDir, 'prebuilds', 'win32-x64') + sep)).toBe(true);
  // The process really mapped that file (Windows paths: compare without case).
  const loaded = process.report.getReport().sharedObjects.map((path) => path.toLowerCase());
  expect(loaded).toContain(bindingPath.toLowerCase());
});

test('activation and polling: a check runs in the add-in process to its verdict', async () => {
  await expect(check('ok')).resolves.toMatchObject({ outcome: 'consistent', polls: 2 });
  const lines = addin.processOf('ok');
  expect(lines[0].pid).not.toBe(process.pid);
  expect(lines.filter((l) => l.event === 'QueryStatus')).toHaveLength(2);
});

test('Abort reaches the add-in: its own log records it', async () => {
  const controller = new AbortController();
  const error = await check('forever', { signal: controller.signal, onStatus: () => controller.abort() }).catch((e) => e);
  expect(error).toMatchObject({ constructor: wsbapp.AbortedError, abortDelivered: true, abortHresult: 0 });
  expect(addin.processOf('forever').map((l) => l.event)).toContain('Abort');
});

test('an add-in that dies during a call: AddinDisconnectedError, and the next activation works', async () => {
  const error = await check('crashes').catch((e) => e);
  expect(error).toMatchObject({
    constructor: wsbapp.AddinDisconnectedError,
    hresult: wsbapp.HRESULT.RPC_S_CALL_FAILED,
    call: 'QueryStatus',
  });
  await expect(check('ok')).resolves.toMatchObject({ outcome: 'consistent' });
});
