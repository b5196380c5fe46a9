/**
 * Typed errors. Every WsbError keeps the raw HRESULT (unsigned), its hex form, the symbol, the
 * facility and the COM call that produced it, and has a stable Node-style `code`.
 *
 * Two families must not be confused (the two HRESULTs of QueryStatus):
 * - {@link OperationFailedError}: the call worked, and the *status* it reported is a failure;
 * - {@link AddinCallError}: the COM *call itself* failed (transport, missing interface, ...).
 */
import { counted } from './counted';
import { decode, Facility, HRESULT, isDisconnection, toUnsigned } from './hresult';
import type { SnapshotPhase, SnapshotReport } from './vss/report';
import type { VssCall } from './vss/types';

/** The COM calls (and library steps) an error can come from. */
export type WsbCall =
  | 'ListApplications'
  | 'Activate'
  | 'CheckConsistency'
  | 'QueryStatus'
  | 'Abort'
  | 'PreRestore'
  | 'PostRestore'
  | 'OrderComponents'
  | 'IsRollForwardSupported'
  | 'LoadBackend'
  | VssCall;

/** What every WsbError constructor takes. */
export interface WsbErrorDetails {
  readonly hresult: number;
  readonly call: WsbCall;
  /** The system's own text for the code (FormatMessageW), where the platform gives one. */
  readonly systemMessage?: string;
  /** Extra context appended to the message: the application, the component, ... */
  readonly context?: string;
  readonly cause?: unknown;
  /** False when the library chose the HRESULT (timeout, abort): the message then does not claim a call returned it. */
  readonly returnedByCall?: boolean;
}

/** The interface a failed QueryInterface asked for, where the backend knows it. */
export interface MissingInterface {
  readonly name: string;
  /** In braces: `{8D3BDB38-...}`. */
  readonly iid: string;
}

/** The base class of every error this library raises for a failed WSB call or operation. */
export class WsbError extends Error {
  /** Stable, Node-style: branch on this, not on the message. */
  readonly code: string = 'ERR_WSB';
  /** The raw HRESULT, unsigned. */
  readonly hresult: number;
  /** `0x807A0001`. */
  readonly hex: string;
  /** The symbol when known, e.g. `RPC_E_DISCONNECTED`. */
  readonly symbol: string | undefined;
  readonly facility: number;
  readonly facilityName: string;
  /** The call that produced the HRESULT. */
  readonly call: WsbCall;
  readonly systemMessage: string | undefined;
  /** What the failed call was made for (`application "Contoso", component "db"`), once the library named it. */
  target: string | undefined;
  /** With a check on a snapshot (`snapshot: true`): what was snapshotted, and how it was cleaned up. */
  snapshot: SnapshotReport | undefined;
  private readonly summary: string;
  private readonly origin: string;

  constructor(summary: string, details: WsbErrorDetails) {
    const decoded = decode(details.hresult);
    const name = decoded.symbol ? ` ${decoded.symbol}` : '';
    const context = details.context ? ` (${details.context})` : '';
    const system = details.systemMessage ? `: ${details.systemMessage.trim()}` : '';
    const origin =
      details.returnedByCall === false ? ` [${decoded.hex}${name}]` : `: ${details.call} returned ${decoded.hex}${name}${system}`;
    super(`${summary}${context}${origin}`, { cause: details.cause });
    this.summary = `${summary}${context}`;
    this.origin = origin;
    this.name = new.target.name;
    this.hresult = decoded.hresult;
    this.hex = decoded.hex;
    this.symbol = decoded.symbol;
    this.facility = decoded.facility;
    this.facilityName = decoded.facilityName;
    this.call = details.call;
    this.systemMessage = details.systemMessage;
  }

  /**
   * @internal Name what the call was made for, once (the library's entry points do, since a
   * backend's call knows only its arguments): `... for application "Contoso", component "db": ...`.
   */
  nameTarget(target: string): this {
    if (this.target !== undefined || this.summary.includes(target)) return this;
    this.target = target;
    this.message = `${this.summary} for ${target}${this.origin}`;
    return this;
  }
}

/** `error` with `target` named in it when it is a WsbError (anything else passes through). */
export function withTarget(error: unknown, target: string): unknown {
  return error instanceof WsbError ? error.nameTarget(target) : error;
}

