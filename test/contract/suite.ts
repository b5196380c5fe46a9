/**
 * The Backend contract suite. Every backend runs it: the TypeScript mock here, the native mock
 * add-in through the addon, and the sample out-of-process add-in under Wine. It drives the
 * public API with real timers and short delays, and checks results, typed errors, Abort and
 * exactly-once release through a counting decorator.
 */
import {
  AbortedError,
  AccessDeniedError,
  AddinDisconnectedError,
  AddinProtocolError,
  CheckFailedError,
  HRESULT,
  InterfaceNotAvailableError,
  NotRegisteredError,
  RestoreFailedError,
  TimeoutError,
  checkConsistency,
  isRollForwardSupported,
  listApplications,
  openRestoreSession,
  orderComponents,
  postRestore,
  preRestore,
  startConsistencyCheck,
  type StatusEvent,
} from '../../lib';
import { normalizeScenario, type NormalizedScenario, type Scenario } from '../../lib/backends/scenario';
import type { Backend } from '../../lib/backends/types';
import { countingBackend, newTally, unreleased, type Tally } from './counting';

export type BackendFactory = (scenario: NormalizedScenario) => Backend | Promise<Backend>;

export const CONTOSO = '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}';
// Writer ids ascend in the order the applications are listed below: the registry enumerates
// subkeys sorted by name, so a real backend lists them in this order too.
export const NO_ADDIN = '{B0C1D2E3-4F50-4617-8293-A4B5C6D7E8F9}';
const running = { status: 'WSBAPP_ASYNC_IN_PROGRESS', delayMs: 2 };

/** The scenario the suite runs. Backends that need registration (Wine) register these apps. */
export const contractScenario: Scenario = {
  applications: [
    {
      writerId: CONTOSO,
      identifier: 'Contoso',
      rollForwardSupported: true,
      orderComponents: ['logs', 'db'],
      components: {
        db: { statuses: [running, running, 'S_OK'] },
        metadataVariant: { statuses: [running, '0x007A0004', 'S_OK'] },
        fails: {
          statuses: [running, 'WSBAPP_E_COMPONENT_CONSISTENCY_CHECK_FAILED'],
          postRestore: 'WSBAPP_E_COMPONENT_POST_RESTORE_FAILED',
        },
        refuses: { check: { fail: 'WSBAPP_E_COMPONENT_CONSISTENCY_CHECK_FAILED' }, preRestore: 'WSBAPP_E_COMPONENT_PRE_RESTORE_FAILED' },
        noCheck: { check: 'no-async' },
        checkHangs: { check: 'hang' },
        undocumented: { statuses: [running, 'S_FALSE'] },
        disconnects: { statuses: [running, running, { callFails: 'RPC_E_DISCONNECTED' }] },
        crashes: { statuses: [running, { crash: true }] },
        unwritten: { statuses: [{ unwritten: true }] },
        forever: { statuses: [{ status: 'WSBAPP_ASYNC_IN_PROGRESS', delayMs: 2 }] },
        hangs: { statuses: [running, { hang: true }] },
        abortHangs: { statuses: [running], abort: { hang: true } },
        abortRefused: { statuses: [running], abort: { returns: 'E_FAIL' } },
        restoreHangs: { preRestore: 'hang', postRestore: 'hang' },
      },
    },
    { writerId: NO_ADDIN, identifier: 'No add-in', clsid: null },
    { writerId: '{C1D2E3F4-0516-4728-9A3B-4C5D6E7F8091}', identifier: 'Access denied', activation: 'E_ACCESSDENIED' },
    { writerId: '{D1E2F3A4-0516-4728-9A3B-4C5D6E7F8092}', identifier: 'Backup only', restoreSupport: false },
    { writerId: '{E1F2A3B4-0516-4728-9A3B-4C5D6E7F8093}', identifier: 'Order hangs', orderComponents: 'hang' },
  ],
};

