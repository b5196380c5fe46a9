/**
 * The native backends: the C++ addon making the COM calls on its own threads.
 *
 * - `native` (Windows): real COM. Applications come from the Windows Server Backup registry key;
 *   add-ins are activated with CoCreateInstance (out of process by default).
 * - `native-mock` (any OS): the same addon and call layer (threads, ownership, string checks,
 *   QueryStatus sentinel), with a native mock add-in in place of CoCreateInstance.
 *
 * This module adapts the addon to the Backend contract and turns failed calls into the typed
 * errors of `lib/errors.ts`, exactly as the TypeScript mock does.
 */
import { AddinProtocolError, errorForCall, statusNotWrittenError, UnsupportedPlatformError, type WsbCall } from '../errors';
import { HRESULT, isDisconnection } from '../hresult';
import {
  isCallFailure,
  loadBinding,
  type NativeAddin,
  type NativeBinding,
  type NativeMockStats,
  type NativeOperation,
  type NativeRuntime,
} from './load';
import type { NormalizedScenario } from './scenario';
import { CallHolds, LoopHold } from './loop-hold';
import { nativeVss } from './native-vss';
import type { VssRequester } from '../vss/types';
import { StatusBatcher } from './status-batcher';
import {
  QUERY_STATUS_TO,
  type AddinProbes,
  type Backend,
  type BackendAddin,
  type IdentityProbe,
  type RawCheckResult,
  type BackendOperation,
  type CheckArguments,
  type ComponentRef,
  type RegisteredApplication,
  type RestoreArguments,
  type StatusReply,
  type StatusTo,
  type StatusToOperation,
} from './types';

/** Options of {@link createNativeBackend}. */
export interface NativeBackendOptions {
  /**
   * Activate CLSIDs that no application registered under
   * `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\WindowsServerBackup\Application Support`
   * names. Off by default: activating an arbitrary COM class runs arbitrary code with the
   * caller's rights, and WSB itself only ever activates registered add-ins.
   */
  readonly allowUnregisteredClsid?: boolean;
  /** Also accept an in-process server (CLSCTX_INPROC_SERVER), e.g. to test an add-in DLL. */
  readonly inProcess?: boolean;
  /** A loaded binding to use instead of loading `wsbapp.node` (an injection seam for tests). */
  readonly binding?: NativeBinding;
}

/** Options of {@link createNativeMockBackend}. */
export interface NativeMockBackendOptions {
  /** A loaded binding to use instead of loading `wsbapp.node`. */
  readonly binding?: NativeBinding;
}

/** The `native-mock` backend: a Backend plus the native mock's reference counts and call log. */
export interface NativeMockBackend extends Backend {
  readonly name: 'native-mock';
  /** Live COM objects of the mock (with their reference counts) and every call it received. */
  stats(): NativeMockStats;
}

/** The typed error for a rejection of the addon; anything else (a bug) passes through. */
function typedError(call: WsbCall, error: unknown, context?: string): unknown {
  if (!isCallFailure(error)) return error;
  if (error.protocol) {
    if (call === 'QueryStatus') return statusNotWrittenError(context);
    return new AddinProtocolError(`the add-in broke the API's rules: ${error.detail}`, { hresult: error.hresult, call, context });
  }
  const detail = [context, error.detail].filter((part) => part).join(': ');
  const missing =
    error.interfaceName === undefined || error.interfaceId === undefined
      ? undefined
      : { name: error.interfaceName, iid: error.interfaceId };
  return errorForCall(call, error.hresult, { systemMessage: error.systemMessage, context: detail || undefined, missingInterface: missing });
}

async function mapped<T>(call: WsbCall, promise: Promise<T>, context?: string): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throw typedError(call, error, context);
  }
}

/**
 * What every handle of one backend shares: its batcher (every QueryStatus of a JS turn in one
 * native call) and its hold on the event loop. Every promise this module hands out holds the
 * loop while the native work behind it is pending (see loop-hold.ts), so an awaited call can
 * never be lost by the process exiting under it.
 */
