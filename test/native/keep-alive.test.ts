/**
 * The library keeps a process alive while the caller awaits a status, though the addon's
 * QueryStatus does not hold the event loop; and lets it go once the check is released.
 * Each case runs the built package (dist/) in a child process.
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
  const child = await runChild(`${start('hangs')} started.then((check) => { check.status().catch(() => {}); check.release(); console.log('released'); });`, scenario);
  expect(child).toMatchObject({ code: 0, stdout: 'released\n', stderr: '' });
  expect(child.elapsedMs).toBeLessThan(5_000);
});
