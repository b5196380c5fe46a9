import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkConsistency,
  createMockBackend,
  demoScenario,
  HRESULT,
  loadScenarioFile,
  normalizeScenario,
  parseHresult,
  startConsistencyCheck,
} from '../../lib';

const WRITER = '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}';

describe('the call record', () => {
  test('shows every call with its arguments, and one release of each object', async () => {
    const backend = createMockBackend({
      applications: [{ writerId: WRITER, identifier: 'Contoso', components: { db: { statuses: ['WSBAPP_ASYNC_IN_PROGRESS', 'S_OK'] } } }],
    });
    await checkConsistency({ application: 'Contoso', component: 'db', logicalPath: 'L' }, { backend, interval: 1 });
    expect(backend.calls.map((c) => c.method)).toEqual([
      'ListApplications',
      'Activate',
      'CheckConsistency',
      'QueryStatus',
      'QueryStatus',
      'Release',
      'Release',
    ]);
    expect(backend.callsTo('CheckConsistency')[0]).toMatchObject({
      writerId: WRITER,
      component: 'db',
      args: { logicalPath: 'L', writerMetadata: null, volumes: [] },
    });
    expect(backend.callsTo('Release').map((c) => c.target)).toEqual(['operation', 'addin']);
    expect(backend.liveObjects()).toBe(0);
  });

  test('a use after release is a loud bug, not a silent success', async () => {
    const backend = createMockBackend({ applications: [{ writerId: WRITER, identifier: 'Contoso' }] });
    const app = (await backend.listApplications())[0];
    const addin = await backend.activate(app);
    const op = await addin.checkConsistency({ component: null, logicalPath: null, writerMetadata: null, volumes: [] });
    void op!.release();
    expect(() => op!.queryStatus()).toThrow(/already released/);
    expect(() => op!.release()).toThrow(/already released/);
    void addin.release();
    expect(() => addin.release()).toThrow(/already released/);
    expect(() => addin.checkConsistency({ component: null, logicalPath: null, writerMetadata: null, volumes: [] })).toThrow(
      /already released/,
    );
  });

  test('after a crash every call on the add-in fails as RPC_S_SERVER_UNAVAILABLE', async () => {
    const backend = createMockBackend({
      applications: [{ writerId: WRITER, identifier: 'Contoso', components: { '*': { statuses: [{ crash: true }] } } }],
    });
    const addin = await backend.activate((await backend.listApplications())[0]);
    const op = (await addin.checkConsistency({ component: 'x', logicalPath: null, writerMetadata: null, volumes: [] }))!;
    await expect(op.queryStatus()).rejects.toMatchObject({ hresult: HRESULT.RPC_S_CALL_FAILED });
    await expect(op.queryStatus()).rejects.toMatchObject({ hresult: HRESULT.RPC_S_SERVER_UNAVAILABLE });
    await expect(op.abort()).rejects.toMatchObject({ code: 'ERR_WSB_ADDIN_DISCONNECTED' });
    await expect(addin.isRollForwardSupported()).rejects.toMatchObject({ hresult: HRESULT.RPC_S_SERVER_UNAVAILABLE });
    void op.release();
    void addin.release();
  });

  test('after Abort, QueryStatus reports the scripted status (E_ABORT by default)', async () => {
    const backend = createMockBackend({
      applications: [{ writerId: WRITER, identifier: 'Contoso', components: { '*': { statuses: ['WSBAPP_ASYNC_IN_PROGRESS'] } } }],
    });
    await using check = await startConsistencyCheck({ application: 'Contoso' }, { backend });
    await check.abort();
    await expect(check.status()).resolves.toMatchObject({ state: 'failed', hresult: HRESULT.E_ABORT });
  });
});

