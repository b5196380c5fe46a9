/**
 * Releases the library awaits, and their bound: a hung Release cannot hold checkConsistency(),
 * a one-shot restore call or close() past it, and waitForReleases() still sees it.
 */
import {
  checkConsistency,
  createMockBackend,
  openRestoreSession,
  preRestore,
  startConsistencyCheck,
  waitForReleases,
  DEFAULT_RELEASE_TIMEOUT_MS,
  type Backend,
  type BackendAddin,
} from '../../lib';

const WRITER = '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}';
const scenario = { applications: [{ writerId: WRITER, identifier: 'Contoso' }] };

/** The mock, whose add-in Release returns only when `releaseReturns` is called (never, if it is not). */
function hungReleaseBackend() {
  const mock = createMockBackend(scenario);
  let returnRelease: () => void = () => {};
  const released = new Promise<void>((resolve) => (returnRelease = resolve));
  const backend: Backend = {
    name: 'hung-release',
    listApplications: () => mock.listApplications(),
    activate: async (app) => {
      const addin = await mock.activate(app);
      const hung: BackendAddin = Object.create(addin);
      hung.release = () => addin.release().then(() => released);
      return hung;
    },
  };
  return { mock, backend, releaseReturns: () => returnRelease() };
}

/** Settles `work` while advancing fake time in steps; returns what it settled with and the fake ms it took. */
async function underFakeTime<T>(work: Promise<T>): Promise<{ value: T; elapsedMs: number }> {
  const start = Date.now();
  let settled = false;
  void work.finally(() => (settled = true)).catch(() => {});
  while (!settled) await jest.advanceTimersByTimeAsync(100);
  return { value: await work, elapsedMs: Date.now() - start };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

test('checkConsistency() settles once the Releases returned', async () => {
  const { backend, releaseReturns } = hungReleaseBackend();
  const done = checkConsistency({ application: 'Contoso' }, { backend, interval: 10 });
  let settled = false;
  void done.then(() => (settled = true));
  await jest.advanceTimersByTimeAsync(1_000);
  expect(settled).toBe(false); // the verdict is in, the Release has not returned
  releaseReturns();
  await expect(done).resolves.toMatchObject({ outcome: 'consistent' });
});

test('a hung Release holds checkConsistency() only for the bound; waitForReleases() still reports it', async () => {
  const { backend, releaseReturns } = hungReleaseBackend();
  const { value, elapsedMs } = await underFakeTime(checkConsistency({ application: 'Contoso' }, { backend, interval: 10 }));
  expect(value.outcome).toBe('consistent');
  expect(elapsedMs).toBeGreaterThanOrEqual(DEFAULT_RELEASE_TIMEOUT_MS);
  expect(elapsedMs).toBeLessThan(DEFAULT_RELEASE_TIMEOUT_MS + 1_000);
  const wait = waitForReleases({ timeout: 200 });
  await jest.advanceTimersByTimeAsync(300);
  await expect(wait).resolves.toEqual({ settled: false, pending: 1 });
  releaseReturns();
  await expect(waitForReleases({ timeout: 200 })).resolves.toEqual({ settled: true, pending: 0 });
});

test('a one-shot restore call waits for its Release within the bound, then settles', async () => {
  const { backend, mock, releaseReturns } = hungReleaseBackend();
  const { elapsedMs } = await underFakeTime(preRestore('Contoso', { component: 'db' }, { backend }));
  expect(elapsedMs).toBeGreaterThanOrEqual(DEFAULT_RELEASE_TIMEOUT_MS);
  expect(mock.callsTo('Release')).toHaveLength(1);
  releaseReturns();
});

test('close({ timeout }) reports a Release still in flight; release() stays synchronous and idempotent', async () => {
  const { backend, mock, releaseReturns } = hungReleaseBackend();
  const session = await openRestoreSession('Contoso', { backend });
  session.release();
  session.release();
  expect(mock.callsTo('Release')).toHaveLength(1);
  const closing = session.close({ timeout: 50 });
  await jest.advanceTimersByTimeAsync(60);
  await expect(closing).resolves.toEqual({ settled: false, pending: 1 });
  releaseReturns();
  await expect(session.close({ timeout: 0 })).resolves.toEqual({ settled: true, pending: 0 });
});

test('await using awaits the Release', async () => {
  const { backend, releaseReturns } = hungReleaseBackend();
  let disposed = false;
  const scope = (async () => {
    await using check = await startConsistencyCheck({ application: 'Contoso' }, { backend });
    void check;
  })().then(() => (disposed = true));
  await jest.advanceTimersByTimeAsync(100);
  expect(disposed).toBe(false);
  releaseReturns();
  await scope;
  expect(disposed).toBe(true);
});

describe('options are strict and validated', () => {
  const backend = createMockBackend(scenario);
  test.each([
    [
      'preRestore',
      () => preRestore('Contoso', {}, { backend, timout: 5 } as never),
      /unknown option 'timout' \(did you mean 'timeout'\?\)/,
    ],
    [
      'openRestoreSession',
      () => openRestoreSession('Contoso', { backend, signl: undefined } as never),
      /unknown option 'signl' \(did you mean 'signal'\?\)/,
    ],
  ])('%s rejects an unknown option, naming the nearest', async (_name, call, message) => {
    await expect(call()).rejects.toMatchObject({
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_VALUE',
      message: expect.stringMatching(message),
    });
  });

  test('a bad timeout or signal is a TypeError/RangeError naming the option', async () => {
    await expect(preRestore('Contoso', {}, { backend, timeout: -1 })).rejects.toThrow(/options\.timeout/);
    await expect(preRestore('Contoso', {}, { backend, signal: 'stop' as never })).rejects.toThrow(/options\.signal/);
    const session = await openRestoreSession('Contoso', { backend });
    await expect(session.close({ timeout: Number.NaN })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(session.close({ timeOut: 5 } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(session.preRestore({}, { timeout: '5' as never })).rejects.toThrow(/options\.timeout/);
    session.release();
  });
});
