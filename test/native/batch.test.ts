/**
 * binding.queryStatusBatch: N QueryStatus calls in one post, their results in typed arrays, each
 * index exactly once, a failure exactly as the single call's rejection, a hung element holding up
 * none of the others.
 */
import { loadBinding, type NativeBinding, type NativeCallFailure, type NativeOperation } from '../../lib/backends/load';
import { eventually, runChild, scenarioWith, withMockAddin, WRITER } from './helpers';

const IN_PROGRESS = 0x407a0004;
const RPC_E_DISCONNECTED = 0x80010108;
const RPC_E_CALL_CANCELED = 0x80010002;

const scenario = scenarioWith({
  spins: { statuses: ['WSBAPP_ASYNC_IN_PROGRESS'] },
  done: { statuses: ['S_OK'] },
  slow: { statuses: [{ status: 'WSBAPP_ASYNC_IN_PROGRESS', delayMs: 2 }] },
  fails: { statuses: [{ callFails: 'RPC_E_DISCONNECTED' }] },
  unwritten: { statuses: [{ unwritten: true }] },
  hangs: { statuses: [{ hang: true }] },
});

let binding: NativeBinding;

beforeAll(() => {
  binding = loadBinding();
});

const mock = withMockAddin(() => binding, scenario);
const check = (component: string) => mock.check(component);

interface Outcome {
  status?: number;
  failure?: NativeCallFailure;
}

interface Collected {
  /** Per index of the batch: every outcome reported for it (exactly one expected). */
  readonly reports: Outcome[][];
  /** How many times onResults was called. */
  callbacks: number;
  /** Resolves once every index has been reported at least once. */
  readonly all: Promise<void>;
}

/** Runs a batch and collects what onResults reports. */
function batch(operations: NativeOperation[]): Collected {
  const reports: Outcome[][] = operations.map(() => []);
  let resolveAll: () => void = () => {};
  const all = new Promise<void>((resolve) => (resolveAll = resolve));
  const collected: Collected = { reports, callbacks: 0, all };
  binding.queryStatusBatch(operations, (indices, statuses, failures) => {
    collected.callbacks++;
    // By tag, not constructor: the addon's arrays come from the main realm, not jest's vm context.
    expect(Object.prototype.toString.call(indices)).toBe('[object Uint32Array]');
    expect(Object.prototype.toString.call(statuses)).toBe('[object Uint32Array]');
    expect(statuses.length).toBe(indices.length);
    if (failures !== undefined) expect(failures.length).toBe(indices.length);
    indices.forEach((index, k) => {
      const failure = failures?.[k];
      reports[index].push(failure ? { failure, status: statuses[k] } : { status: statuses[k] });
    });
    if (reports.every((r) => r.length > 0)) resolveAll();
  });
  return collected;
}

/** The single call's rejection, for comparison. */
async function rejection(operation: NativeOperation): Promise<NativeCallFailure> {
  try {
    await operation.queryStatus();
  } catch (error) {
    return error as NativeCallFailure;
  }
  throw new Error('expected queryStatus to reject');
}

function fieldsOf(error: NativeCallFailure): Record<string, unknown> {
  return { name: error.name, message: error.message, hresult: error.hresult, detail: error.detail, protocol: error.protocol };
}

const queryStatusCalls = () => mock.runtime.mockStats()?.calls.filter((c) => c.method === 'QueryStatus').length ?? 0;

test('one batch of many operations reports every index once, with the scripted statuses, and no failures array', async () => {
  const operations = [];
  for (let i = 0; i < 20; i++) operations.push(await check(i % 2 === 0 ? 'spins' : 'done'));
  const result = batch(operations);
  await result.all;
  expect(result.reports).toEqual(operations.map((_, i) => [{ status: i % 2 === 0 ? IN_PROGRESS : 0 }]));
  expect(queryStatusCalls()).toBe(20);
});

