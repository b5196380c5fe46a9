/**
 * vetAddin() against the TypeScript mock and the native mock: each scripted fault fails (or
 * warns) exactly its rule and nothing else; every object is released; every rule is reported.
 */
import {
  createMockBackend,
  createNativeMockBackend,
  normalizeScenario,
  RULES,
  vetAddin,
  type Backend,
  type BackendAddin,
  type ComponentRef,
  type VetReport,
} from '../../lib/index';
import { orderProblems } from '../../lib/vet/restore';
import { eventually } from '../native/helpers';
import { APP, COMPONENTS, CONFORMING, FAULTS, scenarioOf, type Fault } from './faults';

const BOUNDS = { timeout: 1500, callTimeout: 1000 };

const ids = (report: VetReport, verdict: string) =>
  report.rules
    .filter((r) => r.verdict === verdict)
    .map((r) => r.id)
    .sort();

function vet(backend: Backend, fault: Pick<Fault, 'restore'>): Promise<VetReport> {
  return vetAddin(APP, { backend, components: COMPONENTS, ...BOUNDS, restore: fault.restore ?? false });
}

describe.each([
  ['mock', (fault: Fault) => createMockBackend(fault.scenario)],
  ['native-mock', (fault: Fault) => createNativeMockBackend(normalizeScenario(fault.scenario))],
] as const)('vetAddin on the %s backend', (backendName, create) => {
  const faults = FAULTS.filter((f) => backendName === 'native-mock' || !f.nativeOnly);

  it.each(faults.map((f) => [f.name, f] as const))('%s: exactly the expected rules fail and warn', async (_name, fault) => {
    const backend = create(fault);
    const report = await vet(backend, fault);
    expect({ fails: ids(report, 'fail'), warns: ids(report, 'warn') }).toEqual({
      fails: [...fault.fails].sort(),
      warns: [...fault.warns].sort(),
    });
    expect(report.failed).toBe(fault.fails.length > 0);
    for (const rule of report.rules) {
      if (rule.verdict === 'fail' || rule.verdict === 'warn') expect(rule.fix).toEqual(expect.any(String));
      if (rule.verdict === 'skipped') expect(rule.reason).toEqual(expect.any(String));
    }
    if ('liveObjects' in backend) expect(backend.liveObjects()).toBe(0);
    if ('stats' in backend) expect(await eventually(() => backend.stats().liveObjects === 0, 5000)).toBe(true);
  });

  it('reports every rule once, in the table order, and says which components it used', async () => {
    const report = await vet(create({ name: 'ok', scenario: scenarioOf(CONFORMING), fails: [], warns: [] }), {});
    expect(report.rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
    expect(report).toMatchObject({ application: APP, backend: backendName, components: COMPONENTS, componentSource: 'option' });
    expect(report.counts.pass + report.counts.warn + report.counts.fail + report.counts.skipped).toBe(RULES.length);
  });
});

describe('vetAddin rules that need the native mock', () => {
  it('runs the QueryInterface probes on the native mock and skips them, with a reason, on the TypeScript mock', async () => {
    const scenario = scenarioOf(CONFORMING);
    const native = await vetAddin(APP, {
      backend: createNativeMockBackend(normalizeScenario(scenario)),
      components: COMPONENTS,
      ...BOUNDS,
    });
    const identity = native.rules.filter((r) => r.group === 'identity');
    expect(identity.map((r) => r.verdict)).toEqual(identity.map(() => 'pass'));
    const mock = await vetAddin(APP, { backend: createMockBackend(scenario), components: COMPONENTS, ...BOUNDS });
    expect(mock.rules.find((r) => r.id === 'identity.qi-rules')).toMatchObject({
      verdict: 'skipped',
      reason: expect.stringContaining('mock backend'),
    });
  });

  it('skips the restore rules without restore, and reports an add-in without restore support', async () => {
    const backend = createNativeMockBackend(normalizeScenario(scenarioOf(CONFORMING, { restoreSupport: false })));
    const report = await vetAddin(APP, { backend, components: COMPONENTS, ...BOUNDS, restore: true });
    expect(report.rules.find((r) => r.id === 'identity.restore-support')).toMatchObject({
      verdict: 'pass',
      summary: expect.stringContaining('does not implement'),
    });
    expect(report.rules.filter((r) => r.group === 'restore').map((r) => r.verdict)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
    expect(ids(report, 'fail')).toEqual([]);
  });

  it('calls PreRestore and PostRestore only on the safe component, and only with restore', async () => {
    const backend = createMockBackend(
      scenarioOf({ ...CONFORMING, preRestore: 'WSBAPP_E_COMPONENT_PRE_RESTORE_FAILED', postRestore: 'E_FAIL' }),
    );
    const without = await vetAddin(APP, { backend, components: COMPONENTS, ...BOUNDS });
    expect(backend.callsTo('PreRestore')).toEqual([]);
    expect(ids(without, 'fail')).toEqual([]);
    const report = await vetAddin(APP, { backend, components: COMPONENTS, ...BOUNDS, restore: true, safeComponent: 'logs' });
    expect(backend.callsTo('PreRestore').map((c) => c.component)).toEqual(['logs']);
    expect(report.rules.find((r) => r.id === 'restore.pre-restore')).toMatchObject({ verdict: 'pass' });
    expect(ids(report, 'fail')).toEqual(['restore.post-restore']);
  });

  it('fails only abort.status-aborted when Abort changes nothing', async () => {
    const backend = createMockBackend(scenarioOf({ ...CONFORMING, abort: { statusAfter: 'WSBAPP_ASYNC_IN_PROGRESS' } }));
    const report = await vetAddin(APP, { backend, components: COMPONENTS, ...BOUNDS });
    expect(ids(report, 'fail')).toEqual(['abort.status-aborted']);
  }, 20_000);

  it('takes the components from the writer metadata when none are given, and says so', async () => {
    const backend = createMockBackend(scenarioOf(CONFORMING));
    const writerMetadata = '<WRITER_METADATA><COMPONENT componentName="db" logicalPath="Data &amp; more"/></WRITER_METADATA>';
    const report = await vetAddin(APP, { backend, writerMetadata, ...BOUNDS });
    expect(report).toMatchObject({ components: [{ name: 'db', logicalPath: 'Data & more' }], componentSource: 'metadata' });
    const large = backend.callsTo('CheckConsistency').map((c) => (c.args as { writerMetadata: string | null }).writerMetadata?.length ?? 0);
    expect(Math.max(...large)).toBeGreaterThanOrEqual(1024 * 1024);
  });

  it('rejects bad options with errors that name them', async () => {
    const backend = createMockBackend(scenarioOf(CONFORMING));
    await expect(vetAddin(APP, { backend, timout: 5 } as never)).rejects.toThrow(/unknown option 'timout' \(did you mean 'timeout'\?\)/);
    await expect(vetAddin(APP, { backend, timeout: -1 })).rejects.toThrow(RangeError);
    await expect(vetAddin(APP, { backend, components: [] })).rejects.toThrow(/options.components/);
  });
});

describe('restore.order-components', () => {
  it('finds what makes an order not a permutation', () => {
    const [a, b] = COMPONENTS;
    expect(orderProblems(COMPONENTS, [b, a])).toEqual([]);
    expect(orderProblems(COMPONENTS, [a, a])).toEqual(['["db","Data"] appears more than once', '["logs","Data"] is missing']);
    expect(orderProblems(COMPONENTS, [a, b, { name: 'x', logicalPath: '' }])).toEqual(['["x",""] was not given']);
  });

  it('fails an add-in whose OrderComponents answer is not a permutation, and nothing else', async () => {
    const mock = createMockBackend(scenarioOf(CONFORMING));
    // An add-in that answers with the first component twice, whatever it is asked.
    const backend: Backend = {
      name: 'mock',
      listApplications: () => mock.listApplications(),
      activate: async (app) => {
        const addin = await mock.activate(app);
        return Object.assign(Object.create(addin) as BackendAddin, {
          orderComponents: async (given: readonly ComponentRef[]) => [given[0], given[0]],
        });
      },
    };
    const report = await vetAddin(APP, { backend, components: COMPONENTS, ...BOUNDS, restore: true });
    expect(ids(report, 'fail')).toEqual(['restore.order-components']);
    expect(mock.liveObjects()).toBe(0);
  });
});
