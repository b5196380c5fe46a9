/**
 * The Backend contract: what every backend (TypeScript mock, native mock, real COM) provides.
 *
 * A backend is deliberately thin: one method per COM call, no polling policy, no validation,
 * no HRESULT interpretation. The library above it validates input, polls, times out, aborts
 * and maps HRESULTs to typed results. Every backend passes the suite in `test/contract/`.
 *
 * Failure convention: a method whose COM call fails (the call's own HRESULT is a failure)
 * rejects with a {@link WsbError} built by `errorForCall()` from `lib/errors.ts`, so callers
 * always see the raw HRESULT and the call that produced it.
 */

/** One application registered with Windows Server Backup (a key under `Application Support`). */
import type { VssRequester } from '../vss/types';

export interface RegisteredApplication {
  /** The VSS writer's class id, upper-case, in braces: `{1EFF3510-...}`. The registry key name. */
  readonly writerId: string;
  /** `Application Identifier`: the name users see. */
  readonly identifier: string;
  /** The add-in's COM class id in braces, or `null` when the application has no add-in. */
  readonly clsid: string | null;
}

/** A source volume and the shadow copy of it that the check should run on. */
export interface VolumePair {
  /** The original volume, e.g. `\\?\Volume{GUID}\`. */
  readonly source: string;
  /** The snapshot (shadow copy) volume the add-in reads. */
  readonly snapshot: string;
}

/** The arguments of `IWsbApplicationBackupSupport::CheckConsistency`, already validated. */
export interface CheckArguments {
  /** The writer's metadata document (XML), or `null` for a NULL `LPWSTR`. */
  readonly writerMetadata: string | null;
  readonly component: string | null;
  readonly logicalPath: string | null;
  readonly volumes: readonly VolumePair[];
}

/** The arguments of `PreRestore` / `PostRestore`, already validated. */
export interface RestoreArguments {
  readonly writerMetadata: string | null;
  readonly component: string | null;
  readonly logicalPath: string | null;
  /** `TRUE` when a point-in-time recovery is under way. */
  readonly noRollForward: boolean;
}

/** One component, as `OrderComponents` takes and returns it. */
export interface ComponentRef {
  readonly name: string;
  readonly logicalPath: string;
}

/**
 * The answer of one `IWsbApplicationAsync::QueryStatus` call whose *call* succeeded.
 * `status` is the operation's HRESULT (`*phrResult`), unsigned.
 */
export interface StatusReply {
  readonly status: number;
}

/**
 * The poller's QueryStatus without a promise per poll: a backend's operation may have a method
 * under this key that makes one QueryStatus as `queryStatus()` does and hands its outcome to a
 * {@link StatusTo} (later, never during the call). A symbol, not a named method: it is no part
 * of the public contract, and an operation without it is polled through `queryStatus()`.
 */
export const QUERY_STATUS_TO: unique symbol = Symbol('wsbapp.queryStatusTo');

/** Where a {@link QUERY_STATUS_TO} call hands its outcome: exactly one of the two, once. */
export interface StatusTo {
  /** The call succeeded: the operation's status, unsigned. */
  answered(status: number): void;
  /** The call failed, with the error `queryStatus()` would reject with. */
  failed(error: unknown): void;
}

/** An operation with the promise-free QueryStatus. */
export interface StatusToOperation {
  [QUERY_STATUS_TO](to: StatusTo): void;
}

/** One `IWsbApplicationAsync` the backend owns; released exactly once through `release()`. */
export interface BackendOperation {
  /**
   * One QueryStatus call. The library never has two in flight on one operation.
   * Rejects (with a WsbError) when the call itself fails or the add-in did not write the status.
   * Whether a pending call keeps the process alive is the backend's choice (the library adds
   * no timer for it): the native backends keep it alive until the call settles or `release()`
   * is called; the TypeScript mock's delays are timers, and its hang is a promise that never
   * settles.
   */
  queryStatus(): Promise<StatusReply>;
  /** One Abort call; resolves with the HRESULT Abort returned (success or failure, unsigned). */
  abort(): Promise<number>;
  /**
   * Hand the pointer back. Schedules the Release at once (synchronously: a hung add-in must not
   * hold the caller) and cancels the calls still in flight on it where the platform can. The
   * promise settles when the final Release has returned on its COM thread, or the add-in is
   * known dead; it never rejects. The native backends keep the event loop alive while it is
   * pending, for at most DEFAULT_RELEASE_TIMEOUT_MS (a hung add-in cannot hold the process; the
   * promise may then never settle: bound the wait). Called exactly once by the library.
   */
  release(): Promise<void>;
}

