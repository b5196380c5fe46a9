import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarioFile, normalizeScenario, ScenarioError } from '../../lib';

const WRITER = '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}';
const app = (fields: object) => ({ applications: [{ writerId: WRITER, identifier: 'A', ...fields }] });
const component = (fields: object) => app({ components: { db: fields } });
const at = 'scenario.applications[0]';
const db = `${at}.components["db"]`;

describe('an unknown key is refused at every level of a scenario, naming the path and the nearest valid key', () => {
  test.each([
    ['the scenario', { applications: [], aplications: [] }, 'scenario', 'aplications', 'applications'],
    ['an application', app({ activaton: 'E_FAIL' }), at, 'activaton', 'activation'],
    ['a component', component({ statuss: ['S_OK'] }), db, 'statuss', 'statuses'],
    ['an abort script', component({ abort: { retuns: 'E_FAIL' } }), `${db}.abort`, 'retuns', 'returns'],
    ['a status step', component({ statuses: [{ status: 'S_OK', delyMs: 5 }] }), `${db}.statuses[0]`, 'delyMs', 'delayMs'],
    ['a status step without a kind', component({ statuses: [{ stauts: 'S_OK' }] }), `${db}.statuses[0]`, 'stauts', 'status'],
    ['a callFails step', component({ statuses: [{ callFails: 'E_FAIL', delay: 1 }] }), `${db}.statuses[0]`, 'delay', 'delayMs'],
    ['an unwritten step', component({ statuses: [{ unwritten: true, delaMs: 1 }] }), `${db}.statuses[0]`, 'delaMs', 'delayMs'],
    ['a hang step', component({ statuses: [{ hang: true, hangs: 1 }] }), `${db}.statuses[0]`, 'hangs', 'hang'],
    ['a crash step', component({ statuses: [{ crash: true, crsh: 1 }] }), `${db}.statuses[0]`, 'crsh', 'crash'],
    ['a delayed crash step', component({ statuses: [{ crash: true, aftrMs: 300 }] }), `${db}.statuses[0]`, 'aftrMs', 'afterMs'],
    ['a failing check', component({ check: { fail: 'E_FAIL', operaton: true } }), `${db}.check`, 'operaton', 'operation'],
    ['a failing OrderComponents', app({ orderComponents: { fial: 'E_FAIL' } }), `${at}.orderComponents`, 'fial', 'fail'],
    [
      'a scripted OrderComponents answer',
      app({ orderComponents: { returns: [], retruns: 1 } }),
      `${at}.orderComponents`,
      'retruns',
      'returns',
    ],
    [
      'an entry of that answer',
      app({ orderComponents: { returns: [{ name: 'a', logicalpath: '' }] } }),
      `${at}.orderComponents.returns[0]`,
      'logicalpath',
      'logicalPath',
    ],
    ['a failing IsRollForwardSupported', app({ rollForwardSupported: { fails: 'E_FAIL' } }), `${at}.rollForwardSupported`, 'fails', 'fail'],
  ])('in %s', (_level, scenario, path, key, nearest) => {
    let thrown: unknown;
    try {
      normalizeScenario(scenario);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect(thrown).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: `${path}: unknown key '${key}' (did you mean '${nearest}'?)` });
  });

  test('a key far from every valid one lists the valid keys', () => {
    expect(() => normalizeScenario(component({ zzzzzzzzzz: 1 }))).toThrow(
      `${db}: unknown key 'zzzzzzzzzz'; valid keys: 'check', 'statuses', 'abort', 'preRestore', 'postRestore'`,
    );
  });

  test('wrong types and values name the field', () => {
    expect(() => normalizeScenario(component({ check: { fail: 'E_FAIL', operation: 'yes' } }))).toThrow(
      `${db}.check.operation must be a boolean`,
    );
    expect(() => normalizeScenario(component({ statuses: [{ hang: 'yes' }] }))).toThrow(`${db}.statuses[0].hang must be true`);
    expect(() => normalizeScenario(component({ abort: { hang: 1 } }))).toThrow(`${db}.abort.hang must be a boolean`);
    expect(() => normalizeScenario(component({ preRestore: 'hung' }))).toThrow(`${db}.preRestore: unknown HRESULT symbol "hung"`);
    expect(() => normalizeScenario(component({ statuses: [{ status: 0, delayMs: 2 ** 31 }] }))).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => normalizeScenario(app({ restoreSupport: 'no' }))).toThrow(`${at}.restoreSupport must be a boolean`);
    expect(() => normalizeScenario(app({ orderComponents: ['a', 1] }))).toThrow(`${at}.orderComponents[1] must be a component name`);
    expect(() => normalizeScenario(app({ orderComponents: { returns: [{ name: 'a' }] } }))).toThrow(
      `${at}.orderComponents.returns[0].logicalPath must be a string`,
    );
  });

  test('the new shapes normalise as documented', () => {
    const { applications } = normalizeScenario(
      app({
        activation: 'hang',
        rollForwardSupported: 'hang',
        orderComponents: { returns: [{ name: 'x', logicalPath: 'p' }] },
        components: {
          db: {
            check: { fail: 'E_FAIL', operation: true },
            preRestore: 'hang',
            postRestore: 'E_FAIL',
            statuses: [{ status: 0, delayMs: 1.5 }],
          },
        },
      }),
    );
    const [a] = applications;
    expect(a.activation).toEqual({ hang: true, hresult: 0 });
    expect(a.rollForward).toEqual({ kind: 'hang', hresult: 0, supported: false });
    expect(a.orderComponents).toEqual({ kind: 'returns', hresult: 0, order: [], returns: [{ name: 'x', logicalPath: 'p' }] });
    expect(a.components.db).toMatchObject({
      check: 'fail',
      checkHresult: 0x80004005,
      checkOperation: true,
      preRestore: { hang: true, hresult: 0 },
      postRestore: { hang: false, hresult: 0x80004005 },
      statuses: [{ kind: 'status', hresult: 0, delayMs: 2 }],
    });
  });
});

