// Run inside a consumer project that installed the packed tarball (test/pack/linux.sh copies it
// there, so `require('wsbapp')` resolves as a user's code does): a mock check through the API, then
// the native mock, asserting that the addon came from the package's own prebuilds/linux-x64.
'use strict';
const assert = require('node:assert/strict');
const { dirname, join, sep } = require('node:path');
const wsbapp = require('wsbapp');

const packageDir = dirname(require.resolve('wsbapp/package.json'));
const request = { application: 'Fabrikam Ledger', component: 'Ledger' };
const options = { interval: 10, maxInterval: 20 };

async function main() {
  assert.equal(packageDir, join(__dirname, 'node_modules', 'wsbapp'));

  const mock = wsbapp.createMockBackend(wsbapp.normalizeScenario(wsbapp.demoScenario()));
  const viaMock = await wsbapp.checkConsistency(request, { ...options, backend: mock });
  assert.equal(viaMock.outcome, 'consistent');

  const bindingPath = wsbapp.nativeBindingPath();
  assert.ok(
    bindingPath.startsWith(join(packageDir, 'prebuilds', 'linux-x64') + sep),
    `loaded ${bindingPath}, not the package's linux-x64 prebuild`,
  );
  const nativeMock = wsbapp.createNativeMockBackend(wsbapp.normalizeScenario(wsbapp.demoScenario()));
  const viaNative = await wsbapp.checkConsistency(request, { ...options, backend: nativeMock });
  assert.equal(viaNative.outcome, 'consistent');
  // The process really mapped that file, not another build of the addon.
  assert.ok(process.report.getReport().sharedObjects.includes(bindingPath), `${bindingPath} is not among the loaded shared objects`);
  console.log(`consumer: mock and native-mock checks consistent; addon ${bindingPath.slice(packageDir.length + 1)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