test('failures: each is exactly the Error the single call rejects with, its status 0; successes beside them have none', async () => {
  const [ok, fails, unwritten] = [await check('spins'), await check('fails'), await check('unwritten')];
  const result = batch([ok, fails, unwritten]);
  await result.all;
  expect(result.reports[0]).toEqual([{ status: IN_PROGRESS }]);
  const [failed] = result.reports[1];
  const [broken] = result.reports[2];
  expect(failed.status).toBe(0);
  expect(broken.status).toBe(0);
  expect(failed.failure?.hresult).toBe(RPC_E_DISCONNECTED);
  expect(broken.failure?.protocol).toBe(true);
  expect(fieldsOf(failed.failure!)).toEqual(fieldsOf(await rejection(fails)));
  expect(fieldsOf(broken.failure!)).toEqual(fieldsOf(await rejection(unwritten)));
});

test('an operation already released fails its own index only, with the "already released" error of its queryStatus()', async () => {
  const [released, ok] = [await check('spins'), await check('done')];
  await released.release();
  const result = batch([released, ok]);
  await result.all;
  expect(result.reports[1]).toEqual([{ status: 0 }]);
  expect(result.reports[0][0].status).toBe(0);
  expect(result.reports[0][0].failure?.message).toBe('the operation was already released');
  expect(() => released.queryStatus()).toThrow('the operation was already released');
});

test('bad arguments are TypeErrors with a code, thrown before any call is made', async () => {
  const ok = await check('spins');
  const codeOf = (call: () => void): unknown => {
    try {
      call();
    } catch (error) {
      return { name: (error as Error).name, code: (error as { code?: string }).code, message: (error as Error).message };
    }
    return 'no throw';
  };
  const fakeOperation = Object.create(Object.getPrototypeOf(ok) as object) as NativeOperation;
  const callback = () => {
    throw new Error('must not be called');
  };
  const bad = binding.queryStatusBatch as unknown as (operations: unknown, onResults: unknown) => void;
  expect(codeOf(() => bad(ok, callback))).toEqual({
    name: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'operations must be an array of Operation handles',
  });
  for (const element of [{}, null, 42, mock.addin, fakeOperation]) {
    expect(codeOf(() => bad([ok, element], callback))).toEqual({
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_TYPE',
      message: 'operations[1] must be an Operation handle',
    });
  }
  expect(codeOf(() => bad([ok], 'not a function'))).toEqual({
    name: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'onResults must be a function',
  });
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(queryStatusCalls()).toBe(0);
});

test('an empty array does nothing: onResults is never called', async () => {
  let called = 0;
  binding.queryStatusBatch([], () => called++);
  const ok = await check('done');
  await batch([ok]).all; // a later batch's results have come and gone
  expect(called).toBe(0);
});

test('duplicates: each index is its own call, reported once', async () => {
  const [a, b] = [await check('spins'), await check('done')];
  const result = batch([a, a, b, a]);
  await result.all;
  expect(result.reports).toEqual([[{ status: IN_PROGRESS }], [{ status: IN_PROGRESS }], [{ status: 0 }], [{ status: IN_PROGRESS }]]);
  expect(queryStatusCalls()).toBe(4);
});

test('a hung element holds up none of the others; releasing it cancels its call, which then reports', async () => {
  const hung = await check('hangs');
  const others = [];
  for (let i = 0; i < 10; i++) others.push(await check('spins'));
  const result = batch([hung, ...others]);
  const othersIn = await eventually(() => result.reports.slice(1).every((r) => r.length === 1), 10_000);
  const hungInAddin = await eventually(
    () => mock.runtime.mockStats()?.calls.some((c) => c.method === 'QueryStatus' && c.component === 'hangs') ?? false,
    10_000,
  );
  expect(othersIn).toBe(true);
  expect(hungInAddin).toBe(true);
  expect(result.reports[0]).toEqual([]);
  void hung.release();
  await result.all;
  expect(result.reports[0]).toHaveLength(1);
  expect(result.reports[0][0].failure?.hresult).toBe(RPC_E_CALL_CANCELED);
  expect(result.reports.slice(1)).toEqual(others.map(() => [{ status: IN_PROGRESS }]));
});

