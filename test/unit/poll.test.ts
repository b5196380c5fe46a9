import { HRESULT, checkConsistency, createMockBackend, ConsistencyCheck, type BackendAddin, type StatusEvent } from '../../lib';
import { abortWithin, nextInterval, pollUntilDone, type PollSettings } from '../../lib/poll';
import { Stopper } from '../../lib/stopper';

const WRITER = '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

function settings(overrides: Partial<PollSettings> = {}): PollSettings {
  return {
    intervalMs: 100,
    maxIntervalMs: 400,
    backoff: 2,
    timeoutMs: 10_000,
    abortTimeoutMs: 1_000,
    signal: undefined,
    onStatus: undefined,
    ...overrides,
  };
}

/**
 * A check over a scripted operation: QueryStatus answers come from `statuses` (the last
 * repeats) 10 ms after each call; `undefined` never answers.
 */
function scripted(statuses: (number | undefined)[]) {
  const calls: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const tally = { calls, aborts: 0, maxInFlight: () => maxInFlight };
  const operation = {
    queryStatus() {
      calls.push(Date.now());
      const status = statuses[Math.min(calls.length - 1, statuses.length - 1)];
      if (status === undefined) return new Promise<never>(() => {});
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return new Promise<{ status: number }>((resolve) =>
        setTimeout(() => {
          inFlight -= 1;
          resolve({ status });
        }, 10),
      );
    },
    abort() {
      tally.aborts += 1;
      return Promise.resolve(HRESULT.S_OK);
    },
    release: () => Promise.resolve(),
  };
  const addin = { release: () => Promise.resolve() } as BackendAddin;
  const check = new ConsistencyCheck(addin, operation, { writerId: WRITER, identifier: 'Contoso', clsid: null }, null, Date.now(), 0);
  return { check, tally };
}

test('waits grow by the backoff factor up to the cap', async () => {
  const running = HRESULT.WSBAPP_ASYNC_IN_PROGRESS;
  const { check, tally } = scripted([running, running, running, running, running, HRESULT.S_OK]);
  const stopper = new Stopper(undefined, 10_000);
  const done = pollUntilDone(check, settings(), stopper);
  await jest.runAllTimersAsync();
  await expect(done).resolves.toMatchObject({ state: 'succeeded', polls: 6 });
  stopper.dispose();
  const gaps = tally.calls.slice(1).map((at, i) => at - tally.calls[i]);
  // 10 ms for each call, then 100, 200, 400, 400, 400 of waiting.
  expect(gaps).toEqual([110, 210, 410, 410, 410]);
  expect(tally.maxInFlight()).toBe(1);
});

test('nextInterval never passes the cap', () => {
  expect(nextInterval(300, { backoff: 2, maxIntervalMs: 400 })).toBe(400);
  expect(nextInterval(100, { backoff: 1, maxIntervalMs: 400 })).toBe(100);
});

test('the deadline fires while a QueryStatus is in flight: Abort once, no second QueryStatus', async () => {
  const { check, tally } = scripted([undefined]);
  const stopper = new Stopper(undefined, 500);
  const done = pollUntilDone(check, settings({ timeoutMs: 500 }), stopper).catch((e: unknown) => e);
  await jest.advanceTimersByTimeAsync(10_000);
  expect(await done).toMatchObject({ code: 'ERR_WSB_TIMEOUT', polls: 0, lastStatus: undefined, abortDelivered: true, elapsedMs: 500 });
  expect(tally.calls).toHaveLength(1);
  expect(tally.aborts).toBe(1);
  stopper.dispose();
});