/** What differs between backends, by the nature of COM rather than by choice. */
export interface ContractOptions {
  /** The add-in runs in another process: an unwritten [out] status arrives zero-filled (S_OK). */
  readonly outOfProcess?: boolean;
  /**
   * Multiplies every deadline the suite sets (`timeout`, `abortTimeout`; default 1). A deadline
   * includes activation, which is immediate in process and costs about a second out of process
   * (Wine waits ~1 s after starting a LocalServer32), so a 60 ms deadline would expire before the
   * first poll. Polling intervals and every assertion stay as they are.
   */
  readonly timeScale?: number;
  /**
   * Activate one add-in at a time (checks still overlap). For single-use servers under Wine 8,
   * whose rpcss can hand the server one client launched to another and then fail the launcher
   * with E_NOINTERFACE (docs/real-com.md, "Findings"): a defect of Wine, not of the library.
   */
  readonly serialActivations?: boolean;
}

/** `inner` with each activation started once the one before it has settled. */
function oneActivationAtATime(inner: Backend): Backend {
  let previous: Promise<unknown> = Promise.resolve();
  return {
    ...inner,
    activate(application, givenUp) {
      const next = previous.then(() => inner.activate(application, givenUp));
      previous = next.catch(() => undefined);
      return next;
    },
  };
}

