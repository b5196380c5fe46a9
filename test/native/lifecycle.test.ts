/**
 * The addon's life in a process: exiting with checks pending, finalizers of dropped handles,
 * and several worker_threads loading it at once (one terminated mid-check). Each case runs in a
 * child process so that a hang or a crash shows up as a failed test, not a stuck jest.
 */
import { runChild, scenarioWith, WRITER } from './helpers';

const scenario = scenarioWith({
  quick: { statuses: [{ status: 'WSBAPP_ASYNC_IN_PROGRESS', delayMs: 2 }, 'S_OK'] },
  hangs: { statuses: [{ hang: true }] },
  slow: { statuses: [{ status: 'WSBAPP_ASYNC_IN_PROGRESS', delayMs: 200 }] },
});

// Starts a check whose QueryStatus hangs, in the child's main thread.
const startHungCheck = `
  const runtime = require(BINDING).createMockRuntime(SCENARIO);
  async function startHungCheck() {
    const addin = await runtime.activate(${JSON.stringify(WRITER)}, 'Contoso', '{C}');
    const operation = await addin.checkConsistency(null, 'hangs', null, [], []);
    operation.queryStatus().then(() => console.log('hang answered'), () => console.log('hang rejected'));
    return { addin, operation };
  }
`;

test('the process exits promptly, with code 0, while a hung check is pending', async () => {
  const child = await runChild(`${startHungCheck} startHungCheck().then(() => console.log('started'));`, scenario);
  expect(child).toMatchObject({ code: 0, signal: null, stdout: 'started\n', stderr: '' });
  expect(child.elapsedMs).toBeLessThan(5000);
});

test('process.exit() during a hung call runs the cleanup hook and exits at once', async () => {
  const child = await runChild(
    `${startHungCheck} startHungCheck().then(() => setTimeout(() => { console.log('exiting'); process.exit(0); }, 20));`,
    scenario,
  );
  expect(child).toMatchObject({ code: 0, signal: null, stdout: 'exiting\n', stderr: '' });
});

test('a dropped handle is released by its finalizer (on a COM thread)', async () => {
  const child = await runChild(
    `
    const runtime = require(BINDING).createMockRuntime(SCENARIO);
    (async () => {
      await (async () => {
        const addin = await runtime.activate(${JSON.stringify(WRITER)}, 'Contoso', '{C}');
        await addin.checkConsistency(null, 'quick', null, [], []);
      })();
      const before = runtime.mockStats().liveObjects;
      for (let i = 0; i < 20 && runtime.mockStats().liveObjects > 0; i++) {
        global.gc();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      console.log(JSON.stringify({ before, after: runtime.mockStats().liveObjects }));
    })();
  `,
    scenario,
    ['--expose-gc'],
  );
  expect(child.stderr).toBe('');
  expect(JSON.parse(child.stdout)).toEqual({ before: 2, after: 0 });
});

test('a handle dropped while its call is in flight is not collected (its finalizer would cancel the call)', async () => {
  const child = await runChild(
    `
    const runtime = require(BINDING).createMockRuntime(SCENARIO);
    (async () => {
      const addin = await runtime.activate(${JSON.stringify(WRITER)}, 'Contoso', '{C}');
      const keepAlive = setTimeout(() => console.log('timed out'), 5000);
      // The operation object is unreachable from here on; only its pending call refers to it.
      const status = (await addin.checkConsistency(null, 'slow', null, [], [])).queryStatus();
      for (let i = 0; i < 10; i++) {
        global.gc();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const outcome = await status.then((s) => 'resolved ' + s, (e) => 'rejected ' + e.hresult);
      clearTimeout(keepAlive);
      // Once settled, the dropped handle is collected and released as before.
      for (let i = 0; i < 20 && runtime.mockStats().liveObjects > 1; i++) {
        global.gc();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      console.log(JSON.stringify({ outcome, live: runtime.mockStats().liveObjects }));
      addin.release();
    })();
  `,
    scenario,
    ['--expose-gc'],
  );
  expect(child.stderr).toBe('');
  expect(JSON.parse(child.stdout)).toEqual({ outcome: `resolved ${0x407a0004}`, live: 1 });
});

test('loads in several worker_threads at once; a worker terminated mid-check does not disturb the others', async () => {
  const child = await runChild(
    `
    const { Worker } = require('node:worker_threads');
    const body = \`
      const { parentPort, workerData } = require('node:worker_threads');
      const runtime = require(workerData.binding).createMockRuntime(workerData.scenario);
      (async () => {
        const addin = await runtime.activate(workerData.writer, 'Contoso', '{C}');
        const operation = await addin.checkConsistency(null, workerData.component, null, [], []);
        if (workerData.component === 'hangs') { operation.queryStatus(); parentPort.postMessage('hung'); return; }
        // Polls do not hold the event loop (a hung one must not); a poller's deadline timer does.
        const deadline = setTimeout(() => parentPort.postMessage('timed out'), 5000);
        let status;
        do { status = await operation.queryStatus(); } while (status !== 0);
        operation.release();
        addin.release();
        while (runtime.mockStats().liveObjects > 0) await new Promise((r) => setTimeout(r, 5));
        clearTimeout(deadline);
        parentPort.postMessage('done');
      })();
    \`;
    const start = (component) => new Worker(body, { eval: true, workerData: { binding: BINDING, scenario: SCENARIO, writer: ${JSON.stringify(WRITER)}, component } });
    const message = (worker) => new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
    (async () => {
      const hung = start('hangs');
      const workers = [start('quick'), start('quick'), start('quick')];
      const finished = Promise.all(workers.map(message));
      await message(hung);
      const terminating = Date.now();
      await hung.terminate();
      const terminateMs = Date.now() - terminating;
      const results = await finished;
      await Promise.all(workers.map((w) => w.terminate()));
      console.log(JSON.stringify({ results, terminatedInTime: terminateMs < 1500 }));
    })();
  `,
    scenario,
  );
  expect(child.stderr).toBe('');
  expect(JSON.parse(child.stdout)).toEqual({ results: ['done', 'done', 'done'], terminatedInTime: true });
  expect(child.code).toBe(0);
});