test('a stop reports the check as it was when it stopped: the hung call that Abort ends does not count', async () => {
  // The sample add-in answers a hung QueryStatus once Abort arrives; that late answer is not a poll the stop saw.
  let answerHung: (reply: { status: number }) => void = () => {};
  let calls = 0;
  const operation = {
    queryStatus() {
      calls += 1;
      if (calls === 1) return Promise.resolve({ status: HRESULT.WSBAPP_ASYNC_IN_PROGRESS });
      return new Promise<{ status: number }>((resolve) => (answerHung = resolve));
    },
    abort() {
      answerHung({ status: HRESULT.E_ABORT });
      return new Promise<number>((resolve) => setTimeout(() => resolve(HRESULT.S_OK), 5));
    },
    release: () => Promise.resolve(),
  };
  const addin = { release: () => Promise.resolve() } as BackendAddin;
  const check = new ConsistencyCheck(addin, operation, { writerId: WRITER, identifier: 'Contoso', clsid: null }, null, Date.now(), 0);
  const stopper = new Stopper(undefined, 500);
  const done = pollUntilDone(check, settings({ timeoutMs: 500 }), stopper).catch((e: unknown) => e);
  await jest.advanceTimersByTimeAsync(10_000);
  expect(await done).toMatchObject({
    code: 'ERR_WSB_TIMEOUT',
    polls: 1,
    lastStatus: HRESULT.WSBAPP_ASYNC_IN_PROGRESS,
    abortDelivered: true,
  });
  expect(calls).toBe(2);
  stopper.dispose();
});

test('abortWithin gives up on an Abort that never answers, and reports a failed Abort call', async () => {
  const hung = abortWithin({ abort: () => new Promise<number>(() => {}) }, 250);
  await jest.advanceTimersByTimeAsync(250);
  await expect(hung).resolves.toEqual({ delivered: false, hresult: undefined });
  await expect(
    abortWithin({ abort: () => Promise.reject(Object.assign(new Error('gone'), { hresult: HRESULT.RPC_E_DISCONNECTED })) }, 250),
  ).resolves.toEqual({
    delivered: false,
    hresult: HRESULT.RPC_E_DISCONNECTED,
  });
});

describe('checkConsistency under fake timers', () => {
  const backend = () =>
    createMockBackend({
      applications: [
        {
          writerId: WRITER,
          identifier: 'Contoso',
          components: {
            slow: {
              statuses: [
                { status: 'WSBAPP_ASYNC_IN_PROGRESS', delayMs: 1_000 },
                { status: 'WSBAPP_ASYNC_IN_PROGRESS', delayMs: 1_000 },
                'S_OK',
              ],
            },
            forever: { statuses: ['WSBAPP_ASYNC_IN_PROGRESS'] },
          },
        },
      ],
    });

  test('running, running, consistent with the default interval', async () => {
    const mock = backend();
    const events: StatusEvent[] = [];
    const done = checkConsistency({ application: 'Contoso', component: 'slow' }, { backend: mock, onStatus: (e) => events.push(e) });
    await jest.runAllTimersAsync();
    const result = await done;
    expect(result).toMatchObject({ outcome: 'consistent', polls: 3 });
    // 1 s call + 1 s wait + 1 s call + 1.5 s wait + the last call.
    expect(result.elapsedMs).toBe(4_500);
    expect(events.map((e) => [e.state, e.elapsedMs])).toEqual([
      ['running', 1_000],
      ['running', 3_000],
      ['succeeded', 4_500],
    ]);
  });

  test('an hour-long timeout on a check that never finishes: Abort once, release once', async () => {
    const mock = backend();
    const done = checkConsistency({ application: 'Contoso', component: 'forever' }, { backend: mock, timeout: 3_600_000 }).catch(
      (e: unknown) => e,
    );
    await jest.advanceTimersByTimeAsync(3_600_000);
    const error = await done;
    expect(error).toMatchObject({ code: 'ERR_WSB_TIMEOUT', elapsedMs: 3_600_000, abortDelivered: true });
    // 1 s, then 1.5, 2.25, ... capped at 15 s: about 244 polls in the hour.
    expect((error as { polls: number }).polls).toBeGreaterThan(200);
    expect(mock.callsTo('Abort')).toHaveLength(1);
    expect(mock.callsTo('Release')).toHaveLength(2);
    expect(mock.liveObjects()).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });
});
