/**
 * The pure TypeScript mock backend: scripted add-ins for tests and demos on any OS.
 *
 * It behaves like a COM add-in as seen through the Backend contract (same failures, same
 * ownership rules) and records every call it receives, so users' tests can assert on them.
 * Delays are entries of the shared poll scheduler (lib/scheduler.ts), the timers the poller's
 * waits use, so it runs under jest fake timers.
 */
import { AddinProtocolError, errorForCall, statusNotWrittenError, type WsbCall } from '../errors';
import { HRESULT } from '../hresult';
import { scheduler } from '../scheduler';
import { createVssMock, type VssMock } from '../vss/mock';
import {
  componentScript,
  normalizeScenario,
  type NormalizedAnswer,
  type NormalizedApplication,
  type NormalizedComponent,
  type NormalizedScenario,
  type NormalizedStep,
  type Scenario,
} from './scenario';
import type {
  Backend,
  BackendAddin,
  BackendOperation,
  CheckArguments,
  ComponentRef,
  RegisteredApplication,
  RestoreArguments,
  StatusReply,
} from './types';

/** One call the mock received. `Release` entries name what was released. */
export interface MockCall {
  readonly method: WsbCall | 'Release';
  /** The application's writer id (absent for ListApplications). */
  readonly writerId?: string;
  /** The component the call concerns, when there is one. */
  readonly component?: string | null;
  /** For Release: which object. */
  readonly target?: 'addin' | 'operation';
  /** The arguments, as received. */
  readonly args?: unknown;
}

/** The mock backend: a Backend plus the record of calls and live objects. */
export interface MockBackend extends Backend {
  readonly name: 'mock';
  /** Every call received, in order. */
  readonly calls: readonly MockCall[];
  /** The calls of one method. */
  callsTo(method: MockCall['method']): MockCall[];
  /** Add-ins and operations handed out and not yet released (0 when the caller cleaned up). */
  liveObjects(): number;
  /** The normalised scenario it runs. */
  readonly scenario: NormalizedScenario;
  /** The scenario's VSS writers and calls (lib/vss/mock.ts), when it has a `vss` section. */
  readonly vss: VssMock | undefined;
}

const never = new Promise<never>(() => {});

