import diagnosticsChannel from 'node:diagnostics_channel';
import {
  DIAGNOSTICS_CHANNELS,
  checkConsistency,
  createMockBackend,
  isRollForwardSupported,
  listApplications,
  openRestoreSession,
  preRestore,
  startConsistencyCheck,
  type CallEndMessage,
  type CheckEndMessage,
} from '../../lib';

const WRITER = '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}';
const components = {
  db: { statuses: ['WSBAPP_ASYNC_IN_PROGRESS', 'S_OK'] },
  fails: { statuses: ['WSBAPP_ASYNC_IN_PROGRESS', 'WSBAPP_E_COMPONENT_CONSISTENCY_CHECK_FAILED'] },
  forever: { statuses: ['WSBAPP_ASYNC_IN_PROGRESS'] },
  refused: { preRestore: 'WSBAPP_E_COMPONENT_PRE_RESTORE_FAILED' },
};
const backend = () => createMockBackend({ applications: [{ writerId: WRITER, identifier: 'Contoso', components }] });
const fast = { interval: 1, maxInterval: 1 };

/**
 * Every message on every wsbapp channel, in order, as [short name, message]: of the checks and
 * calls that started while recording. Channels are process-wide, shared by every test file jest
 * runs in this worker, so a check another file stopped may still publish its abort and end here.
 */
function record() {
  const seen: [string, Record<string, unknown>][] = [];
  const started = new Set<string>();
  const handlers = Object.values(DIAGNOSTICS_CHANNELS).map((name) => {
    const handler = (message: unknown) => {
      const short = name.slice('wsbapp:'.length);
      // check:* and call:* count their ids apart.
      const key = `${short.split(':')[0]} ${String((message as { id?: unknown }).id)}`;
      if (short.endsWith(':start')) started.add(key);
      else if (!started.has(key)) return;
      seen.push([short, message as Record<string, unknown>]);
    };
    diagnosticsChannel.subscribe(name, handler);
    return () => diagnosticsChannel.unsubscribe(name, handler);
  });
  return { seen, names: () => seen.map(([name]) => name), stop: () => handlers.forEach((off) => off()) };
}

let recorder: ReturnType<typeof record>;
beforeEach(() => {
  recorder = record();
});
afterEach(() => recorder.stop());

test('a check: start, one status per QueryStatus, release, then end with the result', async () => {
  const result = await checkConsistency({ application: 'Contoso', component: 'db' }, { backend: backend(), ...fast });
  expect(recorder.names()).toEqual(['check:start', 'check:status', 'check:status', 'check:release', 'check:end']);
  const [start, first, second, release, end] = recorder.seen.map(([, message]) => message);
  expect(start).toEqual({ id: expect.any(Number), application: 'Contoso', component: 'db', startedAt: expect.any(Number) });
  for (const message of [first, second, release, end]) expect(message.id).toBe(start.id);
  expect(first.event).toMatchObject({ state: 'running', polls: 1 });
  expect(second.event).toMatchObject({ state: 'succeeded', polls: 2 });
  expect(end).toEqual({ id: start.id, elapsedMs: expect.any(Number), result });
});

test('the error path: a failed check ends with its error; a timeout shows the Abort', async () => {
  const failed = await checkConsistency({ application: 'Contoso', component: 'fails' }, { backend: backend(), ...fast }).catch(
    (e: unknown) => e,
  );
  expect(recorder.names()).toEqual(['check:start', 'check:status', 'check:status', 'check:release', 'check:end']);
  expect((recorder.seen[4][1] as unknown as CheckEndMessage).error).toBe(failed);

  recorder.seen.length = 0;
  const timedOut = await checkConsistency(
    { application: 'Contoso', component: 'forever' },
    { backend: backend(), interval: 10, timeout: 50 },
  ).catch((e: unknown) => e);
  const names = recorder.names();
  expect(names[0]).toBe('check:start');
  expect(names.slice(-3)).toEqual(['check:abort', 'check:release', 'check:end']);
  expect(recorder.seen.at(-3)?.[1]).toMatchObject({ delivered: true, hresult: 0 });
  expect(recorder.seen.at(-1)?.[1]).toMatchObject({ error: timedOut });
  expect(timedOut).toMatchObject({ code: 'ERR_WSB_TIMEOUT' });
});

test('a check that fails before it has a handle ends at once, with no release', async () => {
  const error = await checkConsistency({ application: 'Nobody' }, { backend: backend() }).catch((e: unknown) => e);
  expect(recorder.names()).toEqual(['check:start', 'check:end']);
  expect(recorder.seen[1][1]).toMatchObject({ error });
});

test('bad input publishes nothing: a check starts once its request, options and backend are valid', async () => {
  await expect(checkConsistency({ application: 'Contoso' }, { backend: backend(), intervl: 1 } as never)).rejects.toThrow(TypeError);
  await expect(checkConsistency({ application: 'Contoso' }, { backend: 'nope' } as never)).rejects.toThrow(TypeError);
  expect(recorder.seen).toEqual([]);
});

test('a handle: the events of status() and wait(), and the end of the last verdict at release', async () => {
  const check = await startConsistencyCheck({ application: 'Contoso', component: 'db' }, { backend: backend() });
  await check.status();
  const result = await check.wait(fast);
  check.release();
  check.release();
  expect(recorder.names()).toEqual(['check:start', 'check:status', 'check:status', 'check:release', 'check:end']);
  expect(recorder.seen[1][1].id).toBe(check.id);
  expect(recorder.seen[4][1]).toEqual({ id: check.id, elapsedMs: expect.any(Number), result });
});

test('calls: start and end around each listing and restore call, with the result or the error', async () => {
  const mock = backend();
  const apps = await listApplications({ backend: mock });
  await expect(isRollForwardSupported('Contoso', { backend: mock })).resolves.toBe(false);
  const refused = await preRestore('Contoso', { component: 'refused' }, { backend: mock }).catch((e: unknown) => e);
  const session = await openRestoreSession('Contoso', { backend: mock });
  await session.preRestore({ component: 'db' });
  session.release();
  const calls = recorder.seen.map(([name, m]) => [name, m.call, m.application, m.component]);
  expect(calls).toEqual([
    ['call:start', 'ListApplications', undefined, undefined],
    ['call:end', 'ListApplications', undefined, undefined],
    ['call:start', 'IsRollForwardSupported', 'Contoso', undefined],
    ['call:end', 'IsRollForwardSupported', undefined, undefined],
    ['call:start', 'PreRestore', 'Contoso', 'refused'],
    ['call:end', 'PreRestore', undefined, undefined],
    ['call:start', 'Activate', 'Contoso', undefined],
    ['call:end', 'Activate', undefined, undefined],
    ['call:start', 'PreRestore', 'Contoso', 'db'],
    ['call:end', 'PreRestore', undefined, undefined],
  ]);
  const ends = recorder.seen.filter(([name]) => name === 'call:end').map(([, m]) => m as unknown as CallEndMessage);
  expect(ends[0].result).toBe(apps);
  expect(ends[1].result).toBe(false);
  expect(ends[2]).toMatchObject({ error: refused });
  expect(ends[2]).not.toHaveProperty('result');
  expect(ends[3].result).toBe(session);
  for (const [index, end] of ends.entries()) expect(end.id).toBe(recorder.seen[2 * index][1].id);
});
