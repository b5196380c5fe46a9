/**
 * A call that hangs in the add-in (PreRestore, OrderComponents, activation) meets its deadline
 * and the process can exit on its own afterwards: nothing the call started holds the event loop
 * past the deadline. Both mocks, each run in a child process on the built package (dist/).
 */
import { join } from 'node:path';
import { normalizeScenario } from '../../lib/backends/scenario';
import { runChild, WRITER } from './helpers';

const DIST = JSON.stringify(join(__dirname, '..', '..', 'dist'));
const scenario = normalizeScenario({
  applications: [
    { writerId: WRITER, identifier: 'Contoso', components: { db: { preRestore: 'hang' } } },
    { writerId: '{B65FAA63-5EA8-4EBC-9DBD-A0C4DB26912B}', identifier: 'Order hangs', orderComponents: 'hang' },
    { writerId: '{C65FAA63-5EA8-4EBC-9DBD-A0C4DB26912C}', identifier: 'Activation hangs', activation: 'hang' },
  ],
});

const calls = {
  PreRestore: `lib.preRestore('Contoso', { component: 'db' }, { backend, timeout: 200 })`,
  OrderComponents: `lib.orderComponents('Order hangs', [{ name: 'db', logicalPath: 'Mail' }], { backend, timeout: 200 })`,
  Activate: `lib.openRestoreSession('Activation hangs', { backend, timeout: 200 })`,
};

const backends = {
  mock: 'lib.createMockBackend(SCENARIO)',
  'native-mock': 'lib.createNativeMockBackend(SCENARIO)',
};

describe.each(Object.entries(backends))('%s backend', (_name, makeBackend) => {
  test.each(Object.entries(calls))(
    'a hung %s: the deadline fires, the error names it, the process exits by itself',
    async (call, expression) => {
      const child = await runChild(
        `const lib = require(${DIST});
       const backend = ${makeBackend};
       ${expression}.then(
         () => console.log('resolved'),
         (e) => console.log(JSON.stringify({ name: e.name, code: e.code, call: e.call, named: e.message.includes('Contoso') || e.message.includes('hangs"') })),
       );`,
        scenario,
      );
      expect(child).toMatchObject({ code: 0, signal: null, stderr: '' });
      expect(JSON.parse(child.stdout)).toEqual({ name: 'TimeoutError', code: 'ERR_WSB_TIMEOUT', call, named: true });
      // Well short of the child's 10 s limit: the process did not wait for the hung call.
      expect(child.elapsedMs).toBeLessThan(8_000);
    },
  );

  test('a call that succeeds leaves no deadline timer behind', async () => {
    const child = await runChild(
      `const lib = require(${DIST});
       const backend = ${makeBackend};
       lib.isRollForwardSupported('Contoso', { backend }).then((supported) => console.log(String(supported)));`,
      scenario,
    );
    expect(child).toMatchObject({ code: 0, stdout: 'false\n', stderr: '' });
    expect(child.elapsedMs).toBeLessThan(8_000);
  });
});

test('native-mock: the hung PreRestore is cancelled by the release, and nothing stays live', async () => {
  const child = await runChild(
    `const lib = require(${DIST});
     const backend = lib.createNativeMockBackend(SCENARIO);
     lib.preRestore('Contoso', { component: 'db' }, { backend, timeout: 100 }).catch((e) => {
       const stats = backend.stats();
       console.log(JSON.stringify({ call: e.call, live: stats.liveObjects, releases: stats.calls.filter((c) => c.method === 'Release').length }));
     });`,
    scenario,
  );
  expect(child).toMatchObject({ code: 0, stderr: '' });
  expect(JSON.parse(child.stdout)).toEqual({ call: 'PreRestore', live: 0, releases: 1 });
});