function after<T>(delayMs: number, value: () => T): Promise<T> {
  if (delayMs <= 0) return Promise.resolve().then(value);
  return new Promise<T>((resolve, reject) => {
    scheduler().schedule(delayMs, () => {
      try {
        resolve(value());
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** State the add-in and its operations share: a crash takes the whole process down. */
class MockProcess {
  crashed = false;
}

class MockOperation implements BackendOperation {
  private cursor = 0;
  private aborted = false;
  private released = false;

  constructor(
    private readonly backend: MockBackendImpl,
    private readonly app: NormalizedApplication,
    private readonly component: string | null,
    private readonly script: NormalizedComponent,
    private readonly process: MockProcess,
  ) {}

  queryStatus(): Promise<StatusReply> {
    this.backend.record('QueryStatus', this.app, this.component);
    this.assertLive('QueryStatus');
    if (this.process.crashed) return Promise.reject(errorForCall('QueryStatus', HRESULT.RPC_S_SERVER_UNAVAILABLE));
    if (this.aborted) return Promise.resolve({ status: this.script.abort.statusAfter });
    return this.play(this.nextStep());
  }

  abort(): Promise<number> {
    this.backend.record('Abort', this.app, this.component);
    this.assertLive('Abort');
    if (this.process.crashed) return Promise.reject(errorForCall('Abort', HRESULT.RPC_S_SERVER_UNAVAILABLE));
    const { hang, delayMs, returns } = this.script.abort;
    if (hang) return never;
    this.aborted = true;
    return after(delayMs, () => returns);
  }

  release(): Promise<void> {
    this.assertLive('Release');
    this.released = true;
    this.backend.recordRelease('operation', this.app, this.component);
    return Promise.resolve();
  }

  private nextStep(): NormalizedStep {
    const steps = this.script.statuses;
    const step = steps[Math.min(this.cursor, steps.length - 1)];
    this.cursor += 1;
    return step;
  }

  private play(step: NormalizedStep): Promise<StatusReply> {
    switch (step.kind) {
      case 'hang':
        return never;
      case 'crash':
        if (step.afterMs > 0) {
          scheduler().schedule(step.afterMs, () => (this.process.crashed = true));
          return Promise.resolve({ status: HRESULT.WSBAPP_ASYNC_IN_PROGRESS });
        }
        this.process.crashed = true;
        return Promise.reject(errorForCall('QueryStatus', HRESULT.RPC_S_CALL_FAILED));
      case 'callFails':
        return after(step.delayMs, () => {
          throw errorForCall('QueryStatus', step.hresult);
        });
      case 'unwritten':
        return after(step.delayMs, () => {
          throw statusNotWrittenError();
        });
      case 'status':
        return after(step.delayMs, () => ({ status: step.hresult }));
    }
  }

  private assertLive(method: string): void {
    // A call on a released pointer is a use-after-free in COM; in the mock it is a loud bug.
    if (this.released) throw new Error(`mock: ${method} on an operation that was already released`);
  }
}

class MockAddin implements BackendAddin {
  private released = false;
  private readonly process = new MockProcess();

  constructor(
    private readonly backend: MockBackendImpl,
    private readonly app: NormalizedApplication,
  ) {}

  checkConsistency(args: CheckArguments): Promise<BackendOperation | null> {
    this.backend.record('CheckConsistency', this.app, args.component, args);
    const failure = this.callFailure('CheckConsistency');
    if (failure) return failure;
    const script = componentScript(this.app, args.component);
    if (script.check === 'fail') {
      // An async object written with the failure: the client's call layer releases it at once.
      if (script.checkOperation) this.backend.handOutAndRelease(this.app, args.component);
      return Promise.reject(errorForCall('CheckConsistency', script.checkHresult));
    }
    if (script.check === 'no-async') return Promise.resolve(null);
    if (script.check === 'hang') return never;
    this.backend.live += 1;
    return Promise.resolve(new MockOperation(this.backend, this.app, args.component, script, this.process));
  }

  preRestore(args: RestoreArguments): Promise<void> {
    return this.restoreStep('PreRestore', args, (s) => s.preRestore);
  }

  postRestore(args: RestoreArguments): Promise<void> {
    return this.restoreStep('PostRestore', args, (s) => s.postRestore);
  }

  orderComponents(components: readonly ComponentRef[]): Promise<ComponentRef[] | null> {
    this.backend.record('OrderComponents', this.app, undefined, components);
    const failure = this.callFailure('OrderComponents') ?? this.restoreFailure('OrderComponents');
    if (failure) return failure;
    const { kind, hresult, order, returns } = this.app.orderComponents;
    switch (kind) {
      case 'hang':
        return never;
      case 'fail':
        return Promise.reject(errorForCall('OrderComponents', hresult));
      case 'any':
        return Promise.resolve(null);
      case 'returns':
        // The interface sizes the output by the input count: a longer list is cut, and a shorter
        // one leaves NULL entries, which the native call layer reports as a broken add-in.
        if (returns.length < components.length) {
          return Promise.reject(
            new AddinProtocolError(
              "the add-in broke the API's rules: OrderComponents returned a NULL or malformed component name or logical path",
              {
                hresult: HRESULT.S_OK,
                call: 'OrderComponents',
              },
            ),
          );
        }
        return Promise.resolve(returns.slice(0, components.length).map((c) => ({ ...c })));
      case 'order': {
        // Listed names first, in list order; the rest as given (a stable sort).
        const rank = (c: ComponentRef): number => {
          const at = order.indexOf(c.name);
          return at < 0 ? order.length : at;
        };
        return Promise.resolve([...components].sort((a, b) => rank(a) - rank(b)));
      }
    }
  }

  isRollForwardSupported(): Promise<boolean> {
    this.backend.record('IsRollForwardSupported', this.app);
    const failure = this.callFailure('IsRollForwardSupported') ?? this.restoreFailure('IsRollForwardSupported');
    if (failure) return failure;
    const { kind, hresult, supported } = this.app.rollForward;
    if (kind === 'hang') return never;
    return kind === 'fail' ? Promise.reject(errorForCall('IsRollForwardSupported', hresult)) : Promise.resolve(supported);
  }

  release(): Promise<void> {
    if (this.released) throw new Error('mock: Release on an add-in that was already released');
    this.released = true;
    this.backend.recordRelease('addin', this.app);
    return Promise.resolve();
  }

  private restoreStep(
    call: 'PreRestore' | 'PostRestore',
    args: RestoreArguments,
    pick: (s: NormalizedComponent) => NormalizedAnswer,
  ): Promise<void> {
    this.backend.record(call, this.app, args.component, args);
    const failure = this.callFailure(call) ?? this.restoreFailure(call);
    if (failure) return failure;
    const { hang, hresult } = pick(componentScript(this.app, args.component));
    if (hang) return never;
    return hresult >= 0x80000000 ? Promise.reject(errorForCall(call, hresult)) : Promise.resolve();
  }

  private callFailure(call: WsbCall): Promise<never> | undefined {
    if (this.released) throw new Error(`mock: ${call} on an add-in that was already released`);
    return this.process.crashed ? Promise.reject(errorForCall(call, HRESULT.RPC_S_SERVER_UNAVAILABLE)) : undefined;
  }

  /** QueryInterface for IWsbApplicationRestoreSupport fails when the scenario says so. */
  private restoreFailure(call: WsbCall): Promise<never> | undefined {
    return this.app.restoreSupport ? undefined : Promise.reject(errorForCall(call, HRESULT.E_NOINTERFACE));
  }
}

class MockBackendImpl implements MockBackend {
  readonly name = 'mock' as const;
  readonly calls: MockCall[] = [];
  live = 0;
  readonly vss: VssMock | undefined;

  constructor(readonly scenario: NormalizedScenario) {
    this.vss = scenario.vss === undefined ? undefined : createVssMock(scenario.vss);
  }

  listApplications(): Promise<RegisteredApplication[]> {
    this.calls.push({ method: 'ListApplications' });
    return Promise.resolve(this.scenario.applications.map(({ writerId, identifier, clsid }) => ({ writerId, identifier, clsid })));
  }

  activate(application: RegisteredApplication): Promise<BackendAddin> {
    const app =
      this.scenario.applications.find((a) => a.writerId === application.writerId) ??
      this.scenario.applications.find((a) => a.clsid !== null && a.clsid === application.clsid);
    this.calls.push({ method: 'Activate', writerId: application.writerId });
    if (!app || app.clsid === null)
      return Promise.reject(errorForCall('Activate', HRESULT.REGDB_E_CLASSNOTREG, { context: application.identifier }));
    if (app.activation.hang) return never;
    if (app.activation.hresult !== HRESULT.S_OK)
      return Promise.reject(errorForCall('Activate', app.activation.hresult, { context: application.identifier }));
    this.live += 1;
    return Promise.resolve(new MockAddin(this, app));
  }

  callsTo(method: MockCall['method']): MockCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  liveObjects(): number {
    return this.live;
  }

  record(method: WsbCall, app: NormalizedApplication, component?: string | null, args?: unknown): void {
    this.calls.push({ method, writerId: app.writerId, component, args });
  }

  /** An object handed out and released again before the caller sees it (a failed call's output). */
  handOutAndRelease(app: NormalizedApplication, component: string | null): void {
    this.live += 1;
    this.recordRelease('operation', app, component);
  }

  recordRelease(target: 'addin' | 'operation', app: NormalizedApplication, component?: string | null): void {
    this.live -= 1;
    this.calls.push({ method: 'Release', target, writerId: app.writerId, component });
  }
}

/**
 * A mock backend running `scenario` (written loosely or already normalised).
 * @example
 * const backend = createMockBackend({ applications: [{ writerId: '{...}', identifier: 'Contoso',
 *   components: { db: { statuses: ['WSBAPP_ASYNC_IN_PROGRESS', 'S_OK'] } } }] });
 */
export function createMockBackend(scenario: Scenario | NormalizedScenario): MockBackend {
  return new MockBackendImpl(normalizeScenario(scenario));
}
