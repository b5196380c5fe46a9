/**
 * Node's rule for every promise the native backends hand out: while it waits on native work,
 * the process stays alive. Each case is a child process (the built package, dist/) whose only
 * pending work is one awaited call of the Backend contract, made again and again: a call that
 * holds nothing loses the race to the loop draining, and the child exits 0 without its line
 * (what `wsbapp vet` did with an awaited Release, issue 19).
 */
import { join } from 'node:path';
import { runChild, scenarioWith, WRITER } from './helpers';

const DIST = JSON.stringify(join(__dirname, '..', '..', 'dist'));
const scenario = scenarioWith({
  quick: { statuses: ['S_OK'] },
  slow: { statuses: [{ status: 'S_OK', delayMs: 100 }] },
  hangs: { statuses: [{ hang: true }] },
  slowAbort: { statuses: ['0x007A0004'], abort: { returns: 'S_OK', delayMs: 100 } },
});
const ROUNDS = 25;
jest.setTimeout(40_000);
const ARGS = `{ writerMetadata: null, component: 'quick', logicalPath: null, volumes: [] }`;
const RESTORE = `{ writerMetadata: null, component: 'quick', logicalPath: null, noRollForward: false }`;

// `body` runs with `backend`, `app` and `addin` defined, inside an async function; its last
// awaited value is printed once every round is done.
const script = (body: string) => `
  const { createNativeMockBackend } = require(${DIST});
  const backend = createNativeMockBackend(SCENARIO);
  const setup = setInterval(() => {}, 60_000); // only the rounds are left to the calls' own holds
  (async () => {
    const app = (await backend.listApplications()).find((a) => a.writerId === ${JSON.stringify(WRITER)});
    const addin = await backend.activate(app);
    clearInterval(setup);
    let last;
    for (let round = 0; round < ${ROUNDS}; round++) last = await (async () => { ${body} })();
    console.log('done', JSON.stringify(last ?? null));
    await addin.release();
  })().catch((error) => console.log('failed', error.message));
`;

const cases: Record<string, [body: string, printed: string]> = {
  listApplications: ['return (await backend.listApplications()).length;', '2'],
  activate: ['const other = await backend.activate(app); await other.release(); return "activated";', '"activated"'],
  CheckConsistency: [`const op = await addin.checkConsistency(${ARGS}); await op.release(); return op !== null;`, 'true'],
  QueryStatus: [
    `const op = await addin.checkConsistency({ ...${ARGS}, component: 'slow' }); const s = await op.queryStatus(); await op.release(); return s.status;`,
    '0',
  ],
  Abort: [
    `const op = await addin.checkConsistency({ ...${ARGS}, component: 'slowAbort' }); const r = await op.abort(); await op.release(); return r;`,
    '0',
  ],
  Release: [`const op = await addin.checkConsistency(${ARGS}); await op.release(); return 'released';`, '"released"'],
  PreRestore: [`await addin.preRestore(${RESTORE}); return 'pre';`, '"pre"'],
  PostRestore: [`await addin.postRestore(${RESTORE}); return 'post';`, '"post"'],
  OrderComponents: [`return (await addin.orderComponents([{ name: 'db', logicalPath: '' }])) !== undefined;`, 'true'],
  IsRollForwardSupported: ['return typeof (await addin.isRollForwardSupported());', '"boolean"'],
  'the identity probe': ['return (await addin.probes.identity()).reflexive;', 'true'],
  'the raw CheckConsistency probe': [
    `const raw = await addin.probes.checkConsistencyRaw(${ARGS}); await raw.operation?.release(); return raw.call;`,
    '0',
  ],
};

test.each(Object.entries(cases))('an awaited %s alone keeps the process alive until it settles', async (_call, [body, printed]) => {
  const child = await runChild(script(body), scenario, [], 20_000);
  expect(child).toMatchObject({ code: 0, signal: null, stderr: '', stdout: `done ${printed}\n` });
});

test('a released check (its status hung) lets go of its own hold only: another awaited status still arrives', async () => {
  const body = `
    const hung = await addin.checkConsistency({ ...${ARGS}, component: 'hangs' });
    const slow = await addin.checkConsistency({ ...${ARGS}, component: 'slow' });
    hung.queryStatus().catch(() => {});
    const answer = slow.queryStatus();
    await new Promise((resolve) => setImmediate(resolve));
    void hung.release();
    const status = (await answer).status;
    await slow.release();
    return status;
  `;
  const child = await runChild(script(body.replace(/\n/g, ' ')), scenario, [], 30_000);
  expect(child).toMatchObject({ code: 0, signal: null, stderr: '', stdout: 'done 0\n' });
});