/** The call worked; the operation it reports on failed (a failure status or return code). */
export class OperationFailedError extends WsbError {
  override readonly code: string = 'ERR_WSB_OPERATION_FAILED';
}

/** The consistency check reported a failure status (e.g. WSBAPP_E_COMPONENT_CONSISTENCY_CHECK_FAILED). */
export class CheckFailedError extends OperationFailedError {
  override readonly code: string = 'ERR_WSB_CHECK_FAILED';
  /** QueryStatus calls made before the failure (0 when CheckConsistency itself failed). */
  readonly polls: number;
  readonly elapsedMs: number;
  constructor(details: WsbErrorDetails & { polls: number; elapsedMs: number }) {
    super('consistency check failed', details);
    this.polls = details.polls;
    this.elapsedMs = details.elapsedMs;
  }
}

/** PreRestore or PostRestore returned a failure. */
export class RestoreFailedError extends OperationFailedError {
  override readonly code: string = 'ERR_WSB_RESTORE_FAILED';
}

/** The COM call itself failed: the add-in could not be reached, lacks a method, ... */
export class AddinCallError extends WsbError {
  override readonly code: string = 'ERR_WSB_ADDIN_CALL_FAILED';
}

/** The add-in's process died or disconnected (RPC server unavailable, call failed, disconnected, ...). */
export class AddinDisconnectedError extends AddinCallError {
  override readonly code: string = 'ERR_WSB_ADDIN_DISCONNECTED';
}

/** The interface is not available: the add-in lacks it, or its proxy/stub marshalling is not registered. */
export class InterfaceNotAvailableError extends AddinCallError {
  override readonly code: string = 'ERR_WSB_NO_INTERFACE';
}

/** The add-in broke the protocol, e.g. QueryStatus returned S_OK without writing the status. */
export class AddinProtocolError extends AddinCallError {
  override readonly code: string = 'ERR_WSB_ADDIN_PROTOCOL';
}

/** E_ACCESSDENIED: not elevated, or not in Administrators / Backup Operators. */
export class AccessDeniedError extends WsbError {
  override readonly code: string = 'ERR_WSB_ACCESS_DENIED';
}

/** The application is not registered with WSB, has no add-in, or its add-in class is not registered. */
export class NotRegisteredError extends WsbError {
  override readonly code: string = 'ERR_WSB_NOT_REGISTERED';
}

/** A check stopped before its verdict: how far it got, and how Abort went. */
export abstract class CheckStoppedError extends WsbError {
  readonly elapsedMs: number;
  readonly polls: number;
  /** The last status QueryStatus reported, or undefined if none arrived. */
  readonly lastStatus: number | undefined;
  /** True when Abort reached the add-in and returned (whatever it returned). */
  readonly abortDelivered: boolean;
  /** What Abort returned, when it returned. */
  readonly abortHresult: number | undefined;

  protected constructor(summary: string, hresult: number, call: WsbCall, details: StopDetails, cause?: unknown) {
    const progress =
      details.call === undefined
        ? ` (${counted(details.polls, 'poll')}, last status ${lastStatusText(details)}, ${abortSummary(details)})`
        : '';
    super(`${summary} after ${details.elapsedMs} ms${progress}`, {
      hresult,
      call,
      context: details.context,
      cause,
      returnedByCall: false,
    });
    this.elapsedMs = details.elapsedMs;
    this.polls = details.polls;
    this.lastStatus = details.lastStatus;
    this.abortDelivered = details.abortDelivered;
    this.abortHresult = details.abortHresult;
  }
}

/**
 * The deadline passed: a check before its verdict (Abort was called), or the call named by
 * `call` before it returned (the add-in was released, which cancels the call where the
 * platform can).
 */
export class TimeoutError extends CheckStoppedError {
  override readonly code: string = 'ERR_WSB_TIMEOUT';
  readonly timeoutMs: number;
  constructor(details: StopDetails & { timeoutMs: number }) {
    super(
      `${details.call ?? 'consistency check'} timed out (timeout ${details.timeoutMs} ms)`,
      HRESULT.ERROR_TIMEOUT,
      details.call ?? 'QueryStatus',
      details,
    );
    this.timeoutMs = details.timeoutMs;
  }
}

