/**
 * createMockRuntime reads its scenario through Node-API and checks it again in C++: called
 * directly with a bad scenario object (no TypeScript normalisation in front), every case is a JS
 * TypeError naming the JSON path, never a crash (this file runs under ASan too).
 */
import { loadBinding, type NativeBinding } from '../../lib/backends/load';
import { normalizeScenario, type NormalizedScenario } from '../../lib/backends/scenario';
import { WRITER } from './helpers';

const binding: NativeBinding = loadBinding();
const create = (scenario: unknown) => binding.createMockRuntime(scenario as NormalizedScenario);

/** A valid normalised scenario touching every field, fresh for each case to break. */
function valid(): Record<string, any> {
  return JSON.parse(
    JSON.stringify(
      normalizeScenario({
        applications: [
          {
            writerId: WRITER,
            identifier: 'Contoso',
            orderComponents: { returns: [{ name: 'db', logicalPath: 'p' }] },
            components: { db: { statuses: [{ status: 'S_OK', delayMs: 1 }, { crash: true }], abort: { delayMs: 1 }, preRestore: 'hang' } },
          },
        ],
        vss: {
          writers: [{ writerId: WRITER, name: 'W', failsAt: 'prepare', components: [{ name: 'db', logicalPath: 'p', files: ['D:\\db'] }] }],
          volumes: { 'D:\\': '\\\\?\\Volume{X}\\' },
          calls: {
            DoSnapshotSet: { hang: true, ignoresCancel: true },
            StartSnapshotSet: { fail: 'VSS_E_SNAPSHOT_SET_IN_PROGRESS', times: 2 },
          },
        },
      }),
    ),
  );
}

const app = 'scenario.applications[0]';
const db = `${app}.components["db"]`;
type Break = (s: Record<string, any>) => void;

