/**
 * The restore side of an add-in (IWsbApplicationRestoreSupport): OrderComponents, PreRestore,
 * PostRestore and IsRollForwardSupported, each on an add-in that is activated for the call
 * and released exactly once, or on one {@link RestoreSession} for a whole restore.
 */
import { findApplication, parseSelector, type ApplicationSelector, type BackendOptions } from './applications';
import { traceCall } from './diagnostics';
import { AddinProtocolError, ReleasedError, type WsbCall } from './errors';
import { HRESULT } from './hresult';
import { selectBackend, type BackendChoice } from './backends/select';
import type { BackendAddin, ComponentRef, RegisteredApplication, RestoreArguments } from './backends/types';
import { MAX_WRITER_METADATA_UNITS, optionalString, requireBoolean, requireComponents, requireObject, requireStrictObject } from './validate';

/** One component to restore. */
export interface RestoreRequest {
  readonly component?: string | null;
  readonly logicalPath?: string | null;
  readonly writerMetadata?: string | null;
  /** True for a point-in-time restore: the application deletes its later logs first. Default false. */
  readonly noRollForward?: boolean;
}

/** An activated add-in for a restore. Release it once (`release()` or `await using`). */
export class RestoreSession implements AsyncDisposable {
  private releasedAlready = false;

  /** @internal use openRestoreSession() */
  constructor(
    private readonly addin: BackendAddin,
    /** The application being restored. */
    readonly application: RegisteredApplication,
  ) {}

  /** The order the add-in wants components restored in, or `null` for "any order". */
  async orderComponents(components: readonly ComponentRef[]): Promise<ComponentRef[] | null> {
    const input = requireComponents(components, 'components');
    this.assertLive();
    return this.traced('OrderComponents', undefined, () => orderOn(this.addin, input));
  }

  /** PreRestore for one component. Rejects with RestoreFailedError when the add-in refuses. */
  async preRestore(request: RestoreRequest): Promise<void> {
    const args = parseRestoreRequest(request);
    this.assertLive();
    return this.traced('PreRestore', args.component, () => this.addin.preRestore(args));
  }

  /** PostRestore for one component. Rejects with RestoreFailedError when the add-in reports failure. */
  async postRestore(request: RestoreRequest): Promise<void> {
    const args = parseRestoreRequest(request);
    this.assertLive();
    return this.traced('PostRestore', args.component, () => this.addin.postRestore(args));
  }

  /** Whether the application supports roll-forward restore. */
  async isRollForwardSupported(): Promise<boolean> {
    this.assertLive();
    return this.traced('IsRollForwardSupported', undefined, () => this.addin.isRollForwardSupported());
  }

  /** Release the add-in. Idempotent. */
  release(): void {
    if (this.releasedAlready) return;
    this.releasedAlready = true;
    this.addin.release();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.release();
  }

  private assertLive(): void {
    if (this.releasedAlready) throw new ReleasedError('RestoreSession');
  }

  private traced<T>(call: WsbCall, component: string | null | undefined, work: () => Promise<T>): Promise<T> {
    return traceCall(call, { application: this.application.identifier, component }, work);
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
    throw new AddinProtocolError(`OrderComponents returned ${ordered.length} components that are not a reordering of the ${input.length} given`, {
      hresult: HRESULT.S_OK,
      call: 'OrderComponents',
    });
  }
  return [...ordered];
}

/** Find and activate the application's add-in. */
async function activateFor(application: ApplicationSelector, options: BackendOptions): Promise<{ addin: BackendAddin; app: RegisteredApplication }> {
  const selector = parseSelector(application, 'application');
  const backend = selectBackend(requireObject(options, 'options').backend as BackendChoice | undefined);
  const app = await findApplication(backend, selector);
  return { addin: await backend.activate(app), app };
}

/**
 * Activate an application's add-in for a restore. The session holds the add-in until released.
 */
export async function openRestoreSession(application: ApplicationSelector, options: BackendOptions = {}): Promise<RestoreSession> {
  return traceCall('Activate', { application }, async () => {
    const { addin, app } = await activateFor(application, options);
    return new RestoreSession(addin, app);
  });
}

/** Make one call (traced as `name`) on a freshly activated add-in and release it whatever happens. */
async function withAddin<T>(
  name: { call: WsbCall; component?: string | null },
  application: ApplicationSelector,
  options: BackendOptions,
  call: (addin: BackendAddin) => Promise<T>,
): Promise<T> {
  return traceCall(name.call, { application, component: name.component }, async () => {
    const { addin } = await activateFor(application, options);
    try {
      return await call(addin);
    } finally {
      addin.release();
    }
  });
}

/** PreRestore for one component on a freshly activated add-in. */
export async function preRestore(application: ApplicationSelector, request: RestoreRequest, options: BackendOptions = {}): Promise<void> {
  const args = parseRestoreRequest(request);
  return withAddin({ call: 'PreRestore', component: args.component }, application, options, (addin) => addin.preRestore(args));
}

/** PostRestore for one component on a freshly activated add-in. */
export async function postRestore(application: ApplicationSelector, request: RestoreRequest, options: BackendOptions = {}): Promise<void> {
  const args = parseRestoreRequest(request);
  return withAddin({ call: 'PostRestore', component: args.component }, application, options, (addin) => addin.postRestore(args));
}

/** OrderComponents on a freshly activated add-in: the wanted order, or null for any order. */
export async function orderComponents(application: ApplicationSelector, components: readonly ComponentRef[], options: BackendOptions = {}): Promise<ComponentRef[] | null> {
  const input = requireComponents(components, 'components');
  return withAddin({ call: 'OrderComponents' }, application, options, (addin) => orderOn(addin, input));
}

/** IsRollForwardSupported on a freshly activated add-in. */
export async function isRollForwardSupported(application: ApplicationSelector, options: BackendOptions = {}): Promise<boolean> {
  return withAddin({ call: 'IsRollForwardSupported' }, application, options, (addin) => addin.isRollForwardSupported());
}
