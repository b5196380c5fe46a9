// Real COM under Wine (or on Windows): the sample out-of-process add-in, driven by the plain C++
// client, scripted by sample-scenario.json (normalised scenario form). Run by test-com.sh with
// the Windows node.exe: `node --test test/com/`. Needs WSBAPP_SAMPLE_DIR (the folder holding
// wsbapp-sample-client.exe) and WSBAPP_SAMPLE_LOG (the add-in's call log, as registered).
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const dir = process.env.WSBAPP_SAMPLE_DIR;
const logFile = process.env.WSBAPP_SAMPLE_LOG;
const skip = process.platform !== 'win32' || !dir || !logFile ? 'needs Windows (or Wine), WSBAPP_SAMPLE_DIR and WSBAPP_SAMPLE_LOG' : false;

const hex = (n) => `0x${(n >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;

/**
 * Runs the client for one component. Its output goes to a file, not a pipe: the add-in the
 * client activates inherits the client's handles, and a pipe would stay open as long as it runs.
 */
function runClient(component) {
  const out = path.join(os.tmpdir(), `wsbapp-client-${process.pid}-${component}.out`);
  const fd = fs.openSync(out, 'w');
  try {
    const result = spawnSync(path.join(dir, 'wsbapp-sample-client.exe'), ['--component', component, '--interval', '5'], {
      stdio: ['ignore', fd, fd],
      timeout: 60_000,
      windowsHide: true,
    });
    assert.equal(result.error, undefined, `client did not finish: ${result.error}`);
    const lines = fs
      .readFileSync(out, 'utf8')
      .trim()
      .split(/\r?\n/)
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    return { exitCode: result.status, lines, pid: lines[0]?.pid };
  } finally {
    fs.closeSync(fd);
    fs.rmSync(out, { force: true });
  }
}

/** The add-in's log lines about `component`, from the process that served it. */
function addinLines(component) {
  const all = fs
    .readFileSync(logFile, 'utf8')
    .trim()
    .split(/\r?\n/)
    .map((l) => JSON.parse(l));
  const check = all.filter((l) => l.event === 'CheckConsistency' && l.component === component).at(-1);
  assert.ok(check, `the add-in logged no CheckConsistency for ${component}`);
  return all.filter((l) => l.pid === check.pid);
}

const steps = (lines, step) => lines.filter((l) => l.step === step).map((l) => l.hresult);

test('a check that succeeds after two in-progress polls, in another process', { skip }, () => {
  const client = runClient('succeeds');
  assert.equal(client.exitCode, 0);
  assert.deepEqual(steps(client.lines, 'CoCreateInstance'), ['0x00000000']);
  // Both spellings of "in progress" keep the client polling.
  assert.deepEqual(steps(client.lines, 'status'), [hex(0x407a0004), hex(0x007a0004), '0x00000000']);
  const addin = addinLines('succeeds');
  assert.notEqual(addin[0].pid, client.pid, 'the add-in ran in the client process');
  const check = addin.find((l) => l.event === 'CheckConsistency');
  assert.equal(check.logicalPath, 'Instance1');
  assert.equal(check.volumes, 1);
  assert.ok(check.writerMetadataLength > 0);
  assert.match(check.sourceVolumes[0], /^\\\\\?\\Volume\{/);
  assert.match(check.snapshotVolumes[0], /HarddiskVolumeShadowCopy1/);
  assert.equal(addin.filter((l) => l.event === 'QueryStatus').length, 3);
  const { ms, ...last } = addin.at(-1);
  assert.equal(typeof ms, 'number');
  assert.deepEqual(last, { pid: addin[0].pid, event: 'exit', reason: 'last object released' });
});

test('a failed check reports WSBAPP_E_COMPONENT_CONSISTENCY_CHECK_FAILED', { skip }, () => {
  const client = runClient('fails');
  assert.equal(client.exitCode, 6);
  assert.equal(steps(client.lines, 'status').at(-1), hex(0x807a0001));
});

test('CheckConsistency itself can fail', { skip }, () => {
  const client = runClient('check-fails');
  assert.deepEqual(steps(client.lines, 'CheckConsistency'), [hex(0x80004005)]);
});

test('S_OK without an async object means no check is needed', { skip }, () => {
  const client = runClient('anything-else');
  assert.equal(client.exitCode, 0);
  assert.deepEqual(steps(client.lines, 'QueryStatus'), []);
});

test('an add-in that dies inside QueryStatus fails that call with RPC_S_CALL_FAILED', { skip }, () => {
  const client = runClient('crashes');
  assert.equal(client.exitCode, 5);
  assert.deepEqual(steps(client.lines, 'QueryStatus'), ['0x00000000', hex(0x800706be)]);
});

test('a hung add-in is ended by its watchdog, and the hung call fails', { skip }, () => {
  const client = runClient('hangs');
  assert.equal(client.exitCode, 5);
  assert.ok(
    steps(client.lines, 'QueryStatus').every((h) => Number(h) >>> 31 === 1),
    'the hung call should fail',
  );
  assert.equal(addinLines('hangs').at(-1).reason, 'watchdog');
});