// [what, how to break a valid scenario, the message the C++ reader must give]
const cases: [string, Break, string][] = [
  ['unknown top-level key', (s) => (s.aplications = []), "scenario has an unknown key 'aplications'"],
  ['applications not an array', (s) => (s.applications = {}), 'scenario.applications must be an array'],
  ['normalized not a boolean', (s) => (s.normalized = 'yes'), 'scenario.normalized must be a boolean'],
  ['an application not an object', (s) => (s.applications[0] = 'x'), `${app} must be an object`],
  ['unknown application key', (s) => (s.applications[0].activaton = 0), `${app} has an unknown key 'activaton'`],
  ['missing writerId', (s) => delete s.applications[0].writerId, `${app}.writerId is missing`],
  ['writerId a number', (s) => (s.applications[0].writerId = 1), `${app}.writerId must be a string`],
  ['empty identifier', (s) => (s.applications[0].identifier = ''), `${app}.identifier must not be empty`],
  ['clsid a number', (s) => (s.applications[0].clsid = 5), `${app}.clsid must be a string`],
  ['activation a bare HRESULT (not normalised)', (s) => (s.applications[0].activation = 0), `${app}.activation must be an object`],
  ['activation.hang a string', (s) => (s.applications[0].activation.hang = 'no'), `${app}.activation.hang must be a boolean`],
  ['HRESULT negative', (s) => (s.applications[0].activation.hresult = -1), `${app}.activation.hresult must be an unsigned 32-bit HRESULT`],
  [
    'HRESULT above 32 bits',
    (s) => (s.applications[0].activation.hresult = 2 ** 32),
    `${app}.activation.hresult must be an unsigned 32-bit HRESULT`,
  ],
  [
    'HRESULT fractional',
    (s) => (s.applications[0].activation.hresult = 1.5),
    `${app}.activation.hresult must be an unsigned 32-bit HRESULT`,
  ],
  ['HRESULT NaN', (s) => (s.applications[0].activation.hresult = NaN), `${app}.activation.hresult must be an unsigned 32-bit HRESULT`],
  ['HRESULT a string symbol', (s) => (s.applications[0].activation.hresult = 'E_FAIL'), `${app}.activation.hresult must be a number`],
  ['restoreSupport missing', (s) => delete s.applications[0].restoreSupport, `${app}.restoreSupport is missing`],
  [
    'rollForward kind unknown',
    (s) => (s.applications[0].rollForward.kind = 'maybe'),
    `${app}.rollForward.kind must be one of answer, fail, hang, got 'maybe'`,
  ],
  ['rollForward unknown key', (s) => (s.applications[0].rollForward.suported = true), `${app}.rollForward has an unknown key 'suported'`],
  [
    'order kind unknown',
    (s) => (s.applications[0].orderComponents.kind = 'sorted'),
    `${app}.orderComponents.kind must be one of any, order, returns, fail, hang`,
  ],
  ['order names not strings', (s) => (s.applications[0].orderComponents.order = [1]), `${app}.orderComponents.order[0] must be a string`],
  [
    'returns entry without logicalPath',
    (s) => delete s.applications[0].orderComponents.returns[0].logicalPath,
    `${app}.orderComponents.returns[0].logicalPath is missing`,
  ],
  [
    'returns entry unknown key',
    (s) => (s.applications[0].orderComponents.returns[0].path = ''),
    `${app}.orderComponents.returns[0] has an unknown key 'path'`,
  ],
  ['components an array', (s) => (s.applications[0].components = []), `${app}.components must be an object`],
  ['a component null', (s) => (s.applications[0].components.db = null), `${db} must be an object`],
  ['unknown component key', (s) => (s.applications[0].components.db.statuss = []), `${db} has an unknown key 'statuss'`],
  ['check unknown', (s) => (s.applications[0].components.db.check = 'maybe'), `${db}.check must be one of async, no-async, hang, fail`],
  ['checkOperation missing', (s) => delete s.applications[0].components.db.checkOperation, `${db}.checkOperation is missing`],
  ['statuses empty', (s) => (s.applications[0].components.db.statuses = []), `${db}.statuses must not be empty`],
  [
    'a huge sparse statuses array',
    (s) => (s.applications[0].components.db.statuses = new Array(2 ** 32 - 1)),
    `${db}.statuses has more than 1000000 entries`,
  ],
  [
    'a step kind unknown',
    (s) => (s.applications[0].components.db.statuses[0].kind = 'wait'),
    `${db}.statuses[0].kind must be one of status, callFails, unwritten, hang, crash`,
  ],
  ['a step unknown key', (s) => (s.applications[0].components.db.statuses[0].delay = 1), `${db}.statuses[0] has an unknown key 'delay'`],
  [
    'a step delay negative',
    (s) => (s.applications[0].components.db.statuses[0].delayMs = -1),
    `${db}.statuses[0].delayMs must be a whole number of milliseconds in [0, 2147483647]`,
  ],
  [
    'a step delay past 2^31-1',
    (s) => (s.applications[0].components.db.statuses[0].delayMs = 2 ** 31),
    `${db}.statuses[0].delayMs must be a whole number of milliseconds`,
  ],
  [
    'a step delay infinite',
    (s) => (s.applications[0].components.db.statuses[0].delayMs = Infinity),
    `${db}.statuses[0].delayMs must be a whole number of milliseconds`,
  ],
  [
    'a crash step with an hresult',
    (s) => (s.applications[0].components.db.statuses[1].hresult = 0),
    `${db}.statuses[1].hresult is not allowed for this kind`,
  ],
  [
    'a crash step without afterMs',
    (s) => delete s.applications[0].components.db.statuses[1].afterMs,
    `${db}.statuses[1].afterMs is missing`,
  ],
  [
    'a crash step afterMs negative',
    (s) => (s.applications[0].components.db.statuses[1].afterMs = -1),
    `${db}.statuses[1].afterMs must be a whole number of milliseconds in [0, 2147483647]`,
  ],
  [
    'a status step with afterMs',
    (s) => (s.applications[0].components.db.statuses[0].afterMs = 300),
    `${db}.statuses[0].afterMs is not allowed for this kind`,
  ],
  ['a vss unknown key', (s) => (s.vss.writer = []), "scenario.vss has an unknown key 'writer'"],
  ['a vss call missing', (s) => delete s.vss.calls.DoSnapshotSet, 'scenario.vss.calls.DoSnapshotSet is missing'],
  [
    'a vss call unknown',
    (s) => (s.vss.calls.DoSnapshotSets = s.vss.calls.DoSnapshotSet),
    "scenario.vss.calls has an unknown key 'DoSnapshotSets'",
  ],
  [
    'a vss call times fractional',
    (s) => (s.vss.calls.StartSnapshotSet.times = 1.5),
    'scenario.vss.calls.StartSnapshotSet.times must be a whole number',
  ],
  [
    'ignoresCancel with neither hang nor a delay',
    (s) => (s.vss.calls.DoSnapshotSet.hang = false),
    'scenario.vss.calls.DoSnapshotSet.ignoresCancel needs hang or a delayMs',
  ],
  ['a writer state past the last', (s) => (s.vss.writers[0].state = 16), 'scenario.vss.writers[0].state must be a VSS_WRITER_STATE'],
  [
    'a writer failsAt unknown',
    (s) => (s.vss.writers[0].failsAt = 'freeze'),
    'scenario.vss.writers[0].failsAt must be one of prepare, snapshot',
  ],
  [
    'a component file not a string',
    (s) => (s.vss.writers[0].components[0].files = [1]),
    'scenario.vss.writers[0].components[0].files[0] must be a string',
  ],
  ['a volume without its name', (s) => delete s.vss.volumes[0].volume, 'scenario.vss.volumes[0].volume is missing'],
  ['abort unknown key', (s) => (s.applications[0].components.db.abort.hung = true), `${db}.abort has an unknown key 'hung'`],
  ['abort.statusAfter missing', (s) => delete s.applications[0].components.db.abort.statusAfter, `${db}.abort.statusAfter is missing`],
  ['preRestore a number (not normalised)', (s) => (s.applications[0].components.db.preRestore = 0), `${db}.preRestore must be an object`],
  [
    'postRestore unknown key',
    (s) => (s.applications[0].components.db.postRestore.hangs = true),
    `${db}.postRestore has an unknown key 'hangs'`,
  ],
  ['a function where an object belongs', (s) => (s.applications[0].components.db.abort = () => {}), `${db}.abort must be an object`],
  ['a symbol where a string belongs', (s) => (s.applications[0].identifier = Symbol('x')), `${app}.identifier must be a string`],
  ['a bigint where a number belongs', (s) => (s.applications[0].activation.hresult = 1n), `${app}.activation.hresult must be a number`],
];

describe('createMockRuntime re-validates the normalised scenario in C++', () => {
  test('the valid scenario is taken', () => {
    expect(create(valid()).mockStats()).toMatchObject({ liveObjects: 0 });
  });

  test.each(cases)('%s', (_what, breakIt, message) => {
    const scenario = valid();
    breakIt(scenario);
    let thrown: unknown;
    try {
      create(scenario);
    } catch (error) {
      thrown = error;
    }
    // By name: the addon's errors come from the main realm, not jest's.
    expect(thrown).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
    expect((thrown as Error).message).toContain(message);
  });

  test.each([undefined, null, 42, 'text', [], '{"applications":[]}'])('a root that is not a scenario object (%p)', (root) => {
    expect(() => create(root)).toThrow(expect.objectContaining({ name: 'TypeError' }));
  });

  test('a throwing getter passes its exception through', () => {
    const scenario = valid();
    Object.defineProperty(scenario.applications[0], 'identifier', {
      enumerable: true,
      get() {
        throw new RangeError('getter says no');
      },
    });
    expect(() => create(scenario)).toThrow('getter says no');
  });
});
