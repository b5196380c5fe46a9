/**
 * The restore side of an add-in (IWsbApplicationRestoreSupport): OrderComponents, PreRestore,
 * PostRestore and IsRollForwardSupported, each on an add-in that is activated for the call
 * and released exactly once, or on one {@link RestoreSession} for a whole restore.
 *
 * Every call takes a deadline and a signal ({@link CallOptions}). A stopped call rejects with a
 * TimeoutError or an AbortedError naming the call, and releases the add-in (a session is then
 * released too), which cancels the call where the platform can.
 */
import { findAndActivate } from './activation';
import { parseSelector, type ApplicationSelector, type BackendOptions } from './applications';
import { describeTarget } from './check';
import { CALL_OPTION_KEYS, CallDeadline, DEFAULT_CALL_TIMEOUTS, parseCallOptions, type CallOptions, type CallSettings } from './deadline';
import { traceCall } from './diagnostics';
import { AddinProtocolError, ReleasedError, type WsbCall } from './errors';
import { HRESULT } from './hresult';
import { DEFAULT_RELEASE_TIMEOUT_MS, parseCloseOptions, releaseAll, settlesWithin, type CloseOptions, type ReleaseWait } from './releases';
import { backendFor } from './backends/default';
import type { BackendChoice } from './backends/select';
import type { BackendAddin, ComponentRef, RegisteredApplication, RestoreArguments } from './backends/types';
import {
  MAX_WRITER_METADATA_UNITS,
  optionalString,
  requireBoolean,
  requireComponents,
  requireObject,
  requireStrictObject,
} from './validate';

/** One component to restore. */
export interface RestoreRequest {
  readonly component?: string | null;
  readonly logicalPath?: string | null;
  readonly writerMetadata?: string | null;
  /** True for a point-in-time restore: the application deletes its later logs first. Default false. */
  readonly noRollForward?: boolean;
}

/** Options of the one-shot restore calls and of openRestoreSession(): the backend, a deadline and a signal. */
export interface RestoreOptions extends BackendOptions, CallOptions {}

const ONE_SHOT_KEYS = ['backend', ...CALL_OPTION_KEYS];

/** The session's or one-shot call's target, for error messages. */
function target(application: RegisteredApplication | string, component?: string | null): string {
  const name = typeof application === 'string' ? application : JSON.stringify(application.identifier);
  return describeTarget(name, component ?? null);
}

/** An activated add-in for a restore. Release it once (`release()`, `await close()` or `await using`). */
export class RestoreSession implements AsyncDisposable {
  private releasing: Promise<void> | undefined;

  /** @internal use openRestoreSession() */
  constructor(
    private readonly addin: BackendAddin,
    /** The application being restored. */
    readonly application: RegisteredApplication,
  ) {}

  /** True once the session was released (by you, or by a call that was stopped). */
  get released(): boolean {
    return this.releasing !== undefined;
  }

  /** The order the add-in wants components restored in, or `null` for "any order". */
  async orderComponents(components: readonly ComponentRef[], options: CallOptions = {}): Promise<ComponentRef[] | null> {
    const input = requireComponents(components, 'components');
    const settings = parseCallOptions(options, CALL_OPTION_KEYS, DEFAULT_CALL_TIMEOUTS.orderComponents);
    return this.call('OrderComponents', settings, undefined, () => orderOn(this.addin, input));
  }

  /** PreRestore for one component. Rejects with RestoreFailedError when the add-in refuses. */
  async preRestore(request: RestoreRequest, options: CallOptions = {}): Promise<void> {
    const args = parseRestoreRequest(request);
    const settings = parseCallOptions(options, CALL_OPTION_KEYS, DEFAULT_CALL_TIMEOUTS.preRestore);
    return this.call('PreRestore', settings, args.component, () => this.addin.preRestore(args));
  }

  /** PostRestore for one component. Rejects with RestoreFailedError when the add-in reports failure. */
  async postRestore(request: RestoreRequest, options: CallOptions = {}): Promise<void> {
    const args = parseRestoreRequest(request);
    const settings = parseCallOptions(options, CALL_OPTION_KEYS, DEFAULT_CALL_TIMEOUTS.postRestore);
    return this.call('PostRestore', settings, args.component, () => this.addin.postRestore(args));
  }

