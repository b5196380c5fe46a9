import { checkConsistency, createMockBackend, type Backend, type BackendAddin } from '../../lib';

const WRITER = '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}';

/** `answer`, settled `ms` later. */
function delayed<T>(ms: number, answer: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    answer.then(
      (value) => setTimeout(() => resolve(value), ms),
      (error: unknown) => setTimeout(() => reject(error), ms),
    );
  });
}

/** The mock, with activation and CheckConsistency slowed down like an out-of-process add-in starting. */
function slowBackend(activateMs: number, checkMs: number) {
  const mock = createMockBackend({
    applications: [{ writerId: WRITER, identifier: 'Contoso', components: { '*': { statuses: ['WSBAPP_ASYNC_IN_PROGRESS'] } } }],
  });
  // The call starts at once (as a COM call does); only its answer comes late.
  const later = <T>(ms: number, work: () => Promise<T>) => delayed(ms, work());
  const backend: Backend = {
    name: 'slow',
    listApplications: () => mock.listApplications(),
    activate: (app) =>
      later(activateMs, async () => {
        const addin = await mock.activate(app);
        const slow: BackendAddin = Object.create(addin);
        slow.checkConsistency = (args) => later(checkMs, () => addin.checkConsistency(args));
        slow.release = () => addin.release();
        return slow;
      }),
  };
  return { mock, backend };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

test('a deadline during activation: the add-in that arrives later is released', async () => {
  const { mock, backend } = slowBackend(1_000, 0);
  const done = checkConsistency({ application: 'Contoso' }, { backend, timeout: 500 }).catch((e: unknown) => e);
  await jest.advanceTimersByTimeAsync(500);
  expect(await done).toMatchObject({ code: 'ERR_WSB_TIMEOUT', polls: 0, abortDelivered: false });
  expect(mock.liveObjects()).toBe(1);
  await jest.advanceTimersByTimeAsync(500);
  expect(mock.callsTo('Release').map((c) => c.target)).toEqual(['addin']);
  expect(mock.liveObjects()).toBe(0);
  expect(mock.callsTo('CheckConsistency')).toHaveLength(0);
});

test('an abort during CheckConsistency: the add-in is released at once (cancelling the call), the late operation aborted, then released', async () => {
  const { mock, backend } = slowBackend(0, 1_000);
  const controller = new AbortController();
  const done = checkConsistency({ application: 'Contoso' }, { backend, signal: controller.signal }).catch((e: unknown) => e);
  await jest.advanceTimersByTimeAsync(100);
  controller.abort(new Error('backup cancelled'));
  expect(await done).toMatchObject({ code: 'ERR_WSB_ABORTED', abortDelivered: false });
  expect(mock.callsTo('Release').map((c) => c.target)).toEqual(['addin']);
  await jest.advanceTimersByTimeAsync(1_000);
  expect(mock.callsTo('Abort')).toHaveLength(1);
  expect(mock.callsTo('Release').map((c) => c.target)).toEqual(['addin', 'operation']);
  expect(mock.liveObjects()).toBe(0);
});

test('CheckConsistency failing after a deadline still releases the add-in', async () => {
  const mock = createMockBackend({
    applications: [{ writerId: WRITER, identifier: 'Contoso', components: { '*': { check: { fail: 'E_FAIL' } } } }],
  });
  const backend: Backend = {
    name: 'slow-fail',
    listApplications: () => mock.listApplications(),
    activate: async (app) => {
      const addin = await mock.activate(app);
      const slow: BackendAddin = Object.create(addin);
      slow.checkConsistency = (args) => delayed(1_000, addin.checkConsistency(args));
      slow.release = () => addin.release();
      return slow;
    },
  };
  const done = checkConsistency({ application: 'Contoso' }, { backend, timeout: 200 }).catch((e: unknown) => e);
  await jest.advanceTimersByTimeAsync(1_000);
  expect(await done).toMatchObject({ code: 'ERR_WSB_TIMEOUT' });
  expect(mock.liveObjects()).toBe(0);
});
