// B1, binding cost: one QueryStatus round trip on the native mock add-in's operation.
// Usage: node bench/b1-binding.js <impl>   (one implementation per process; bench/run.js runs them all)
//
// Every implementation calls slot 3 (QueryStatus) of a mock IWsbApplicationAsync made by the same
// code from the same scenario ("in progress" forever): ours through wsbapp.node, koffi through
// the C factory of bench/build/wsbbench.node. Each process makes its own object, so "same
// object" means same class, same compiled mock code, same script.
'use strict';
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');
const { ROOT, WRITER, IDENTIFIER, COMPONENT, IN_PROGRESS, wsbapp, wsbbenchPath, scenario, summarize, runChild } = require('./lib/common');

const QUICK = process.env.BENCH_QUICK === '1';
// Sync calls take ~100 ns, below what one hrtime read resolves well, so they are timed in batches;
// the distribution is then of batch means. Async calls (tens of µs) are timed one by one.
const SYNC = { batch: 1000, samples: QUICK ? 300 : 2000, warmup: 200, reopenEvery: 10 };
const ASYNC = { calls: QUICK ? 4000 : 20000, warmup: 2000 };
const LANES = 64; // "many in flight": one call outstanding on each of 64 operations
const ROUNDS = QUICK ? 10 : 40;

const json = () => JSON.stringify(scenario(Infinity));

function checkStatus(status) {
  if (status !== IN_PROGRESS) throw new Error(`unexpected status 0x${status.toString(16)}`);
}

/** ns per call of `call(handle)`, in batches (or `batch(handle, n)` making n calls itself). The
 * operation is reopened every few batches, untimed: the mock logs every call it receives, and an
 * endless log would grow (and reallocate) under the loop. */
function timeSync({
  open,
  close,
  call,
  batch = (handle, n) => {
    for (let i = 0; i < n; i++) call(handle);
  },
}) {
  const perCall = [];
  let handle;
  for (let s = 0; s < SYNC.warmup + SYNC.samples; s++) {
    if (s % SYNC.reopenEvery === 0) {
      if (handle !== undefined) close(handle);
      handle = open();
    }
    const start = process.hrtime.bigint();
    batch(handle, SYNC.batch);
    const elapsed = Number(process.hrtime.bigint() - start);
    if (s >= SYNC.warmup) perCall.push(elapsed / SYNC.batch);
  }
  close(handle);
  return { unit: 'ns/call (batch means)', ...summarize(perCall), batch: SYNC.batch };
}

/** ns per awaited call, one at a time, each timed on its own. */
async function timeAsync(call) {
  for (let i = 0; i < ASYNC.warmup; i++) checkStatus(await call(0));
  const ns = new Float64Array(ASYNC.calls);
  for (let i = 0; i < ASYNC.calls; i++) {
    const start = process.hrtime.bigint();
    checkStatus(await call(0));
    ns[i] = Number(process.hrtime.bigint() - start);
  }
  return { unit: 'ns/call', ...summarize(ns) };
}

/** ns per call amortised with LANES calls in flight (lane i polls its own operation i). */
async function timeInFlight(call) {
  const lane = async (i, calls) => {
    for (let c = 0; c < calls; c++) checkStatus(await call(i));
  };
  const round = (calls) => Promise.all(Array.from({ length: LANES }, (_, i) => lane(i, calls)));
  await round(50);
  const perCall = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    await round(20);
    perCall.push(Number(process.hrtime.bigint() - start) / (LANES * 20));
  }
  return { unit: 'ns/call amortised', ...summarize(perCall), inFlight: LANES };
}

const loadBinding = () => require(join(ROOT, 'dist', 'backends', 'load.js')).loadBinding();

/** LANES operations from wsbapp.node's native mock runtime (the addon's own Operation objects). */
async function addonOperations(count) {
  const sc = scenario(Infinity);
  const runtime = loadBinding().createMockRuntime(sc);
  const addin = await runtime.activate(WRITER, IDENTIFIER, sc.applications[0].clsid);
  const ops = [];
  for (let i = 0; i < count; i++) ops.push(await addin.checkConsistency(null, COMPONENT, null, [], []));
  return ops;
}

/**
 * One QueryStatus through the batch entry point (issue 13), a batch of one element:
 * `queryStatusBatch(operations, onResults(indices, statuses, failures))`, where `indices` and
 * `statuses` are parallel Uint32Arrays and `failures` lists what failed. Undefined when the
 * binding predates it.
 */
function batchOfOne(binding, op) {
  if (typeof binding.queryStatusBatch !== 'function') return undefined;
  const ops = [op];
  return () =>
    new Promise((resolve, reject) =>
      binding.queryStatusBatch(ops, (indices, statuses, failures) =>
        indices.length === 1 && indices[0] === 0
          ? resolve(statuses[0])
          : reject(new Error(`the batch of one answered no status (failures: ${JSON.stringify(failures)})`)),
      ),
    );
}