  /** Whether the application supports roll-forward restore. */
  async isRollForwardSupported(options: CallOptions = {}): Promise<boolean> {
    const settings = parseCallOptions(options, CALL_OPTION_KEYS, DEFAULT_CALL_TIMEOUTS.isRollForwardSupported);
    return this.call('IsRollForwardSupported', settings, undefined, () => this.addin.isRollForwardSupported());
  }

  /** Release the add-in: scheduled at once, returning at once. Idempotent. */
  release(): void {
    void this.releaseOnce();
  }

  /**
   * Release the add-in (as {@link release}) and wait until its final Release has returned, or
   * `timeout` ms (default 5000) have passed: a hung add-in cannot hold the caller, and the
   * Release goes on in the background. Never rejects. Idempotent.
   */
  async close(options: CloseOptions = {}): Promise<ReleaseWait> {
    const timeoutMs = parseCloseOptions(options);
    const settled = await settlesWithin(this.releaseOnce(), timeoutMs);
    return { settled, pending: settled ? 0 : 1 };
  }

  /** `await using` support: {@link close} with its default bound. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private releaseOnce(): Promise<void> {
    this.releasing ??= releaseAll([this.addin]);
    return this.releasing;
  }

  /** `component` is undefined for the calls that take none. */
  private async call<T>(call: WsbCall, settings: CallSettings, component: string | null | undefined, work: () => Promise<T>): Promise<T> {
    if (this.released) throw new ReleasedError(`RestoreSession.${call.charAt(0).toLowerCase()}${call.slice(1)}()`);
    const deadline = new CallDeadline(settings, target(this.application, component));
    try {
      return await deadline.step(call, () => traceCall(call, { application: this.application.identifier, component }, work));
    } catch (error) {
      // Releasing is what cancels the call still in flight on the add-in.
      if (deadline.stopped) this.release();
      throw error;
    } finally {
      deadline.dispose();
    }
  }
}

const RESTORE_REQUEST_KEYS: readonly (keyof RestoreRequest)[] = ['component', 'logicalPath', 'writerMetadata', 'noRollForward'];

function parseRestoreRequest(request: unknown): RestoreArguments {
  const r = requireStrictObject(request, 'request', RESTORE_REQUEST_KEYS);
  return {
    component: optionalString(r.component, 'request.component'),
    logicalPath: optionalString(r.logicalPath, 'request.logicalPath'),
    writerMetadata: optionalString(r.writerMetadata, 'request.writerMetadata', MAX_WRITER_METADATA_UNITS),
    noRollForward: r.noRollForward === undefined ? false : requireBoolean(r.noRollForward, 'request.noRollForward'),
  };
}

const key = (c: ComponentRef): string => `${c.logicalPath}\u0000${c.name}`;

/** OrderComponents on `addin`. The add-in must hand back the same components, reordered; anything else is a protocol error. */
async function orderOn(addin: BackendAddin, input: readonly ComponentRef[]): Promise<ComponentRef[] | null> {
  const ordered = await addin.orderComponents(input);
  if (ordered === null) return null;
  const wanted = input.map(key).sort();
  const got = ordered.map(key).sort();
  if (wanted.length !== got.length || wanted.some((k, i) => k !== got[i])) {
    throw new AddinProtocolError(
      `OrderComponents returned ${ordered.length} components that are not a reordering of the ${input.length} given`,
      {
        hresult: HRESULT.S_OK,
        call: 'OrderComponents',
      },
    );
  }
  return [...ordered];
}

/** What a one-shot call or openRestoreSession() needs before its first backend call. */
interface Prepared {
  readonly selector: ReturnType<typeof parseSelector>;
  readonly backendChoice: BackendChoice | undefined;
  readonly settings: CallSettings;
}

function prepare(application: unknown, options: unknown, defaultTimeoutMs: number): Prepared {
  const selector = parseSelector(application, 'application');
  const settings = parseCallOptions(options, ONE_SHOT_KEYS, defaultTimeoutMs);
  return { selector, settings, backendChoice: requireObject(options, 'options').backend as BackendChoice | undefined };
}