describe('scenarios', () => {
  test('HRESULTs may be symbols, hex, signed or unsigned decimals', () => {
    expect(parseHresult('E_FAIL', 'f')).toBe(0x80004005);
    expect(parseHresult('0x807a0001', 'f')).toBe(0x807a0001);
    expect(parseHresult('-2147467259', 'f')).toBe(0x80004005);
    expect(parseHresult(' 2147500037 ', 'f')).toBe(0x80004005);
    expect(parseHresult(-2147467259, 'f')).toBe(0x80004005);
    expect(() => parseHresult('E_NOPE', 'x.y')).toThrow(/x\.y: unknown HRESULT symbol "E_NOPE"/);
    expect(() => parseHresult(true, 'x.y')).toThrow(/x\.y must be an HRESULT/);
  });

  test('mistakes name the field', () => {
    expect(() => normalizeScenario({})).toThrow(/"applications" array/);
    expect(() => normalizeScenario({ applications: [{ writerId: 'nope', identifier: 'A' }] })).toThrow(
      /scenario\.applications\[0\]\.writerId must be a GUID/,
    );
    expect(() => normalizeScenario({ applications: [{ writerId: WRITER }] })).toThrow(
      /applications\[0\]\.identifier must be a non-empty string/,
    );
    expect(() =>
      normalizeScenario({ applications: [{ writerId: WRITER, identifier: 'A', components: { db: { statuses: [] } } }] }),
    ).toThrow(/components\["db"\]\.statuses must be a non-empty array/);
    expect(() =>
      normalizeScenario({ applications: [{ writerId: WRITER, identifier: 'A', components: { db: { statuses: [{ delayMs: 5 }] } } }] }),
    ).toThrow(/statuses\[0\] must be an HRESULT or an object/);
    expect(() =>
      normalizeScenario({
        applications: [{ writerId: WRITER, identifier: 'A', components: { db: { statuses: [{ status: 0, delayMs: -1 }] } } }],
      }),
    ).toThrow(/statuses\[0\]\.delayMs must be a number of milliseconds in \[0, 2147483647\]/);
    expect(() =>
      normalizeScenario({
        applications: [
          { writerId: WRITER, identifier: 'A', components: { db: { statuses: [{ status: 0, delayMs: { ms: 5 } as unknown as number }] } } },
        ],
      }),
    ).toThrow(/statuses\[0\]\.delayMs must be a number of milliseconds in \[0, 2147483647\], got \{"ms":5\}$/);
    expect(() =>
      normalizeScenario({ applications: [{ writerId: WRITER, identifier: 'A', components: { db: { check: 'maybe' } } }] }),
    ).toThrow(/components\["db"\]\.check must be "async", "no-async"/);
    expect(() => normalizeScenario({ applications: [{ writerId: WRITER, identifier: 'A', orderComponents: 'db' }] })).toThrow(
      /orderComponents must be an array of names, null/,
    );
  });

  test('normalising is idempotent and survives JSON (what the native backends receive)', () => {
    const once = normalizeScenario(demoScenario());
    expect(normalizeScenario(JSON.parse(JSON.stringify(once)))).toEqual(once);
  });

  test('a JSON scenario file drives the mock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wsbapp-'));
    const file = join(dir, 'scenario.json');
    writeFileSync(
      file,
      JSON.stringify({
        applications: [{ writerId: WRITER, identifier: 'FromFile', components: { '*': { statuses: ['0x007A0004', 'S_OK'] } } }],
      }),
    );
    const backend = createMockBackend(loadScenarioFile(file));
    await expect(checkConsistency({ application: 'FromFile' }, { backend, interval: 1 })).resolves.toMatchObject({
      outcome: 'consistent',
      polls: 2,
    });
    writeFileSync(file, '{ nope');
    expect(() => loadScenarioFile(file)).toThrow(
      expect.objectContaining({ code: 'ERR_WSB_SCENARIO', file, message: expect.stringMatching(/: not valid JSON: /) }),
    );
    writeFileSync(file, JSON.stringify({ applications: [{ writerId: 'not a guid', identifier: 'X' }] }));
    expect(() => loadScenarioFile(file)).toThrow(
      expect.objectContaining({ code: 'ERR_WSB_SCENARIO', message: expect.stringContaining(`${file}: scenario.applications[0]`) }),
    );
    expect(() => loadScenarioFile(join(dir, 'missing.json'))).toThrow(
      expect.objectContaining({ code: 'ERR_WSB_SCENARIO', message: expect.stringMatching(/missing\.json: cannot read it: ENOENT/) }),
    );
  });

  test('a scripted activation hang leaves the activation pending', async () => {
    const backend = createMockBackend({ applications: [{ writerId: WRITER, identifier: 'Stuck', activation: 'hang' }] });
    const outcome = await Promise.race([
      backend.activate({ writerId: WRITER, identifier: 'Stuck', clsid: null }).then(() => 'activated'),
      new Promise((resolve) => setTimeout(() => resolve('pending'), 50)),
    ]);
    expect(outcome).toBe('pending');
    expect(backend.liveObjects()).toBe(0);
  });
});