test('200 elements under the 64-call cap: all answered, each once', async () => {
  const operations = [];
  for (let i = 0; i < 200; i++) operations.push(await check('slow'));
  const result = batch(operations);
  await result.all;
  expect(result.reports).toEqual(operations.map(() => [{ status: IN_PROGRESS }]));
  expect(result.callbacks).toBeGreaterThanOrEqual(1);
}, 30_000);

describe('in a child process', () => {
  const prelude = `
  const binding = require(BINDING);
  const runtime = binding.createMockRuntime(SCENARIO);
  const check = (addin, component) => addin.checkConsistency(null, component, null, [], []);
`;

  test('a throwing onResults is an uncaught exception, and other batches still get their results', async () => {
    const child = await runChild(
      `${prelude}
  const seen = [];
  process.on('uncaughtException', (error) => seen.push('uncaught ' + error.message));
  (async () => {
    const addin = await runtime.activate(${JSON.stringify(WRITER)}, 'Contoso', '{C}');
    const a = await check(addin, 'done');
    const b = await check(addin, 'spins');
    binding.queryStatusBatch([a], () => { seen.push('first'); throw new Error('boom'); });
    binding.queryStatusBatch([b], (indices, statuses) => seen.push('second ' + statuses[0]));
    await new Promise((resolve) => setTimeout(resolve, 200));
    console.log(JSON.stringify(seen.sort()));
    a.release(); b.release(); addin.release();
  })();
`,
      scenario,
    );
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual(['first', `second ${IN_PROGRESS}`, 'uncaught boom']);
  });

  test('a pending batch does not hold the event loop, and exiting with batches pending is clean', async () => {
    const child = await runChild(
      `${prelude}
  (async () => {
    const addin = await runtime.activate(${JSON.stringify(WRITER)}, 'Contoso', '{C}');
    const hung = [];
    for (let i = 0; i < 8; i++) hung.push(await check(addin, 'hangs'));
    const quick = await check(addin, 'spins');
    binding.queryStatusBatch([...hung, quick, ...hung], () => {});
    console.log('posted');
    // nothing holds the loop: node exits with the hung calls in flight and results undelivered
  })();
`,
      scenario,
    );
    expect({ code: child.code, signal: child.signal, stdout: child.stdout, stderr: child.stderr }).toEqual({
      code: 0,
      signal: null,
      stdout: 'posted\n',
      stderr: '',
    });
  });

  test('a worker terminated while batches are pending and results keep arriving ends cleanly', async () => {
    const child = await runChild(
      `
  const { Worker } = require('node:worker_threads');
  const body = \`
    const { parentPort, workerData } = require('node:worker_threads');
    const binding = require(workerData.binding);
    const runtime = binding.createMockRuntime(workerData.scenario);
    (async () => {
      const addin = await runtime.activate(workerData.writer, 'Contoso', '{C}');
      const hung = [], quick = [];
      for (let i = 0; i < 4; i++) hung.push(await addin.checkConsistency(null, 'hangs', null, [], []));
      for (let i = 0; i < 16; i++) quick.push(await addin.checkConsistency(null, 'spins', null, [], []));
      binding.queryStatusBatch(hung, () => {});
      const again = () => binding.queryStatusBatch(quick, again);
      again();
      setInterval(() => {}, 1000);
      parentPort.postMessage('polling');
    })();
  \`;
  const worker = new Worker(body, { eval: true, workerData: { binding: BINDING, scenario: SCENARIO, writer: ${JSON.stringify(WRITER)} } });
  worker.once('message', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    await worker.terminate();
    console.log('terminated');
  });
`,
      scenario,
    );
    expect({ code: child.code, signal: child.signal, stdout: child.stdout, stderr: child.stderr }).toEqual({
      code: 0,
      signal: null,
      stdout: 'terminated\n',
      stderr: '',
    });
  });
});