/**
 * What QueryInterface answered for the add-in object (HRESULTs unsigned), and whether COM's
 * QueryInterface rules held: the facts only a backend with real vtables can observe.
 */
export interface IdentityProbe {
  /** QueryInterface(IID_IUnknown) from the backup interface. */
  readonly unknown: number;
  /** QueryInterface(IWsbApplicationBackupSupport) from IUnknown. */
  readonly backup: number;
  /** QueryInterface(IWsbApplicationRestoreSupport) from the backup interface. */
  readonly restore: number;
  /** The backup interface asked for itself gives the same object. */
  readonly reflexive: boolean;
  /** From the restore interface the backup interface is reachable again (true when there is no restore interface). */
  readonly symmetric: boolean;
  /** IUnknown is the same pointer from every interface. */
  readonly sameUnknown: boolean;
  /** QueryInterface of an IID no add-in implements. */
  readonly unknownIid: number;
  /** It wrote a non-NULL pointer anyway (a reference the caller then released). */
  readonly unknownIidPointer: boolean;
}

/** CheckConsistency as it really returned: the call's own code, success codes included. */
export interface RawCheckResult {
  /** The call's HRESULT, unsigned (S_OK, S_FALSE, a failure...). */
  readonly call: number;
  /** A failing call still wrote an async object (released by the backend at once). */
  readonly strayObject: boolean;
  /** The async object of a successful call, or null ("no check required", or a failure). */
  readonly operation: BackendOperation | null;
}

/**
 * Optional probes of an activated add-in, for `vetAddin()`: what the plain contract hides
 * (COM identity, a pointer returned with a failure, raw success codes). The native backends
 * have them; a backend without them gets the rules that need them skipped.
 */
export interface AddinProbes {
  identity(): Promise<IdentityProbe>;
  /** CheckConsistency without the library's interpretation; rejects only when the call could not be made. */
  checkConsistencyRaw(args: CheckArguments): Promise<RawCheckResult>;
}

/** An activated add-in: one COM object behind `IWsbApplicationBackupSupport` (and restore). */
export interface BackendAddin {
  /** Probes for vet; absent when the backend cannot observe COM identity and raw calls. */
  readonly probes?: AddinProbes;
  /**
   * CheckConsistency. Resolves with the async operation, or `null` when the add-in returned
   * S_OK with no async object ("no check required"). Rejects with a WsbError when it failed.
   */
  checkConsistency(args: CheckArguments): Promise<BackendOperation | null>;
  preRestore(args: RestoreArguments): Promise<void>;
  postRestore(args: RestoreArguments): Promise<void>;
  /** Resolves with the order the add-in wants, or `null` for "any order". */
  orderComponents(components: readonly ComponentRef[]): Promise<ComponentRef[] | null>;
  isRollForwardSupported(): Promise<boolean>;
  /** Release the add-in object: scheduled at once, settling later, like {@link BackendOperation.release}. */
  release(): Promise<void>;
}

/** A backend: where applications come from and how an add-in is activated. */
export interface Backend {
  /** A short name: `mock`, `native`, `native-mock`, ... */
  readonly name: string;
  listApplications(): Promise<RegisteredApplication[]>;
  /**
   * Activate the add-in of `application` (CoCreateInstance of its CLSID).
   * Rejects with NotRegisteredError when it has no CLSID or the class is not registered.
   * The native backends keep the event loop alive while it is pending, until `givenUp` aborts:
   * nothing can cancel an activation, so a caller that gives up (its deadline) says so there,
   * and releases an add-in that arrives later.
   */
  activate(application: RegisteredApplication, givenUp?: AbortSignal): Promise<BackendAddin>;
  /** The machine's VSS requester side, for checks on a snapshot; absent where the backend has none. */
  readonly vss?: VssRequester;
}