/** The same, through the public Backend contract (adds the typed-error mapping layer). */
async function backendOperations(count) {
  const sc = scenario(Infinity);
  const backend = wsbapp().createNativeMockBackend(sc);
  const addin = await backend.activate(sc.applications[0]);
  const ops = [];
  for (let i = 0; i < count; i++)
    ops.push(await addin.checkConsistency({ writerMetadata: null, component: COMPONENT, logicalPath: null, volumes: [] }));
  return ops;
}

/** koffi's view of the same operation: slot 3 of its vtable, decoded into a callable. */
function koffiQueryStatus() {
  const koffi = require('koffi');
  const lib = koffi.load(wsbbenchPath());
  const open = lib.func('void *wsbbench_open(const char *, const char *, const char *)');
  const close = lib.func('void wsbbench_release(void *)');
  const proto = koffi.proto('int32_t QueryStatusFn(void *self, int32_t *status)');
  const openOne = () => {
    const op = open(json(), WRITER, COMPONENT);
    if (!op) throw new Error('wsbbench_open failed');
    return op;
  };
  // Every mock operation shares one vtable, so the slot is decoded once.
  const probe = openOne();
  const queryStatus = koffi.decode(koffi.decode(koffi.decode(probe, 'void *'), 3 * 8, 'void *'), proto);
  close(probe);
  return { koffi, open: openOne, close, queryStatus };
}

// koffi's fastest out-parameter style on this kind of VM (78-82 ns/call against 350-400 for a JS
// array out-parameter): `int32_t *` with an Int32Array(1).
function koffiSyncCall(queryStatus) {
  const out = new Int32Array(1);
  return (op) => {
    if (queryStatus(op, out) < 0) throw new Error('QueryStatus failed');
    return out[0] >>> 0;
  };
}

function koffiAsyncCall(queryStatus, ops) {
  const outs = ops.map(() => new Int32Array(1));
  return (i) =>
    new Promise((resolve, reject) =>
      queryStatus.async(ops[i], outs[i], (error, hr) =>
        error ? reject(error) : hr < 0 ? reject(new Error('QueryStatus failed')) : resolve(outs[i][0] >>> 0),
      ),
    );
}

const IMPLS = {
  async 'ours-async'() {
    const [op] = await addonOperations(1);
    return timeAsync(() => op.queryStatus());
  },
  async 'koffi-async'() {
    const k = koffiQueryStatus();
    return { ...(await timeAsync(koffiAsyncCall(k.queryStatus, [k.open()]))), koffiConfig: k.koffi.config() };
  },
  async 'ours-batch-1'() {
    const [op] = await addonOperations(1);
    const call = batchOfOne(loadBinding(), op);
    // Reported as a gap, never as a figure: compare.js and run.js print the reason.
    if (!call) return { na: 'binding has no queryStatusBatch' };
    return timeAsync(call);
  },
  async 'ours-backend-async'() {
    const [op] = await backendOperations(1);
    return timeAsync(async () => (await op.queryStatus()).status);
  },
  async 'ours-async-64'() {
    const ops = await addonOperations(LANES);
    return timeInFlight((i) => ops[i].queryStatus());
  },
  async 'koffi-async-64'() {
    const k = koffiQueryStatus();
    const ops = Array.from({ length: LANES }, k.open);
    return { ...(await timeInFlight(koffiAsyncCall(k.queryStatus, ops))), koffiConfig: k.koffi.config() };
  },
  'ours-sync'() {
    const bench = require(wsbbenchPath());
    return timeSync({ open: () => bench.open(json(), WRITER, COMPONENT), close: bench.release, call: bench.queryStatus });
  },
  'koffi-sync'() {
    const k = koffiQueryStatus();
    return { ...timeSync({ open: k.open, close: k.close, call: koffiSyncCall(k.queryStatus) }), koffiConfig: k.koffi.config() };
  },
  // The callee alone: the same calls from a C++ loop, no binding at all.
  'callee-only'() {
    const bench = require(wsbbenchPath());
    return timeSync({ open: () => bench.open(json(), WRITER, COMPONENT), close: bench.release, batch: bench.nativeLoop });
  },
};

if (require.main === module) {
  const impl = IMPLS[process.argv[2]];
  if (!impl) throw new Error(`usage: node bench/b1-binding.js <${Object.keys(IMPLS).join('|')}>`);
  runChild(impl);
}

/** Builds bench/build/wsbbench.node of the tree at `root` (its own mock sources), when stale. */
function buildWsbbench(root) {
  const build = spawnSync('bash', [join(root, 'bench', 'native', 'build.sh')], { stdio: ['ignore', 2, 2] });
  if (build.status !== 0) throw new Error(`${root}/bench/native/build.sh failed: B1 needs g++ and the Node headers`);
}

module.exports = { IMPLS: Object.keys(IMPLS), buildWsbbench };