interface Shared {
  readonly statuses: StatusBatcher;
  readonly loop: LoopHold;
}

function shared(binding: NativeBinding): Shared {
  const loop = new LoopHold();
  const statuses = new StatusBatcher(
    loop,
    (operations, onResults) => binding.queryStatusBatch(operations, onResults),
    (error) => typedError('QueryStatus', error),
  );
  return { statuses, loop };
}

class NativeBackendOperation implements BackendOperation, StatusToOperation {
  private readonly holds = new CallHolds();

  constructor(
    private readonly operation: NativeOperation,
    private readonly shared: Shared,
  ) {}

  queryStatus(): Promise<StatusReply> {
    return new Promise((resolve, reject) => this[QUERY_STATUS_TO]({ answered: (status) => resolve({ status }), failed: reject }));
  }

  [QUERY_STATUS_TO](to: StatusTo): void {
    // A caller awaiting a status keeps the process alive (as for any pending I/O), as for every
    // call here; release() lets a hung QueryStatus go.
    this.shared.statuses.queryStatus(this.operation, this.holds, to);
  }

  async abort(): Promise<number> {
    const returned = await mapped('Abort', this.shared.loop.until(this.operation.abort(), this.holds));
    // A dead add-in is a failed *call*, as for every other method; any other answer is Abort's own.
    if (isDisconnection(returned)) throw errorForCall('Abort', returned);
    return returned;
  }

  release(): Promise<void> {
    return this.shared.loop.release(this.holds, () => this.operation.release());
  }
}

/** The calls in flight on one add-in handle hold the loop until they settle or it is released. */
class AddinCalls {
  readonly holds = new CallHolds();

  constructor(readonly shared: Shared) {}

  held<T>(call: WsbCall, work: Promise<T>, context?: string): Promise<T> {
    return mapped(call, this.shared.loop.until(work, this.holds), context);
  }
}

/** vet's probes, straight from the addon: it sees vtables, identity and raw call codes. */
class NativeProbes implements AddinProbes {
  constructor(
    private readonly addin: Required<Pick<NativeAddin, 'probeIdentity' | 'checkConsistencyRaw'>>,
    private readonly calls: AddinCalls,
  ) {}

  identity(): Promise<IdentityProbe> {
    return this.calls.held('Activate', this.addin.probeIdentity());
  }

  async checkConsistencyRaw(args: CheckArguments): Promise<RawCheckResult> {
    const raw = await this.calls.held('CheckConsistency', this.addin.checkConsistencyRaw(...checkCallArguments(args)));
    return {
      call: raw.call,
      strayObject: raw.strayObject,
      operation: raw.operation === null ? null : new NativeBackendOperation(raw.operation, this.calls.shared),
    };
  }
}

/** CheckConsistency's arguments as the addon takes them. */
function checkCallArguments(args: CheckArguments): [string | null, string | null, string | null, string[], string[]] {
  return [args.writerMetadata, args.component, args.logicalPath, args.volumes.map((v) => v.source), args.volumes.map((v) => v.snapshot)];
}

class NativeBackendAddin implements BackendAddin {
  readonly probes: AddinProbes | undefined;
  private readonly calls: AddinCalls;

  constructor(
    private readonly addin: NativeAddin,
    shared: Shared,
  ) {
    this.calls = new AddinCalls(shared);
    const { probeIdentity, checkConsistencyRaw } = addin;
    this.probes =
      probeIdentity && checkConsistencyRaw
        ? new NativeProbes({ probeIdentity: probeIdentity.bind(addin), checkConsistencyRaw: checkConsistencyRaw.bind(addin) }, this.calls)
        : undefined;
  }

  async checkConsistency(args: CheckArguments): Promise<BackendOperation | null> {
    const operation = await this.calls.held('CheckConsistency', this.addin.checkConsistency(...checkCallArguments(args)));
    return operation === null ? null : new NativeBackendOperation(operation, this.calls.shared);
  }

  preRestore(args: RestoreArguments): Promise<void> {
    return this.calls.held('PreRestore', this.addin.preRestore(args.writerMetadata, args.component, args.logicalPath, args.noRollForward));
  }

