/** The default path on the addon: calls without a backend option share the process's one native runtime. */
import { checkConsistency, getDefaultBackend, setDefaultBackend, type NativeMockBackend } from '../../lib';

const saved = process.env.WSBAPP_BACKEND;
afterAll(() => {
  setDefaultBackend(undefined);
  if (saved === undefined) delete process.env.WSBAPP_BACKEND;
  else process.env.WSBAPP_BACKEND = saved;
});

test('concurrent checks without a backend option run on one native-mock runtime', async () => {
  process.env.WSBAPP_BACKEND = 'native-mock';
  const backend = getDefaultBackend() as NativeMockBackend;
  expect(backend.name).toBe('native-mock');
  const checks = Array.from({ length: 8 }, () => checkConsistency({ application: 'Contoso Mail', component: 'Logs' }, { interval: 1 }));
  expect((await Promise.all(checks)).map((r) => r.outcome)).toEqual(Array(8).fill('no-check-required'));
  expect(getDefaultBackend()).toBe(backend);
  expect(backend.stats().calls.filter((c) => c.method === 'CheckConsistency')).toHaveLength(8);
  expect(backend.stats().liveObjects).toBe(0);
});
