/**
 * The binding's own checks and its concurrency, below the Backend adapter: strings are validated
 * again in C++ (JS validates first), and a hung call holds up only itself.
 */
import { loadBinding, type NativeAddin, type NativeRuntime } from '../../lib/backends/load';
import { createNativeMockBackend } from '../../lib/backends/native';
import { checkConsistency } from '../../lib/consistency';
import { eventually, OTHER_WRITER, scenarioWith, WRITER } from './helpers';

const scenario = scenarioWith({
  quick: {
    statuses: [
      { status: 'WSBAPP_ASYNC_IN_PROGRESS', delayMs: 5 },
      { status: 'S_OK', delayMs: 5 },
    ],
  },
  hangs: { statuses: [{ hang: true }] },
  spins: { statuses: ['WSBAPP_ASYNC_IN_PROGRESS'] },
});

let runtime: NativeRuntime;
let addin: NativeAddin;

beforeEach(async () => {
  runtime = loadBinding().createMockRuntime(scenario);
  addin = await runtime.activate(WRITER, 'Contoso', '{C}');
});

afterEach(async () => {
  void addin.release();
  expect(await eventually(() => runtime.mockStats()?.liveObjects === 0)).toBe(true);
});

/**
 * What `call` throws. Compared by name, not constructor: the addon's errors come from the main
 * realm, not from jest's vm context.
 */
function thrown(call: () => unknown): { name: string; code: unknown; message: string } {
  try {
    call();
  } catch (error) {
    return { name: (error as Error).name, code: (error as { code?: unknown }).code, message: (error as Error).message };
  }
  throw new Error('expected a throw');
}

describe('strings are validated in C++ and the field is named', () => {
  test('an embedded NUL is a RangeError naming the field and the index (as lib/validate.ts)', () => {
    expect(thrown(() => addin.checkConsistency(null, 'a\0b', null, [], []))).toEqual({
      name: 'RangeError',
      code: 'ERR_OUT_OF_RANGE',
      message: 'args.component contains a NUL character at index 1',
    });
    expect(thrown(() => addin.orderComponents(['a', 'b'], ['p', 'q\0']))).toEqual({
      name: 'RangeError',
      code: 'ERR_OUT_OF_RANGE',
      message: 'components[].logicalPath[1] contains a NUL character at index 1',
    });
  });

  test('names and paths: more than 32767 UTF-16 units is a RangeError', () => {
    expect(thrown(() => addin.checkConsistency(null, 'x'.repeat(32768), null, [], []))).toEqual({
      name: 'RangeError',
      code: 'ERR_OUT_OF_RANGE',
      message: 'args.component is 32768 UTF-16 units long; the limit is 32767',
    });
  });

  test('writer metadata: up to 16 Mi UTF-16 units (lib/validate.ts MAX_WRITER_METADATA_UNITS), recorded intact', async () => {
    const limit = 16 * 1024 * 1024;
    expect(thrown(() => addin.preRestore('x'.repeat(limit + 1), 'db', null, false))).toEqual({
      name: 'RangeError',
      code: 'ERR_OUT_OF_RANGE',
      message: `args.writerMetadata is ${limit + 1} UTF-16 units long; the limit is ${limit}`,
    });
    const metadata = `<metadata>${'x'.repeat(100_000)}</metadata>`;
    const operation = await addin.checkConsistency(metadata, 'db', null, [], []);
    void operation?.release();
    await addin.preRestore('y'.repeat(limit), 'db', null, false);
    const calls = runtime.mockStats()?.calls ?? [];
    expect(calls.find((c) => c.method === 'CheckConsistency')?.args[0]).toBe(metadata);
    expect(calls.find((c) => c.method === 'PreRestore')?.args[0]?.length).toBe(limit);
  });

  test('unpaired surrogates go to the add-in unchanged (UTF-16 straight through) and come back intact', async () => {
    // The mock's OrderComponents hands back copies of the very LPWSTRs it received.
    expect(await addin.orderComponents(['\ud800', 'b\udfff'], ['p\udc00q', 'x'])).toEqual({
      names: ['\ud800', 'b\udfff'],
      logicalPaths: ['p\udc00q', 'x'],
    });
    const operation = await addin.checkConsistency(null, 'a\ud800', null, [], []);
    void operation?.release();
    // Only the mock's UTF-8 call log replaces it.
    expect(runtime.mockStats()?.calls.find((c) => c.method === 'CheckConsistency')?.component).toBe('a\ufffd');
  });

  test('wrong types and mismatched arrays are refused before any COM call', () => {
    expect(thrown(() => addin.checkConsistency(null, 42 as unknown as string, null, [], []))).toEqual({
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_TYPE',
      message: 'args.component must be a string',
    });
    expect(thrown(() => addin.checkConsistency(null, null, null, ['a'], []))).toEqual({
      name: 'RangeError',
      code: 'ERR_OUT_OF_RANGE',
      message: 'sources and snapshots must have the same length',
    });
    expect(() => addin.preRestore(null, null, null, 'yes' as unknown as boolean)).toThrow(/noRollForward must be a boolean/);
    expect(runtime.mockStats()?.calls.filter((c) => c.method !== 'Release')).toEqual([]);
  });

  test('the longest allowed string and non-BMP text pass through intact', async () => {
    const operation = await addin.checkConsistency('x'.repeat(32767), 'comp😀', null, [], []);
    void operation?.release();
    expect(runtime.mockStats()?.calls[0]).toMatchObject({ component: 'comp😀' });
  });
});