  postRestore(args: RestoreArguments): Promise<void> {
    return this.calls.held(
      'PostRestore',
      this.addin.postRestore(args.writerMetadata, args.component, args.logicalPath, args.noRollForward),
    );
  }

  async orderComponents(components: readonly ComponentRef[]): Promise<ComponentRef[] | null> {
    const names = components.map((c) => c.name);
    const paths = components.map((c) => c.logicalPath);
    const order = await this.calls.held('OrderComponents', this.addin.orderComponents(names, paths));
    if (order === null) return null;
    return order.names.map((name, i) => ({ name, logicalPath: order.logicalPaths[i] }));
  }

  isRollForwardSupported(): Promise<boolean> {
    return this.calls.held('IsRollForwardSupported', this.addin.isRollForwardSupported());
  }

  release(): Promise<void> {
    return this.calls.shared.loop.release(this.calls.holds, () => this.addin.release());
  }
}

class NativeRuntimeBackend implements Backend {
  readonly vss: VssRequester | undefined;
  private readonly shared: Shared;

  /** `vss`: whether the runtime has VSS to offer (real COM always; the native mock when its scenario scripts it). */
  constructor(
    readonly name: 'native' | 'native-mock',
    protected readonly runtime: NativeRuntime,
    binding: NativeBinding,
    vss: boolean,
  ) {
    this.shared = shared(binding);
    this.vss = vss ? nativeVss(runtime, this.shared.loop) : undefined;
  }

  listApplications(): Promise<RegisteredApplication[]> {
    return mapped('ListApplications', this.shared.loop.until(this.runtime.listApplications()));
  }

  async activate(application: RegisteredApplication, givenUp?: AbortSignal): Promise<BackendAddin> {
    if (application.clsid === null) {
      throw errorForCall('Activate', HRESULT.REGDB_E_CLASSNOTREG, { context: `${application.identifier} has no add-in (no CLSID value)` });
    }
    // Held until it settles or the caller gives up: nothing can cancel an activation.
    const holds = new CallHolds();
    givenUp?.addEventListener('abort', () => this.shared.loop.letGo(holds), { once: true });
    const activation = this.runtime.activate(application.writerId, application.identifier, application.clsid, false);
    const addin = await mapped('Activate', this.shared.loop.until(activation, holds), application.identifier);
    return new NativeBackendAddin(addin, this.shared);
  }
}

class NativeMockRuntimeBackend extends NativeRuntimeBackend implements NativeMockBackend {
  override readonly name = 'native-mock' as const;

  stats(): NativeMockStats {
    const stats = this.runtime.mockStats();
    if (stats === undefined) throw new Error('native-mock: the runtime has no mock statistics');
    return stats;
  }
}

/**
 * The real COM backend (Windows only).
 * @throws UnsupportedPlatformError when the addon cannot be loaded or was built without COM (off Windows)
 */
export function createNativeBackend(options: NativeBackendOptions = {}): Backend {
  const binding = options.binding ?? loadBinding();
  if (binding.createComRuntime === undefined) {
    throw new UnsupportedPlatformError(
      `the native COM backend runs only on Windows, and this is ${process.platform}; ` +
        "use the 'native-mock' or 'mock' backend to run against a scripted add-in",
    );
  }
  const runtime = binding.createComRuntime({
    inProcess: options.inProcess ?? false,
    allowUnregisteredClsid: options.allowUnregisteredClsid ?? false,
  });
  return new NativeRuntimeBackend('native', runtime, binding, true);
}

/**
 * The native mock backend: the addon's call layer driving the native mock add-in, scripted by
 * `scenario` (any OS).
 * @throws UnsupportedPlatformError when the addon cannot be loaded
 */
export function createNativeMockBackend(scenario: NormalizedScenario, options: NativeMockBackendOptions = {}): NativeMockBackend {
  const binding = options.binding ?? loadBinding();
  return new NativeMockRuntimeBackend('native-mock', binding.createMockRuntime(scenario), binding, scenario.vss !== undefined);
}
