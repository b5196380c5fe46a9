import { trackRelease, waitForReleases } from '../../lib/releases';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('waitForReleases', () => {
  test.each([
    [{ timeout: '5' }, 'ERR_INVALID_ARG_TYPE'],
    [{ timeout: -1 }, 'ERR_OUT_OF_RANGE'],
    [{ timeot: 5 }, 'ERR_INVALID_ARG_VALUE'],
  ])('bad options %j are refused with %s, not a NaN deadline', async (options, code) => {
    await expect(waitForReleases(options as never)).rejects.toMatchObject({ code });
  });

  it('resolves at once when nothing is in flight', async () => {
    await expect(waitForReleases({ timeout: 10 })).resolves.toEqual({ settled: true, pending: 0 });
  });

  it('waits for every tracked release, a failed one included', async () => {
    const a = deferred();
    const b = deferred();
    void trackRelease(a.promise);
    void trackRelease(b.promise);
    const waiting = waitForReleases({ timeout: 5_000 });
    a.resolve();
    b.reject(new Error('add-in gone'));
    await expect(waiting).resolves.toEqual({ settled: true, pending: 0 });
  });

  it('waits for a release started while it waits', async () => {
    const first = deferred();
    const second = deferred();
    void trackRelease(first.promise);
    const waiting = waitForReleases({ timeout: 5_000 });
    void trackRelease(second.promise);
    first.resolve();
    let done = false;
    void waiting.then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    second.resolve();
    await expect(waiting).resolves.toEqual({ settled: true, pending: 0 });
  });

  it('gives up after the timeout and reports what is still pending', async () => {
    const hung = deferred();
    void trackRelease(hung.promise);
    await expect(waitForReleases({ timeout: 20 })).resolves.toEqual({ settled: false, pending: 1 });
    hung.resolve();
    await expect(waitForReleases({ timeout: 1_000 })).resolves.toEqual({ settled: true, pending: 0 });
  });

  it('hands back a promise that never rejects', async () => {
    await expect(trackRelease(Promise.reject(new Error('x')))).resolves.toBeUndefined();
  });
});
