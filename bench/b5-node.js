// B5, our side: QueryStatus round trips to the out-of-process sample add-in through wsbapp.node,
// in the Windows node.exe (under Wine: bench/b5-com.js starts it). One implementation per process:
//   library  ConsistencyCheck.status() of startConsistencyCheck(..., { backend: 'native' })
//   binding  the raw addon: runtime.activate() -> addin.checkConsistency() -> operation.queryStatus()
//   binding-mock  the same through the addon's native mock runtime: its thread hops, no COM call and
//            no add-in process (what the addon adds to a call, measured under the same Wine)
// Usage: node.exe bench/b5-node.js <library|binding|binding-mock> <warmup>
// Environment: WSBAPP_BINDING (the mingw wsbapp.node), WSBAPP_BENCH_ROOT (the tree whose dist/ runs). Same check arguments and protocol as
// bench/com/client.cpp: `warmup` untimed calls, then {"ready":...}; for every line N on stdin, N
// calls awaited one at a time, each timed on its own, answered by {"ns":[...]}; "quit" or EOF
// releases and exits.
'use strict';
const { join } = require('node:path');
const { readSync, writeSync } = require('node:fs');

// The tree whose dist/ is measured (bench/b5-com.js passes WSBAPP_BENCH_ROOT as a Windows path).
const ROOT = process.env.WSBAPP_BENCH_ROOT || join(__dirname, '..');
const IN_PROGRESS = 0x407a0004;
const [impl, warmupArg] = process.argv.slice(2);
const warmup = Number(warmupArg ?? 200);
const APPLICATION = { writerId: '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}', identifier: 'Bench' };
const CHECK = {
  writerMetadata: '<WRITER_METADATA/>',
  component: 'bench',
  logicalPath: 'bench',
  volumes: [
    { source: '\\\\?\\Volume{11111111-2222-3333-4444-555555555555}\\', snapshot: '\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1\\' },
  ],
};

const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;

/** { call: () => Promise<status>, close(), activationMs, checkConsistencyMs } for `impl`. */
async function open() {
  if (impl === 'library') {
    const { startConsistencyCheck } = require(join(ROOT, 'dist', 'index.js'));
    const t0 = process.hrtime.bigint();
    const check = await startConsistencyCheck({ application: APPLICATION.identifier, ...CHECK }, { backend: 'native' });
    return {
      call: async () => {
        const event = await check.status();
        if (event.state !== 'running') throw new Error(`unexpected status ${event.hex}`);
        return event.hresult;
      },
      close: () => check.release(),
      activationMs: undefined,
      checkConsistencyMs: ms(t0), // both together: the library does not split them
    };
  }
  if (impl === 'binding' || impl === 'binding-mock') {
    const { loadBinding } = require(join(ROOT, 'dist', 'backends', 'load.js'));
    const { normalizeScenario } = require(join(ROOT, 'dist', 'index.js'));
    const scenario = normalizeScenario({
      applications: [{ ...APPLICATION, components: { [CHECK.component]: { statuses: [IN_PROGRESS] } } }],
    });
    const runtime =
      impl === 'binding'
        ? loadBinding().createComRuntime({ inProcess: false, allowUnregisteredClsid: false })
        : loadBinding().createMockRuntime(scenario);
    const apps = await runtime.listApplications();
    const app = apps.find((a) => a.writerId === APPLICATION.writerId);
    if (!app?.clsid) throw new Error(`the bench application is not registered (found ${JSON.stringify(apps)})`);
    let t0 = process.hrtime.bigint();
    const addin = await runtime.activate(app.writerId, app.identifier, app.clsid);
    const activationMs = ms(t0);
    t0 = process.hrtime.bigint();
    const { writerMetadata, component, logicalPath, volumes } = CHECK;
    const operation = await addin.checkConsistency(
      writerMetadata,
      component,
      logicalPath,
      volumes.map((v) => v.source),
      volumes.map((v) => v.snapshot),
    );
    const checkConsistencyMs = ms(t0);
    if (operation === null) throw new Error('CheckConsistency returned no async object');
    return {
      call: async () => {
        const status = await operation.queryStatus();
        if (status !== IN_PROGRESS) throw new Error(`unexpected status 0x${status.toString(16)}`);
        return status;
      },
      close: () => {
        operation.release();
        addin.release();
      },
      activationMs,
      checkConsistencyMs,
    };
  }
  throw new Error(`unknown implementation ${impl} (library, binding or binding-mock)`);
}

// Raw reads and writes of fds 0 and 1: under Wine, node.exe cannot open a Linux pipe as
// process.stdin (EBADF from uv_pipe_open). Blocking the loop while waiting for the next line is
// fine: nothing is in flight between blocks.
const say = (object) => writeSync(1, `${JSON.stringify(object)}\n`);
let pending = '';
function readLine() {
  const buffer = Buffer.alloc(256);
  for (;;) {
    const end = pending.indexOf('\n');
    if (end >= 0) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 1);
      return line;
    }
    let n = 0;
    try {
      n = readSync(0, buffer, 0, buffer.length, null);
    } catch (error) {
      if (error.code === 'EOF' || error.code === 'EPIPE') return null;
      throw error;
    }
    if (n === 0) return null;
    pending += buffer.toString('utf8', 0, n);
  }
}

async function main() {
  const target = await open();
  for (let i = 0; i < warmup; i++) await target.call();
  const { activationMs, checkConsistencyMs } = target;
  say({ ready: true, impl, pid: process.pid, node: process.version, activationMs, checkConsistencyMs, warmup });
  for (let line = readLine(); line !== null; line = readLine()) {
    const polls = Number.parseInt(line, 10);
    if (!(polls > 0)) break; // "quit"
    const ns = new Array(polls);
    for (let i = 0; i < polls; i++) {
      const start = process.hrtime.bigint();
      await target.call();
      ns[i] = Number(process.hrtime.bigint() - start);
    }
    say({ ns });
  }
  target.close();
}

// The raw binding's pending calls do not keep node alive (by design): hold the loop open.
const keepAlive = setInterval(() => {}, 2 ** 30);
main()
  .catch((error) => {
    say({ error: String(error?.stack ?? error) });
    process.exitCode = 1;
  })
  .finally(() => clearInterval(keepAlive));