describe('scenario files', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'wsbapp-scenario-')), 'typo.json');

  test.each([
    [component({ statuss: ['S_OK'] }), db, "unknown key 'statuss' (did you mean 'statuses'?)"],
    [component({ statuses: [{ status: 'E_NOPE' }] }), `${db}.statuses[0].status`, 'unknown HRESULT symbol "E_NOPE"'],
    [app({ writerId: 'nope' }), `${at}.writerId`, 'must be a GUID such as {1EFF3510-4A27-46AD-B9E0-08332F0F4F6D}, got "nope"'],
    [
      app({ writerId: '{1EFF3510-4A27-46AD-B9E0-08332F0F4F6D' }),
      `${at}.writerId`,
      'must be a GUID such as {1EFF3510-4A27-46AD-B9E0-08332F0F4F6D}, got "{1EFF3510-4A27-46AD-B9E0-08332F0F4F6D"',
    ],
    [component({ abort: { delayMs: -1 } }), `${db}.abort.delayMs`, 'must be a number of milliseconds in [0, 2147483647], got -1'],
  ])('an error names the file, the JSON path and the problem, with code ERR_WSB_SCENARIO', (scenario, path, problem) => {
    writeFileSync(file, JSON.stringify(scenario));
    expect(() => loadScenarioFile(file)).toThrow(ScenarioError);
    expect(() => loadScenarioFile(file)).toThrow(
      expect.objectContaining({ code: 'ERR_WSB_SCENARIO', file, path, problem, message: `${file}: ${path}: ${problem}` }),
    );
  });

  test('a missing file says it cannot be read', () => {
    expect(() => loadScenarioFile(`${file}.absent`)).toThrow(
      expect.objectContaining({ code: 'ERR_WSB_SCENARIO', message: expect.stringContaining('cannot read it: ENOENT') }),
    );
  });
});
