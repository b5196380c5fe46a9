/**
 * A scripted activation hang in the native mock (`activation: "hang"`): the activation stays
 * pending, and the process still exits when told to (teardown ends the hung call). In a child
 * process, since nothing in the Backend contract can cancel an activation yet and it keeps the
 * event loop alive while in flight.
 */
import { normalizeScenario } from '../../lib/backends/scenario';
import { runChild, WRITER } from './helpers';

const scenario = normalizeScenario({ applications: [{ writerId: WRITER, identifier: 'Stuck', activation: 'hang' }] });

test('the activation stays pending, and process.exit() still ends the process at once', async () => {
  const child = await runChild(
    `
    const runtime = require(BINDING).createMockRuntime(SCENARIO);
    let settled = 'pending';
    runtime.activate(${JSON.stringify(WRITER)}, 'Stuck', '').then(() => (settled = 'activated'), (e) => (settled = 'failed ' + e.hresult));
    setTimeout(() => {
      console.log(settled);
      process.exit(0);
    }, 300);
  `,
    scenario,
  );
  expect(child).toMatchObject({ code: 0, signal: null, stderr: '', stdout: 'pending\n' });
});