function selectorText(selector: Prepared['selector']): string {
  return 'writerId' in selector ? selector.writerId : JSON.stringify(selector.identifier);
}

/**
 * Activate an application's add-in for a restore. The session holds the add-in until released.
 * `options.timeout` (default 2 minutes) and `options.signal` bound finding and activating it.
 */
export async function openRestoreSession(application: ApplicationSelector, options: RestoreOptions = {}): Promise<RestoreSession> {
  const { selector, settings, backendChoice } = prepare(application, options, DEFAULT_CALL_TIMEOUTS.openRestoreSession);
  const backend = backendFor(backendChoice);
  const deadline = new CallDeadline(settings, target(selectorText(selector)));
  try {
    return await traceCall('Activate', { application }, async () => {
      const { addin, application: app } = await findAndActivate(backend, selector, (call, work) => deadline.step(call, work));
      return new RestoreSession(addin, app);
    });
  } finally {
    deadline.dispose();
  }
}

/**
 * Make one call on a freshly activated add-in, all under one deadline, and release the add-in
 * whatever happens. Settles once that Release has returned, or DEFAULT_RELEASE_TIMEOUT_MS after
 * the call ended (a hung add-in cannot hold it; the Release goes on in the background).
 */
async function oneShot<T>(
  call: WsbCall,
  application: ApplicationSelector,
  prepared: Prepared,
  component: string | null | undefined,
  work: (addin: BackendAddin) => Promise<T>,
): Promise<T> {
  return traceCall(call, { application, component }, () => activatedFor(call, prepared, component, work));
}

async function activatedFor<T>(
  call: WsbCall,
  prepared: Prepared,
  component: string | null | undefined,
  work: (addin: BackendAddin) => Promise<T>,
): Promise<T> {
  const backend = backendFor(prepared.backendChoice);
  const deadline = new CallDeadline(prepared.settings, target(selectorText(prepared.selector), component));
  const race = <R>(step: WsbCall, run: () => Promise<R>) => deadline.step(step, run);
  try {
    const { addin } = await findAndActivate(backend, prepared.selector, race);
    try {
      return await race(call, () => work(addin));
    } finally {
      await settlesWithin(releaseAll([addin]), DEFAULT_RELEASE_TIMEOUT_MS);
    }
  } finally {
    deadline.dispose();
  }
}

/** PreRestore for one component on a freshly activated add-in (default deadline 30 minutes, activation included). */
export async function preRestore(application: ApplicationSelector, request: RestoreRequest, options: RestoreOptions = {}): Promise<void> {
  const args = parseRestoreRequest(request);
  const prepared = prepare(application, options, DEFAULT_CALL_TIMEOUTS.preRestore);
  return oneShot('PreRestore', application, prepared, args.component, (addin) => addin.preRestore(args));
}

/** PostRestore for one component on a freshly activated add-in (default deadline 30 minutes, activation included). */
export async function postRestore(application: ApplicationSelector, request: RestoreRequest, options: RestoreOptions = {}): Promise<void> {
  const args = parseRestoreRequest(request);
  const prepared = prepare(application, options, DEFAULT_CALL_TIMEOUTS.postRestore);
  return oneShot('PostRestore', application, prepared, args.component, (addin) => addin.postRestore(args));
}

/** OrderComponents on a freshly activated add-in: the wanted order, or null for any order (default deadline 5 minutes). */
export async function orderComponents(
  application: ApplicationSelector,
  components: readonly ComponentRef[],
  options: RestoreOptions = {},
): Promise<ComponentRef[] | null> {
  const input = requireComponents(components, 'components');
  const prepared = prepare(application, options, DEFAULT_CALL_TIMEOUTS.orderComponents);
  return oneShot('OrderComponents', application, prepared, undefined, (addin) => orderOn(addin, input));
}

/** IsRollForwardSupported on a freshly activated add-in (default deadline 5 minutes). */
export async function isRollForwardSupported(application: ApplicationSelector, options: RestoreOptions = {}): Promise<boolean> {
  const prepared = prepare(application, options, DEFAULT_CALL_TIMEOUTS.isRollForwardSupported);
  return oneShot('IsRollForwardSupported', application, prepared, undefined, (addin) => addin.isRollForwardSupported());
}
