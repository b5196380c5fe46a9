/** One default backend per process (getDefaultBackend / setDefaultBackend), and one backend per name. */
import {
  checkConsistency,
  createMockBackend,
  getDefaultBackend,
  listApplications,
  setDefaultBackend,
  UnsupportedPlatformError,
} from '../../lib';
import { backendFor } from '../../lib/backends/default';

const WRITER = '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}';
const saved = process.env.WSBAPP_BACKEND;

afterEach(() => {
  setDefaultBackend(undefined);
  if (saved === undefined) delete process.env.WSBAPP_BACKEND;
  else process.env.WSBAPP_BACKEND = saved;
});

test('the default is one object per process, chosen on first use from WSBAPP_BACKEND', () => {
  process.env.WSBAPP_BACKEND = 'mock';
  const first = getDefaultBackend();
  expect(first.name).toBe('mock');
  process.env.WSBAPP_BACKEND = 'native-mock';
  expect(getDefaultBackend()).toBe(first);
  // A backend named in a call is the process's one of that name: the default when the names agree.
  expect(backendFor('mock')).toBe(first);
  expect(backendFor(undefined)).toBe(first);
});

test('calls without a backend option run on the default the process set', async () => {
  const mine = createMockBackend({ applications: [{ writerId: WRITER, identifier: 'Mine', components: { db: { statuses: ['S_OK'] } } }] });
  setDefaultBackend(mine);
  expect(getDefaultBackend()).toBe(mine);
  await expect(checkConsistency({ application: 'Mine', component: 'db' }, { interval: 1 })).resolves.toMatchObject({
    outcome: 'consistent',
  });
  await checkConsistency({ application: 'Mine', component: 'db' }, { interval: 1 });
  expect(mine.callsTo('Activate')).toHaveLength(2);
  expect((await listApplications()).map((a) => a.identifier)).toEqual(['Mine']);
});

test('setDefaultBackend takes a name (the process one of that name), and undefined chooses again on next use', () => {
  setDefaultBackend('mock');
  expect(getDefaultBackend()).toBe(backendFor('mock'));
  setDefaultBackend(undefined);
  delete process.env.WSBAPP_BACKEND;
  if (process.platform !== 'win32') expect(() => getDefaultBackend()).toThrow(UnsupportedPlatformError);
});

test.each([42, 'sql', {}, null])('setDefaultBackend(%p) is a TypeError with a code, and leaves the default alone', (bad) => {
  setDefaultBackend('mock');
  const before = getDefaultBackend();
  expect(() => setDefaultBackend(bad as never)).toThrow(
    expect.objectContaining({ code: expect.stringMatching(/^ERR_INVALID_ARG_(TYPE|VALUE)$/) }),
  );
  expect(getDefaultBackend()).toBe(before);
});
