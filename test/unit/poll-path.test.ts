/**
 * The poller's promise-free path (QUERY_STATUS_TO on the operation, POLL_STATUS on the check)
 * shares each QueryStatus with status() callers and with a second poller, as the promise path does.
 */
import { HRESULT, ConsistencyCheck, type BackendAddin, type StatusEvent } from '../../lib';
import { QUERY_STATUS_TO, type StatusTo } from '../../lib/backends/types';
import { pollUntilDone, type PollSettings } from '../../lib/poll';
import { Stopper } from '../../lib/stopper';

const WRITER = '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}';
const RUNNING = HRESULT.WSBAPP_ASYNC_IN_PROGRESS;

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

const settings: PollSettings = {
  intervalMs: 100,
  maxIntervalMs: 100,
  backoff: 1,
  timeoutMs: 10_000,
  abortTimeoutMs: 1_000,
  signal: undefined,
  onStatus: undefined,
};

/** A check whose operation answers `statuses` (the last repeats) 10 ms after each call, through QUERY_STATUS_TO only. */
function callbackCheck(statuses: number[]) {
  const tally = { calls: 0, inFlight: 0, maxInFlight: 0 };
  const operation = {
    queryStatus: () => Promise.reject(new Error('the poller and status() go through QUERY_STATUS_TO')),
    [QUERY_STATUS_TO](to: StatusTo) {
      const status = statuses[Math.min(tally.calls, statuses.length - 1)];
      tally.calls += 1;
      tally.inFlight += 1;
      tally.maxInFlight = Math.max(tally.maxInFlight, tally.inFlight);
      setTimeout(() => {
        tally.inFlight -= 1;
        to.answered(status);
      }, 10);
    },
    abort: () => Promise.resolve(HRESULT.S_OK),
    release: () => Promise.resolve(),
  };
  const addin = { release: () => Promise.resolve() } as BackendAddin;
  const check = new ConsistencyCheck(addin, operation, { writerId: WRITER, identifier: 'Contoso', clsid: null }, null, Date.now(), 0);
  return { check, tally };
}

test('status() while the poller’s call is in flight shares it: one call, the same event for both', async () => {
  const { check, tally } = callbackCheck([RUNNING, HRESULT.S_OK]);
  const stopper = new Stopper(undefined, 10_000);
  const seen: StatusEvent[] = [];
  const done = pollUntilDone(check, { ...settings, onStatus: (event) => seen.push(event) }, stopper);
  const direct = check.status();
  await jest.runAllTimersAsync();
  await expect(done).resolves.toMatchObject({ state: 'succeeded', polls: 2 });
  expect(await direct).toBe(seen[0]);
  expect(tally).toMatchObject({ calls: 2, maxInFlight: 1 });
  stopper.dispose();
});

test('two pollers on one check share every call: both see each answer, never two calls in flight', async () => {
  const { check, tally } = callbackCheck([RUNNING, RUNNING, HRESULT.S_OK]);
  const stopper = new Stopper(undefined, 10_000);
  const both = Promise.all([pollUntilDone(check, settings, stopper), pollUntilDone(check, settings, stopper)]);
  await jest.runAllTimersAsync();
  const [first, second] = await both;
  expect(first).toBe(second);
  expect(first).toMatchObject({ state: 'succeeded', polls: 3 });
  expect(tally).toMatchObject({ calls: 3, maxInFlight: 1 });
  stopper.dispose();
});

test('statuses() of a check with nothing to poll yields S_OK once; of a released check it throws ReleasedError', async () => {
  const addin = { release: () => Promise.resolve() } as BackendAddin;
  const nothing = new ConsistencyCheck(addin, null, { writerId: WRITER, identifier: 'Contoso', clsid: null }, null, Date.now(), 0);
  const events: StatusEvent[] = [];
  for await (const event of nothing.statuses()) events.push(event);
  expect(events).toMatchObject([{ state: 'succeeded', hresult: HRESULT.S_OK, polls: 0 }]);

  const { check, tally } = callbackCheck([RUNNING]);
  check.release();
  await expect(check.statuses().next()).rejects.toMatchObject({ code: 'ERR_WSB_RELEASED' });
  expect(tally.calls).toBe(0);
});