/** Run the contract suite against the backends `makeBackend` builds. */
export function describeBackendContract(name: string, makeBackend: BackendFactory, options: ContractOptions = {}): void {
  const deadline = (ms: number) => ms * (options.timeScale ?? 1);
  const fast = { interval: 5, maxInterval: 20, abortTimeout: deadline(200) };

  describe(`Backend contract: ${name}`, () => {
    let tally: Tally;
    let backend: Backend;

    beforeEach(async () => {
      tally = newTally();
      const counted = countingBackend(await makeBackend(normalizeScenario(contractScenario)), tally);
      backend = options.serialActivations ? oneActivationAtATime(counted) : counted;
    });

    afterEach(() => {
      // Every path hands every object back, exactly once.
      expect(unreleased(tally)).toBe(0);
      expect(tally.maxInFlight).toBeLessThanOrEqual(1);
    });

    const check = (component: string, options: object = {}) =>
      checkConsistency({ application: 'Contoso', component }, { backend, ...fast, ...options });

    test('lists the registered applications, with and without an add-in', async () => {
      const apps = await listApplications({ backend });
      expect(apps.map((a) => a.identifier)).toEqual(['Contoso', 'No add-in', 'Access denied', 'Backup only', 'Order hangs']);
      expect(apps[0].writerId).toBe(CONTOSO);
      expect(apps[0].clsid).toMatch(/^\{[0-9A-F-]{36}\}$/);
      expect(apps[1].clsid).toBeNull();
    });

    test('running, running, consistent', async () => {
      const events: StatusEvent[] = [];
      const result = await check('db', { onStatus: (e: StatusEvent) => events.push(e) });
      expect(result).toMatchObject({ outcome: 'consistent', hresult: HRESULT.S_OK, polls: 3, undocumented: false, component: 'db' });
      expect(events.map((e) => e.state)).toEqual(['running', 'running', 'succeeded']);
      expect(events[0].hresult).toBe(0x407a0004);
      expect(tally).toMatchObject({ activations: 1, operations: 1, addinReleases: 1, operationReleases: 1, aborts: 0 });
    });

    test('finds the application by writer id too, and passes the arguments through', async () => {
      const volumes = [
        {
          source: '\\\\?\\Volume{6F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9}\\',
          snapshot: '\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy7\\',
        },
      ];
      const writerMetadata = '<WRITER_METADATA>ünïcødé ✓</WRITER_METADATA>';
      await checkConsistency(
        { application: CONTOSO, component: 'db', logicalPath: 'Mail\\Store', writerMetadata, volumes },
        { backend, ...fast },
      );
      expect(tally.checks).toEqual([{ component: 'db', logicalPath: 'Mail\\Store', writerMetadata, volumes }]);
    });

    test('an add-in named by CLSID alone is activated without the WSB registry lookup', async () => {
      const [contoso] = await listApplications({ backend });
      const result = await checkConsistency(
        { application: { clsid: contoso.clsid!, identifier: 'by CLSID' }, component: 'db' },
        { backend, ...fast },
      );
      expect(result).toMatchObject({ outcome: 'consistent', application: { identifier: 'by CLSID', clsid: contoso.clsid } });
    });

    test('0x007A0004 counts as in progress, like 0x407A0004', async () => {
      const states: string[] = [];
      const result = await check('metadataVariant', { onStatus: (e: StatusEvent) => states.push(`${e.state}:${e.hex}`) });
      expect(states).toEqual(['running:0x407A0004', 'running:0x007A0004', 'succeeded:0x00000000']);
      expect(result.polls).toBe(3);
    });

    test('a failure status rejects with CheckFailedError keeping the raw HRESULT', async () => {
      const error = await check('fails').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CheckFailedError);
      expect(error).toMatchObject({
        code: 'ERR_WSB_CHECK_FAILED',
        hresult: 0x807a0001,
        hex: '0x807A0001',
        symbol: 'WSBAPP_E_COMPONENT_CONSISTENCY_CHECK_FAILED',
        polls: 2,
        call: 'QueryStatus',
      });
      expect(tally.operationReleases).toBe(1);
    });

    test('CheckConsistency refusing at once is a failed check, with nothing to release but the add-in', async () => {
      await expect(check('refuses')).rejects.toMatchObject({
        code: 'ERR_WSB_CHECK_FAILED',
        hresult: 0x807a0001,
        call: 'CheckConsistency',
        polls: 0,
      });
      expect(tally).toMatchObject({ operations: 0, addinReleases: 1 });
    });

    test('S_OK with no async object is "no check required"', async () => {
      await expect(check('noCheck')).resolves.toMatchObject({ outcome: 'no-check-required', polls: 0, hresult: 0 });
      expect(tally).toMatchObject({ operations: 0, queryStatusCalls: 0, addinReleases: 1 });
    });

    test('an undocumented success code completes, kept and flagged', async () => {
      await expect(check('undocumented')).resolves.toMatchObject({
        outcome: 'undocumented-success',
        hresult: 1,
        undocumented: true,
        symbol: 'S_FALSE',
      });
    });

    test('an add-in that disconnects after N polls gives AddinDisconnectedError', async () => {
      const error = await check('disconnects').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AddinDisconnectedError);
      expect(error).toMatchObject({ code: 'ERR_WSB_ADDIN_DISCONNECTED', hresult: HRESULT.RPC_E_DISCONNECTED, call: 'QueryStatus' });
      expect(tally.queryStatusCalls).toBe(3);
    });

    test('an add-in process that dies during a call gives AddinDisconnectedError', async () => {
      await expect(check('crashes')).rejects.toBeInstanceOf(AddinDisconnectedError);
    });

    if (options.outOfProcess) {
      test('an unwritten status arrives zero-filled across processes (S_OK): the known limit of the sentinel', async () => {
        await expect(check('unwritten')).resolves.toMatchObject({ outcome: 'consistent' });
      });
    } else {
      test('an add-in that returns S_OK without writing the status is reported, not taken for success', async () => {
        const error = await check('unwritten').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AddinProtocolError);
        expect(error).toMatchObject({ code: 'ERR_WSB_ADDIN_PROTOCOL', call: 'QueryStatus' });
      });
    }

    test('a timeout calls Abort once, releases once, and says how far it got', async () => {
      const error = await check('forever', { timeout: deadline(60) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      const timeout = error as TimeoutError;
      expect(timeout).toMatchObject({ code: 'ERR_WSB_TIMEOUT', abortDelivered: true, abortHresult: 0, lastStatus: 0x407a0004 });
      expect(timeout.polls).toBeGreaterThan(0);
      expect(tally).toMatchObject({ aborts: 1, operationReleases: 1, addinReleases: 1 });
    });

    test('a QueryStatus that never answers still times out, aborts and releases', async () => {
      await expect(check('hangs', { timeout: deadline(80) })).rejects.toMatchObject({ code: 'ERR_WSB_TIMEOUT', polls: 1 });
      expect(tally).toMatchObject({ aborts: 1, operationReleases: 1 });
    });

    test('a CheckConsistency that never answers: the deadline releases the add-in (cancelling the call)', async () => {
      await expect(check('checkHangs', { timeout: deadline(80) })).rejects.toMatchObject({ code: 'ERR_WSB_TIMEOUT', polls: 0 });
      expect(tally).toMatchObject({ activations: 1, addinReleases: 1, operations: 0 });
    });

    test('an AbortSignal calls Abort, reports its answer, and releases', async () => {
      const controller = new AbortController();
      const aborting = check('forever', { signal: controller.signal, onStatus: (e: StatusEvent) => e.polls === 2 && controller.abort() });
      const error = await aborting.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AbortedError);
      expect(error).toMatchObject({ code: 'ERR_WSB_ABORTED', abortDelivered: true, abortHresult: 0, polls: 2 });
      expect(tally).toMatchObject({ aborts: 1, operationReleases: 1 });
    });

    test('Abort refused by the add-in is reported with its HRESULT', async () => {
      const controller = new AbortController();
      const error = await check('abortRefused', { signal: controller.signal, onStatus: () => controller.abort() }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ERR_WSB_ABORTED', abortDelivered: true, abortHresult: HRESULT.E_FAIL });
    });

    test('an Abort that never answers is bounded by abortTimeout', async () => {
      const controller = new AbortController();
      const error = await check('abortHangs', {
        signal: controller.signal,
        onStatus: () => controller.abort(),
        abortTimeout: deadline(30),
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ERR_WSB_ABORTED', abortDelivered: false, abortHresult: undefined });
      expect(tally.operationReleases).toBe(1);
    });

    test('an already-aborted signal stops before anything is activated', async () => {
      await expect(check('db', { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ERR_WSB_ABORTED', abortDelivered: false });
      expect(tally.activations).toBe(0);
    });

    test('a throwing onStatus aborts the running check, releases, and rethrows', async () => {
      const boom = new Error('listener failed');
      await expect(
        check('db', {
          onStatus: () => {
            throw boom;
          },
        }),
      ).rejects.toBe(boom);
      expect(tally).toMatchObject({ aborts: 1, operationReleases: 1, addinReleases: 1 });
    });

    test('unknown applications, applications without add-in, and refused activation are typed', async () => {
      await expect(checkConsistency({ application: 'Nope' }, { backend })).rejects.toBeInstanceOf(NotRegisteredError);
      await expect(checkConsistency({ application: NO_ADDIN }, { backend })).rejects.toMatchObject({ code: 'ERR_WSB_NOT_REGISTERED' });
      await expect(checkConsistency({ application: 'Access denied' }, { backend })).rejects.toBeInstanceOf(AccessDeniedError);
      expect(tally.activations).toBe(0);
    });

    test('many concurrent checks all reach their verdict', async () => {
      const results = await Promise.all(Array.from({ length: 20 }, () => check('db')));
      expect(results.every((r) => r.outcome === 'consistent' && r.polls === 3)).toBe(true);
      expect(tally).toMatchObject({ activations: 20, addinReleases: 20, operationReleases: 20 });
    });

    describe('the ConsistencyCheck handle', () => {
      test('status(), iteration to the verdict, and release once', async () => {
        const handle = await startConsistencyCheck({ application: 'Contoso', component: 'db' }, { backend });
        const first = await handle.status();
        expect(first).toMatchObject({ state: 'running', polls: 1 });
        const seen: string[] = [];
        for await (const event of handle.statuses({ interval: 5 })) seen.push(event.state);
        expect(seen).toEqual(['running', 'succeeded']);
        handle.release();
        handle.release();
        await expect(handle.status()).rejects.toThrow(/after release/);
        expect(tally).toMatchObject({ addinReleases: 1, operationReleases: 1 });
      });

      test('concurrent status() calls share one QueryStatus', async () => {
        await using handle = await startConsistencyCheck({ application: 'Contoso', component: 'db' }, { backend });
        const [a, b] = await Promise.all([handle.status(), handle.status()]);
        expect(a).toBe(b);
        expect(tally.queryStatusCalls).toBe(1);
      });

      test('abort() reports delivery, and wait() gives the verdict', async () => {
        await using aborted = await startConsistencyCheck({ application: 'Contoso', component: 'forever' }, { backend });
        await expect(aborted.abort()).resolves.toEqual({ delivered: true, hresult: 0 });
        await using done = await startConsistencyCheck({ application: 'Contoso', component: 'db' }, { backend });
        await expect(done.wait(fast)).resolves.toMatchObject({ outcome: 'consistent' });
      });

      test('one poll counter: status(), statuses() and wait() count every QueryStatus of the check', async () => {
        await using handle = await startConsistencyCheck({ application: 'Contoso', component: 'db' }, { backend });
        await expect(handle.status()).resolves.toMatchObject({ state: 'running', polls: 1 });
        for await (const event of handle.statuses(fast)) {
          expect(event).toMatchObject({ state: 'running', polls: 2 });
          break;
        }
        const verdict = await handle.wait(fast);
        expect(verdict).toMatchObject({ outcome: 'consistent', polls: 3 });
        expect(handle.lastStatus).toMatchObject({ state: 'succeeded', polls: 3 });
        expect(tally.queryStatusCalls).toBe(3);
      });

      test('statuses() with a signal: aborted mid-wait, it calls Abort at once and rejects with the AbortError', async () => {
        await using handle = await startConsistencyCheck({ application: 'Contoso', component: 'forever' }, { backend });
        const controller = new AbortController();
        const seen: number[] = [];
        // An interval far past the test's own timeout: only waking on the abort can end it in time.
        const iterating = (async () => {
          for await (const event of handle.statuses({ interval: 600_000, signal: controller.signal, abortTimeout: deadline(200) })) {
            seen.push(event.polls);
            controller.abort(new Error('backup cancelled'));
          }
        })();
        const error = await iterating.catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AbortedError);
        expect(error).toMatchObject({
          name: 'AbortError',
          code: 'ERR_WSB_ABORTED',
          abortDelivered: true,
          polls: 1,
          cause: new Error('backup cancelled'),
        });
        expect(seen).toEqual([1]);
        expect(tally).toMatchObject({ aborts: 1, queryStatusCalls: 1 });
      });

      test('a check that needs no polling says so', async () => {
        await using handle = await startConsistencyCheck({ application: 'Contoso', component: 'noCheck' }, { backend });
        expect(handle.requiresPolling).toBe(false);
        await expect(handle.status()).resolves.toMatchObject({ state: 'succeeded', polls: 0 });
        await expect(handle.abort()).resolves.toEqual({ delivered: false, hresult: undefined });
      });
    });

    describe('restore', () => {
      const components = [
        { name: 'db', logicalPath: 'Mail' },
        { name: 'logs', logicalPath: 'Mail' },
      ];

      test('OrderComponents reorders, and IsRollForwardSupported answers', async () => {
        await expect(orderComponents('Contoso', components, { backend })).resolves.toEqual([components[1], components[0]]);
        await expect(isRollForwardSupported('Contoso', { backend })).resolves.toBe(true);
        expect(tally).toMatchObject({ activations: 2, addinReleases: 2 });
      });

      test('PreRestore and PostRestore succeed or fail typed', async () => {
        await expect(preRestore('Contoso', { component: 'db', noRollForward: true }, { backend })).resolves.toBeUndefined();
        await expect(preRestore('Contoso', { component: 'refuses' }, { backend })).rejects.toMatchObject({
          code: 'ERR_WSB_RESTORE_FAILED',
          hresult: 0x807a0002,
        });
        const error = await postRestore('Contoso', { component: 'fails' }, { backend }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(RestoreFailedError);
        expect(error).toMatchObject({ hresult: 0x807a0003, call: 'PostRestore' });
      });

      test('one session serves a whole restore, released once', async () => {
        const session = await openRestoreSession('Contoso', { backend });
        await session.orderComponents(components);
        await session.preRestore({ component: 'db' });
        await session.postRestore({ component: 'db' });
        session.release();
        session.release();
        await expect(session.isRollForwardSupported()).rejects.toThrow(/after release/);
        expect(tally).toMatchObject({ activations: 1, addinReleases: 1 });
      });

      test('an add-in without the restore interface gives InterfaceNotAvailableError', async () => {
        await expect(isRollForwardSupported('Backup only', { backend })).rejects.toBeInstanceOf(InterfaceNotAvailableError);
      });
    });

    // A hung activation is tested in child processes (test/native/deadlines.test.ts, test/com/boundary.com.ts):
    // nothing can cancel it, so in the native mock it holds a call slot until the process ends.
    describe('deadlines and signals on every call', () => {
      const components = [{ name: 'db', logicalPath: 'Mail' }];
      const stopped = async (work: Promise<unknown>) => {
        const error = await work.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeDefined();
        return error as Error & { code: string; call: string };
      };

      test('a hung PreRestore: TimeoutError naming the call, the application and the component; the add-in released', async () => {
        const error = await stopped(preRestore('Contoso', { component: 'restoreHangs' }, { backend, timeout: deadline(100) }));
        expect(error).toBeInstanceOf(TimeoutError);
        expect(error).toMatchObject({ code: 'ERR_WSB_TIMEOUT', call: 'PreRestore', timeoutMs: deadline(100) });
        expect(error.message).toMatch(/^PreRestore timed out .*application "Contoso", component "restoreHangs"/);
        expect(tally).toMatchObject({ activations: 1, addinReleases: 1 });
      });

      test('a hung OrderComponents: TimeoutError naming the call', async () => {
        const error = await stopped(orderComponents('Order hangs', components, { backend, timeout: deadline(100) }));
        expect(error).toBeInstanceOf(TimeoutError);
        expect(error).toMatchObject({ call: 'OrderComponents' });
        expect(error.message).toContain('application "Order hangs"');
        expect(tally).toMatchObject({ activations: 1, addinReleases: 1 });
      });

      test('a signal stops a hung PostRestore on a session with AbortedError, and releases the session', async () => {
        const session = await openRestoreSession('Contoso', { backend, timeout: deadline(1_000) });
        const controller = new AbortController();
        setTimeout(() => controller.abort(new Error('operator stop')), deadline(20));
        const error = await stopped(session.postRestore({ component: 'restoreHangs' }, { signal: controller.signal }));
        expect(error).toBeInstanceOf(AbortedError);
        expect(error).toMatchObject({ code: 'ERR_WSB_ABORTED', call: 'PostRestore', cause: controller.signal.reason });
        expect(session.released).toBe(true);
        await expect(session.close({ timeout: deadline(100) })).resolves.toMatchObject({ pending: expect.any(Number) });
        expect(tally).toMatchObject({ activations: 1, addinReleases: 1 });
      });

      test('a session method past its deadline releases the session; later calls reject with ReleasedError', async () => {
        await using session = await openRestoreSession('Contoso', { backend });
        await expect(session.preRestore({ component: 'restoreHangs' }, { timeout: deadline(50) })).rejects.toMatchObject({
          call: 'PreRestore',
        });
        await expect(session.isRollForwardSupported()).rejects.toMatchObject({ code: 'ERR_WSB_RELEASED' });
      });

      test('an already aborted signal stops listApplications before any backend call', async () => {
        const controller = new AbortController();
        controller.abort();
        await expect(listApplications({ backend, signal: controller.signal })).rejects.toMatchObject({
          code: 'ERR_WSB_ABORTED',
          call: 'ListApplications',
        });
      });

      test('close() waits for the Release to return and says so', async () => {
        const session = await openRestoreSession('Contoso', { backend });
        await expect(session.close()).resolves.toEqual({ settled: true, pending: 0 });
        await expect(session.close()).resolves.toEqual({ settled: true, pending: 0 });
        const check = await startConsistencyCheck({ application: 'Contoso', component: 'db' }, { backend });
        await expect(check.close()).resolves.toEqual({ settled: true, pending: 0 });
        expect(tally).toMatchObject({ activations: 2, addinReleases: 2, operationReleases: 1 });
      });
    });
  });
}
