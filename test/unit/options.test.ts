import { checkConsistency, createMockBackend, startConsistencyCheck, type ConsistencyCheck } from '../../lib';

const WRITER = '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}';
const backend = () =>
  createMockBackend({
    applications: [{ writerId: WRITER, identifier: 'Contoso', components: { db: { statuses: ['WSBAPP_ASYNC_IN_PROGRESS', 'S_OK'] } } }],
  });
const request = { application: 'Contoso', component: 'db' };

describe('options are strict: an unknown key is a TypeError naming it and the nearest valid one', () => {
  test('checkConsistency', async () => {
    const mock = backend();
    await expect(checkConsistency(request, { backend: mock, intervl: 5 } as never)).rejects.toMatchObject({
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_VALUE',
      message: "unknown option 'intervl' (did you mean 'interval'?)",
    });
    await expect(checkConsistency(request, { backend: mock, timeOut: 5 } as never)).rejects.toThrow(
      "unknown option 'timeOut' (did you mean 'timeout'?)",
    );
    expect(mock.calls).toHaveLength(0);
  });

  test('startConsistencyCheck takes only backend, signal and timeout', async () => {
    await expect(startConsistencyCheck(request, { backend: backend(), interval: 5 } as never)).rejects.toThrow(
      "unknown option 'interval'; valid keys: 'backend', 'signal', 'timeout'",
    );
  });

  describe('on the handle', () => {
    let check: ConsistencyCheck;
    beforeEach(async () => {
      check = await startConsistencyCheck(request, { backend: backend() });
    });
    afterEach(() => check.release());

    test('wait() and statuses(), which takes no onStatus', async () => {
      await expect(check.wait({ abortTimeot: 5 } as never)).rejects.toThrow("unknown option 'abortTimeot' (did you mean 'abortTimeout'?)");
      await expect(check.wait({ backend: 'mock' } as never)).rejects.toThrow(/unknown option 'backend'/);
      await expect(check.statuses({ onStatus: () => {} } as never).next()).rejects.toMatchObject({
        code: 'ERR_INVALID_ARG_VALUE',
        message: /unknown option 'onStatus'/,
      });
      await expect(check.status()).resolves.toMatchObject({ polls: 1 });
    });
  });

  test('a maxInterval below the interval is ERR_OUT_OF_RANGE', async () => {
    await expect(checkConsistency(request, { backend: backend(), interval: 100, maxInterval: 50 })).rejects.toMatchObject({
      name: 'RangeError',
      code: 'ERR_OUT_OF_RANGE',
    });
  });
});

test('checkConsistency reads each option once (one parse for the whole check)', async () => {
  const reads: Record<string, number> = {};
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries({
    backend: backend(),
    interval: 1,
    maxInterval: 2,
    backoff: 1,
    timeout: 5_000,
    abortTimeout: 100,
    onStatus: () => {},
  })) {
    Object.defineProperty(options, key, {
      enumerable: true,
      get: () => {
        reads[key] = (reads[key] ?? 0) + 1;
        return value;
      },
    });
  }
  await expect(checkConsistency(request, options)).resolves.toMatchObject({ outcome: 'consistent', polls: 2 });
  expect(reads).toEqual({ backend: 1, interval: 1, maxInterval: 1, backoff: 1, timeout: 1, abortTimeout: 1, onStatus: 1 });
});