test('a hung QueryStatus does not hold up other checks, on the same add-in or another', async () => {
  const backend = createNativeMockBackend(scenario);
  const first = await backend.activate({ writerId: WRITER, identifier: 'Contoso', clsid: '{C}' });
  const second = await backend.activate({ writerId: OTHER_WRITER, identifier: 'Other', clsid: '{C}' });
  const hungOperation = await first.checkConsistency({ writerMetadata: null, component: 'hangs', logicalPath: null, volumes: [] });
  let hangSettled = false;
  const hung = hungOperation?.queryStatus().finally(() => (hangSettled = true));
  const pollToEnd = async (target: typeof first) => {
    const operation = await target.checkConsistency({ writerMetadata: null, component: 'quick', logicalPath: null, volumes: [] });
    while ((await operation?.queryStatus())?.status !== 0);
    void operation?.release();
  };
  const others = Promise.all(Array.from({ length: 20 }, (_, i) => pollToEnd(i % 2 === 0 ? first : second)));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise((resolve) => (timer = setTimeout(resolve, 2000, 'late')));
  const outcome = await Promise.race([others.then(() => 'done'), late]);
  clearTimeout(timer);
  expect(outcome).toBe('done');
  expect(hangSettled).toBe(false);
  void hungOperation?.release();
  await expect(hung).rejects.toMatchObject({ hresult: 0x80010002 });
  void first.release();
  void second.release();
  expect(await eventually(() => backend.stats().liveObjects === 0)).toBe(true);
});

test('64 hung calls fill the call slots: a 65th call to a healthy add-in queues (not refused) and completes once releasing them cancels the hung calls', async () => {
  const healthy = await runtime.activate(OTHER_WRITER, 'Other', '{C}');
  const operations = [];
  for (let i = 0; i < 64; i++) {
    const operation = await addin.checkConsistency(null, 'hangs', null, [], []);
    if (!operation) throw new Error('the "hangs" component answered without an async operation');
    operations.push(operation);
  }
  const hung = operations.map((operation) =>
    operation.queryStatus().then(
      () => 'answered',
      (error: { hresult?: number }) => error.hresult,
    ),
  );
  // Posted after the 64 hung calls, so queued behind them: it waits for a call slot.
  let settled = false;
  const queued = healthy.checkConsistency(null, 'quick', null, [], []).finally(() => (settled = true));
  // Every hung call is inside the add-in (a fixed sleep was too short under ASan on a busy machine:
  // a call released before it started fails with E_POINTER instead of being cancelled).
  const inAddin = () => runtime.mockStats()?.calls.filter((c) => c.method === 'QueryStatus').length ?? 0;
  const allInAddin = await eventually(() => inAddin() >= 64, 20_000);
  for (const operation of operations) if (!allInAddin) void operation?.release(); // never leave the slots filled for later tests
  expect(allInAddin).toBe(true);
  expect(settled).toBe(false);
  for (const operation of operations) void operation.release();
  expect(await Promise.all(hung)).toEqual(Array(64).fill(0x80010002)); // RPC_E_CALL_CANCELED
  const operation = await queued;
  while ((await operation?.queryStatus()) !== 0);
  void operation?.release();
  void healthy.release();
  expect(await eventually(() => runtime.mockStats()?.objects.every((o) => o.kind === 'addin') ?? false)).toBe(true);
  // The same add-in works again.
  expect(await addin.isRollForwardSupported()).toBe(false);
}, 30_000);

test('500 concurrent checks through the public API all reach consistent (calls beyond the 64 running queue, none refused)', async () => {
  const backend = createNativeMockBackend(
    scenarioWith({
      polled: {
        statuses: [
          { status: 'WSBAPP_ASYNC_IN_PROGRESS', delayMs: 1 },
          { status: 'WSBAPP_ASYNC_IN_PROGRESS', delayMs: 1 },
          { status: 'S_OK', delayMs: 1 },
        ],
      },
    }),
  );
  const results = await Promise.all(
    Array.from({ length: 500 }, (_, i) =>
      checkConsistency({ application: WRITER, component: 'polled' }, { backend, interval: 1 + (i % 5), maxInterval: 5, backoff: 1 }),
    ),
  );
  expect(results.every((result) => result.outcome === 'consistent' && result.polls === 3)).toBe(true);
  expect(await eventually(() => backend.stats().liveObjects === 0)).toBe(true);
}, 30_000);

test('64 pollers each polling again as soon as a reply arrives are never refused (a call slot is free before its result reaches JS)', async () => {
  const operations = [];
  for (let i = 0; i < 64; i++) operations.push(await addin.checkConsistency(null, 'spins', null, [], []));
  await Promise.all(
    operations.map(async (operation) => {
      for (let i = 0; i < 50; i++) expect(await operation?.queryStatus()).toBe(0x407a0004);
    }),
  );
  for (const operation of operations) void operation?.release();
});