/**
 * The caller's AbortSignal fired: during a check (Abort was called on the add-in), or during
 * the call named by `call` (the add-in was released). `cause` is the signal's reason.
 * Its `name` is `'AbortError'`, as for Node's own aborted calls (`err.name === 'AbortError'`
 * is how callers recognise an abort); its `code` stays `ERR_WSB_ABORTED` (Node's is `ABORT_ERR`),
 * and it is a WsbError with the progress of what it stopped.
 */
export class AbortedError extends CheckStoppedError {
  override readonly code: string = 'ERR_WSB_ABORTED';
  constructor(details: StopDetails & { reason?: unknown }) {
    super(`${details.call ?? 'consistency check'} aborted`, HRESULT.E_ABORT, details.call ?? 'Abort', details, details.reason);
    this.name = 'AbortError';
  }
}

/** A VSS step of a check on a snapshot failed; `phase` says where, `call` and `hresult` what. */
export class VssError extends WsbError {
  override readonly code: string = 'ERR_WSB_VSS';
  private where: SnapshotPhase;
  constructor(summary: string, details: WsbErrorDetails & { readonly phase: SnapshotPhase }) {
    super(summary, details);
    this.where = details.phase;
  }

  /** The phase of the check on a snapshot the failure came from. */
  get phase(): SnapshotPhase {
    return this.where;
  }

  /** @internal The run names the phase (a requester does not know which phase its call serves). */
  inPhase(phase: SnapshotPhase): this {
    this.where = phase;
    return this;
  }
}

/** VSS cannot be used here: vssapi missing or not implemented (Wine), a 32-bit process on 64-bit Windows, a backend without VSS. */
export class VssUnavailableError extends VssError {
  override readonly code: string = 'ERR_WSB_VSS_UNAVAILABLE';
}

/** The application's writer, or the component in it, is not among what VSS reports; `offered` lists what is. */
export class VssNotFoundError extends VssError {
  override readonly code: string = 'ERR_WSB_VSS_NOT_FOUND';
  readonly offered: readonly string[];
  constructor(summary: string, details: WsbErrorDetails & { readonly phase: SnapshotPhase; readonly offered: readonly string[] }) {
    super(summary, details);
    this.offered = details.offered;
  }
}

/**
 * What CreateVssBackupComponents fails with where VSS cannot be used: not implemented (Wine),
 * vssapi.dll or its export missing, a 32-bit process on 64-bit Windows (ERROR_NOT_SUPPORTED).
 */
const VSS_UNAVAILABLE: readonly number[] = [
  HRESULT.E_NOTIMPL,
  HRESULT.ERROR_MOD_NOT_FOUND,
  HRESULT.ERROR_PROC_NOT_FOUND,
  HRESULT.ERROR_NOT_SUPPORTED,
];

/** The typed error for a VSS call that failed with `hresult` in `phase`. */
export function vssErrorForCall(call: VssCall, hresult: number, phase: SnapshotPhase, context?: string): VssError {
  const hr = toUnsigned(hresult);
  const details = { hresult: hr, call, phase, context };
  if (hr === HRESULT.E_ACCESSDENIED)
    return new VssError('access denied: VSS needs an elevated administrator or a Backup Operator', details);
  if (call === 'CreateVssBackupComponents' && VSS_UNAVAILABLE.includes(hr))
    return new VssUnavailableError('VSS is not available on this system', details);
  return new VssError(`${call} failed`, details);
}

/** No backend can run here: e.g. the native COM backend off Windows, or the addon failed to load. */
export class UnsupportedPlatformError extends WsbError {
  override readonly code: string = 'ERR_WSB_UNSUPPORTED_PLATFORM';
  constructor(summary: string, cause?: unknown) {
    super(summary, { hresult: HRESULT.ERROR_NOT_SUPPORTED, call: 'LoadBackend', cause, returnedByCall: false });
  }
}

/** How a timed-out or aborted check ended. */
export interface StopDetails {
  readonly elapsedMs: number;
  readonly polls: number;
  readonly lastStatus: number | undefined;
  readonly abortDelivered: boolean;
  readonly abortHresult: number | undefined;
  readonly context?: string;
  /**
   * The call under way when a call other than a check's polling was stopped (activation, a
   * restore call, ...). Absent for a check: its error then reports polls and Abort.
   */
  readonly call?: WsbCall;
}

