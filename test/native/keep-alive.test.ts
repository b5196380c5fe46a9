/**
 * A pending QueryStatus keeps the process alive only when its caller asks the addon for it
 * (`queryStatus(true)`, which the native backend adapter does), and a released check lets it go.
 * Each case runs in a child process: the built package (dist/), or the addon directly.
 */
import { join } from 'node:path';
import { runChild, scenarioWith, WRITER } from './helpers';

const DIST = JSON.stringify(join(__dirname, '..', '..', 'dist'));
const scenario = scenarioWith({
  slow: { statuses: [{ status: 'S_OK', delayMs: 300 }] },
  hangs: { statuses: [{ hang: true }] },
});
const start = (component: string) => `
  const { createNativeMockBackend, startConsistencyCheck } = require(${DIST});
  const backend = createNativeMockBackend(SCENARIO);
  const started = startConsistencyCheck({ application: ${JSON.stringify(WRITER)}, component: ${JSON.stringify(component)} }, { backend });
`;

test('awaiting one status keeps the process alive until the add-in answers', async () => {
  const child = await runChild(`${start('slow')} started.then((check) => check.status()).then((e) => console.log(e.state));`, scenario);
  expect(child).toMatchObject({ code: 0, stdout: 'succeeded\n', stderr: '' });
});

test('a released check with a hung status lets the process exit', async () => {
  const child = await runChild(
    `${start('hangs')} started.then((check) => { check.status().catch(() => {}); check.release(); console.log('released'); });`,
    scenario,
  );
  expect(child).toMatchObject({ code: 0, stdout: 'released\n', stderr: '' });
  expect(child.elapsedMs).toBeLessThan(5_000);
});

describe('the binding: queryStatus(keepAlive)', () => {
  // An operation of the slow component, on the addon directly; `use` gets it as `operation`.
  const withOperation = (use: string) => `
    const runtime = require(BINDING).createMockRuntime(SCENARIO);
    runtime.activate(${JSON.stringify(WRITER)}, 'Contoso', '{C}')
      .then((addin) => addin.checkConsistency(null, 'slow', null, [], []))
      .then((operation) => { ${use} });
  `;

  test('by default a pending QueryStatus does not hold the event loop', async () => {
    const child = await runChild(withOperation(`operation.queryStatus().then((s) => console.log('answered', s));`), scenario);
    expect(child).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  test('with keepAlive true it holds the loop until the answer', async () => {
    const child = await runChild(
      withOperation(`operation.queryStatus(true).then((s) => { console.log('answered', s); operation.release(); });`),
      scenario,
    );
    expect(child).toMatchObject({ code: 0, stdout: 'answered 0\n', stderr: '' });
  });

  test('keepAlive must be a boolean: a TypeError naming it, before any call', async () => {
    const child = await runChild(
      withOperation(`try { operation.queryStatus('yes'); } catch (e) { console.log(e.name, e.message); } operation.release();`),
      scenario,
    );
    expect(child).toMatchObject({ code: 0, stdout: 'TypeError keepAlive must be a boolean\n', stderr: '' });
  });
});

test('releasing one of several handles with held calls lets go of its own calls only', async () => {
  // Two hung, held calls on each of two operations: the process stays up until both are released.
  const child = await runChild(
    `const runtime = require(BINDING).createMockRuntime(SCENARIO);
     runtime.activate(${JSON.stringify(WRITER)}, 'Contoso', '{C}').then(async (addin) => {
       const [first, second] = [await addin.checkConsistency(null, 'hangs', null, [], []), await addin.checkConsistency(null, 'hangs', null, [], [])];
       for (const operation of [first, second, first, second]) operation.queryStatus(true).catch(() => {});
       first.release();
       // Unref'd: it fires only while the second's calls hold the loop, and their release ends it.
       setTimeout(() => { console.log('second still held'); second.release(); addin.release(); }, 300).unref();
       process.on('exit', () => console.log('exit'));
     });`,
    scenario,
  );
  expect(child).toMatchObject({ code: 0, stdout: 'second still held\nexit\n', stderr: '' });
  expect(child.elapsedMs).toBeLessThan(5_000);
});