/** `0x407A0004 WSBAPP_ASYNC_IN_PROGRESS`, or the hex alone for a code without a symbol. */
export function hresultLabel(hresult: number): string {
  const d = decode(hresult);
  return d.symbol ? `${d.hex} ${d.symbol}` : d.hex;
}

function lastStatusText(d: StopDetails): string {
  return d.lastStatus === undefined ? 'none' : hresultLabel(d.lastStatus);
}

function abortSummary(d: StopDetails): string {
  if (!d.abortDelivered) return 'Abort did not return in time';
  return `Abort returned ${hresultLabel(d.abortHresult ?? 0)}`;
}

/**
 * The typed error for a COM call that returned a failure `hresult`. Backends use this so that
 * every backend maps codes the same way.
 */
export function errorForCall(
  call: WsbCall,
  hresult: number,
  { missingInterface, ...extra }: Omit<WsbErrorDetails, 'hresult' | 'call'> & { readonly missingInterface?: MissingInterface } = {},
): WsbError {
  const hr = toUnsigned(hresult);
  const details = { ...extra, hresult: hr, call };
  if (hr === HRESULT.E_ACCESSDENIED) return new AccessDeniedError('access denied', details);
  if (hr === HRESULT.REGDB_E_CLASSNOTREG) return new NotRegisteredError("the add-in's COM class is not registered", details);
  if (isDisconnection(hr)) return new AddinDisconnectedError('the add-in disconnected or its process died', details);
  if (hr === HRESULT.E_NOINTERFACE) {
    const which = missingInterface === undefined ? 'the interface' : `${missingInterface.name} ${missingInterface.iid}`;
    const iid = missingInterface?.iid ?? '{IID}';
    return new InterfaceNotAvailableError(
      `the add-in does not expose ${which}, or no proxy/stub is registered for it (HKCR\\Interface\\${iid}\\ProxyStubClsid32)`,
      details,
    );
  }
  if (call === 'PreRestore' || call === 'PostRestore') return new RestoreFailedError(`${call} failed`, details);
  // CheckConsistency may refuse at once with a WSBAPP failure: that is the check failing, not the call.
  if (call === 'CheckConsistency' && decode(hr).facility === Facility.WSBAPP)
    return new CheckFailedError({ ...details, polls: 0, elapsedMs: 0 });
  return new AddinCallError(`${call} call failed`, details);
}

/** QueryStatus returned S_OK but left the status unwritten (seen only in process: a stub zero-fills it). */
export function statusNotWrittenError(context?: string): AddinProtocolError {
  return new AddinProtocolError('the add-in returned S_OK from QueryStatus without writing the status', {
    hresult: HRESULT.S_OK,
    call: 'QueryStatus',
    context,
  });
}

/** Where in a scenario a problem is: the file it came from (when it came from one) and the JSON path. */
export interface ScenarioErrorDetails {
  /** The scenario file, when the scenario was read from one. */
  readonly file?: string;
  /** The JSON path of the bad value, e.g. `scenario.applications[0].components.db.statuses`. */
  readonly path?: string;
  readonly cause?: unknown;
}

/**
 * A bad mock scenario: unreadable file, invalid JSON, an unknown key or a bad value. A TypeError,
 * since it is bad input, with its own code so a CLI can say "fix the scenario" (exit 2).
 */
export class ScenarioError extends TypeError {
  readonly code = 'ERR_WSB_SCENARIO';
  /** What is wrong, without the file and the path. */
  readonly problem: string;
  readonly file: string | undefined;
  readonly path: string | undefined;
  constructor(problem: string, details: ScenarioErrorDetails = {}) {
    super([details.file, details.path, problem].filter((part) => part !== undefined).join(': '), { cause: details.cause });
    this.name = 'ScenarioError';
    this.problem = problem;
    this.file = details.file;
    this.path = details.path;
  }
}

/** A handle was used after release(): a bug in the caller, not an add-in failure. */
export class ReleasedError extends Error {
  readonly code = 'ERR_WSB_RELEASED';
  constructor(what: string) {
    super(`${what} used after release(): the COM object was already handed back`);
    this.name = 'ReleasedError';
  }
}
