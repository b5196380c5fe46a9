/**
 * The HRESULT model: decoding, the table of known codes, and the classification of a
 * QueryStatus result. Pure functions, no I/O.
 */

/** Bits 26..16 of an HRESULT name the subsystem that defined the code. */
export const Facility = {
  NULL: 0x0,
  RPC: 0x1,
  DISPATCH: 0x2,
  STORAGE: 0x3,
  ITF: 0x4,
  WIN32: 0x7,
  WINDOWS: 0x8,
  WSBAPP: 0x7a,
} as const;

const FACILITY_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(Facility).map(([name, value]) => [value, name]),
);

/** A known HRESULT: its symbol and a one-line meaning. */
export interface KnownHresult {
  readonly symbol: string;
  readonly hresult: number;
  readonly meaning: string;
}

/** The codes a WSB client meets, from wsbapp.h, wsbapperror.h, winerror.h and vss.h. */
const KNOWN: readonly KnownHresult[] = [
  { symbol: 'S_OK', hresult: 0x00000000, meaning: 'the call succeeded; as a status: the operation finished and the component is consistent' },
  { symbol: 'S_FALSE', hresult: 0x00000001, meaning: 'success, with a negative answer' },
  { symbol: 'WSBAPP_ASYNC_IN_PROGRESS', hresult: 0x407a0004, meaning: 'the operation is still in progress (the value in the SDK header)' },
  { symbol: 'WSBAPP_ASYNC_IN_PROGRESS', hresult: 0x007a0004, meaning: 'the operation is still in progress (the value metadata-generated bindings use)' },
  { symbol: 'WSBAPP_E_COMPONENT_CONSISTENCY_CHECK_FAILED', hresult: 0x807a0001, meaning: 'the component failed its application consistency check' },
  { symbol: 'WSBAPP_E_COMPONENT_PRE_RESTORE_FAILED', hresult: 0x807a0002, meaning: "the add-in's pre-restore step failed" },
  { symbol: 'WSBAPP_E_COMPONENT_POST_RESTORE_FAILED', hresult: 0x807a0003, meaning: "the add-in's post-restore step failed" },
  { symbol: 'E_NOTIMPL', hresult: 0x80004001, meaning: 'the add-in does not implement this method' },
  { symbol: 'E_NOINTERFACE', hresult: 0x80004002, meaning: 'the interface is not supported, or its proxy/stub marshalling is not registered' },
  { symbol: 'E_POINTER', hresult: 0x80004003, meaning: 'a required pointer was NULL' },
  { symbol: 'E_ABORT', hresult: 0x80004004, meaning: 'the operation was aborted' },
  { symbol: 'E_FAIL', hresult: 0x80004005, meaning: 'unspecified failure' },
  { symbol: 'E_UNEXPECTED', hresult: 0x8000ffff, meaning: 'catastrophic or unexpected failure' },
  { symbol: 'E_ACCESSDENIED', hresult: 0x80070005, meaning: 'access denied: run elevated, as a member of Administrators or Backup Operators' },
  { symbol: 'E_OUTOFMEMORY', hresult: 0x8007000e, meaning: 'out of memory' },
  { symbol: 'E_INVALIDARG', hresult: 0x80070057, meaning: 'one or more arguments are invalid' },
  { symbol: 'REGDB_E_CLASSNOTREG', hresult: 0x80040154, meaning: "the add-in's CLSID is not registered as a COM class" },
  { symbol: 'CO_E_SERVER_EXEC_FAILURE', hresult: 0x80080005, meaning: 'the add-in executable failed to start or to register its class factory' },
  { symbol: 'CO_E_NOTINITIALIZED', hresult: 0x800401f0, meaning: 'COM was not initialised on the calling thread' },
  { symbol: 'CO_E_OBJNOTCONNECTED', hresult: 0x800401fd, meaning: 'the object is not connected to its server' },
  { symbol: 'RPC_E_CALL_REJECTED', hresult: 0x80010001, meaning: 'the add-in rejected the call because it is busy (transient)' },
  { symbol: 'RPC_E_CALL_CANCELED', hresult: 0x80010002, meaning: 'the call was cancelled (by our own CoCancelCall at its deadline)' },
  { symbol: 'RPC_E_SERVERFAULT', hresult: 0x80010105, meaning: 'the add-in faulted (threw or crashed) while handling the call' },
  { symbol: 'RPC_E_CHANGED_MODE', hresult: 0x80010106, meaning: 'the thread was already initialised in another apartment model' },
  { symbol: 'RPC_E_DISCONNECTED', hresult: 0x80010108, meaning: 'the add-in disconnected from its clients (its process went away)' },
  { symbol: 'RPC_E_SERVERCALL_RETRYLATER', hresult: 0x8001010a, meaning: 'the add-in is busy; retry later (transient)' },
  { symbol: 'RPC_E_WRONG_THREAD', hresult: 0x8001010e, meaning: 'an interface pointer was used outside its apartment' },
  { symbol: 'RPC_E_TIMEOUT', hresult: 0x8001011f, meaning: 'the call timed out' },
  { symbol: 'RPC_S_SERVER_UNAVAILABLE', hresult: 0x800706ba, meaning: 'the RPC server is unavailable: the add-in process died or cannot be reached' },
  { symbol: 'RPC_S_CALL_FAILED', hresult: 0x800706be, meaning: 'the remote call failed in transit (the add-in process died during it)' },
  { symbol: 'ERROR_CANCELLED', hresult: 0x800704c7, meaning: 'the operation was cancelled by the user' },
  { symbol: 'ERROR_TIMEOUT', hresult: 0x800705b4, meaning: 'the operation timed out' },
  { symbol: 'ERROR_NOT_FOUND', hresult: 0x80070490, meaning: 'element not found' },
  { symbol: 'ERROR_NOT_SUPPORTED', hresult: 0x80070032, meaning: 'the request is not supported' },
  { symbol: 'VSS_E_BAD_STATE', hresult: 0x80042301, meaning: 'VSS: the object is in a state that does not allow this call' },
  { symbol: 'VSS_E_UNEXPECTED', hresult: 0x80042302, meaning: 'VSS: an unexpected error' },
  { symbol: 'VSS_E_OBJECT_NOT_FOUND', hresult: 0x80042308, meaning: 'VSS: the object was not found' },
];

const BY_VALUE: ReadonlyMap<number, KnownHresult> = new Map(KNOWN.map((k) => [k.hresult, k]));

/** Every known code, in table order. Both in-progress values are listed. */
export function knownHresults(): readonly KnownHresult[] {
  return KNOWN;
}

/** The value of `symbol`, or undefined. For WSBAPP_ASYNC_IN_PROGRESS: the SDK value 0x407A0004. */
export function hresultOf(symbol: string): number | undefined {
  return KNOWN.find((k) => k.symbol === symbol)?.hresult;
}

/** Well-known values as named constants, for code that compares or scripts statuses. */
export const HRESULT = {
  S_OK: 0x00000000,
  S_FALSE: 0x00000001,
  WSBAPP_ASYNC_IN_PROGRESS: 0x407a0004,
  /** The in-progress value metadata-generated bindings (e.g. Rust `windows`) carry. */
  WSBAPP_ASYNC_IN_PROGRESS_METADATA: 0x007a0004,
  WSBAPP_E_COMPONENT_CONSISTENCY_CHECK_FAILED: 0x807a0001,
  WSBAPP_E_COMPONENT_PRE_RESTORE_FAILED: 0x807a0002,
  WSBAPP_E_COMPONENT_POST_RESTORE_FAILED: 0x807a0003,
  E_NOTIMPL: 0x80004001,
  E_NOINTERFACE: 0x80004002,
  E_POINTER: 0x80004003,
  E_ABORT: 0x80004004,
  E_FAIL: 0x80004005,
  E_UNEXPECTED: 0x8000ffff,
  E_ACCESSDENIED: 0x80070005,
  E_OUTOFMEMORY: 0x8007000e,
  E_INVALIDARG: 0x80070057,
  REGDB_E_CLASSNOTREG: 0x80040154,
  CO_E_SERVER_EXEC_FAILURE: 0x80080005,
  CO_E_OBJNOTCONNECTED: 0x800401fd,
  RPC_E_CALL_CANCELED: 0x80010002,
  RPC_E_SERVERFAULT: 0x80010105,
  RPC_E_DISCONNECTED: 0x80010108,
  RPC_S_SERVER_UNAVAILABLE: 0x800706ba,
  RPC_S_CALL_FAILED: 0x800706be,
  ERROR_TIMEOUT: 0x800705b4,
  ERROR_NOT_FOUND: 0x80070490,
  ERROR_NOT_SUPPORTED: 0x80070032,
} as const;

/** An HRESULT taken apart. */
export interface DecodedHresult {
  /** The value as an unsigned 32-bit number. */
  readonly hresult: number;
  /** `0x807A0001` style: eight upper-case hex digits. */
  readonly hex: string;
  /** Bit 31: true when the value is a failure (FAILED()). */
  readonly failed: boolean;
  /** Bits 31..30: 0 success, 1 informational, 2 warning, 3 error (the NTSTATUS reading). */
  readonly severityBits: number;
  /** Bit 29: set on customer-defined codes. */
  readonly customer: boolean;
  /** Bit 28: set when the value is a mapped NTSTATUS. */
  readonly ntStatus: boolean;
  readonly facility: number;
  /** The facility's name, e.g. `WIN32`, or `FACILITY_0x3F` when unknown. */
  readonly facilityName: string;
  /** Bits 15..0. */
  readonly code: number;
  /** For `HRESULT_FROM_WIN32` values: the Win32 error number (bits 15..0); otherwise undefined. */
  readonly win32Error: number | undefined;
  /** The symbol when the value is in the known table. */
  readonly symbol: string | undefined;
  /** The one-line meaning when known. */
  readonly meaning: string | undefined;
}

/**
 * Normalise a 32-bit value given signed (`-2147467259`) or unsigned (`0x80004005`) to unsigned.
 * Throws RangeError for anything that is not an integer in [-2^31, 2^32).
 */
export function toUnsigned(value: number, field = 'hresult'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < -0x80000000 || value > 0xffffffff) {
    throw new RangeError(`${field} must be a 32-bit integer (signed or unsigned), got ${String(value)}`);
  }
  return value >>> 0;
}

/** `0x807A0001`: eight upper-case hex digits. */
export function toHex(value: number): string {
  return `0x${toUnsigned(value).toString(16).toUpperCase().padStart(8, '0')}`;
}

/** The value as a signed 32-bit number, the way C sees an HRESULT. */
export function toSigned(value: number): number {
  return toUnsigned(value) | 0;
}

/** Take an HRESULT apart: severity, facility (number and name), code, Win32 error, symbol. */
export function decode(value: number): DecodedHresult {
  const hresult = toUnsigned(value);
  const facility = (hresult >>> 16) & 0x7ff;
  const code = hresult & 0xffff;
  const failed = hresult >= 0x80000000;
  const known = BY_VALUE.get(hresult);
  return {
    hresult,
    hex: toHex(hresult),
    failed,
    severityBits: hresult >>> 30,
    customer: (hresult & 0x20000000) !== 0,
    ntStatus: (hresult & 0x10000000) !== 0,
    facility,
    facilityName: FACILITY_NAMES.get(facility) ?? `FACILITY_0x${facility.toString(16).toUpperCase()}`,
    code,
    win32Error: failed && facility === Facility.WIN32 && (hresult & 0x38000000) === 0 ? code : undefined,
    symbol: known?.symbol,
    meaning: known?.meaning,
  };
}

/** `HRESULT_FROM_WIN32(error)`, unsigned. */
export function fromWin32(error: number): number {
  if (!Number.isInteger(error) || error < 0 || error > 0xffffffff) {
    throw new RangeError(`win32 error must be a 32-bit unsigned integer, got ${String(error)}`);
  }
  if (error === 0 || error > 0xffff) return error >>> 0;
  return (0x80070000 | error) >>> 0;
}

/** True for a FAILED() value. */
export function isFailure(value: number): boolean {
  return toUnsigned(value) >= 0x80000000;
}

/**
 * True when a status means "still running": not FAILED, facility WSBAPP, code 4.
 * Covers 0x407A0004 (SDK) and 0x007A0004 (metadata bindings). Never use SUCCEEDED() for this:
 * SUCCEEDED(0x407A0004) is true.
 */
export function isInProgress(value: number): boolean {
  const hr = toUnsigned(value);
  return hr < 0x80000000 && ((hr >>> 16) & 0x7ff) === Facility.WSBAPP && (hr & 0xffff) === 4;
}

/** What one QueryStatus status means. */
export type StatusState = 'running' | 'succeeded' | 'succeeded-undocumented' | 'failed';

/** Classify an operation status (`*phrResult` of QueryStatus). */
export function classifyStatus(value: number): StatusState {
  const hr = toUnsigned(value);
  if (isInProgress(hr)) return 'running';
  if (hr === HRESULT.S_OK) return 'succeeded';
  if (hr < 0x80000000) return 'succeeded-undocumented';
  return 'failed';
}

/** Codes that mean the add-in's process or its connection is gone. */
const DISCONNECTED: ReadonlySet<number> = new Set([
  HRESULT.RPC_S_SERVER_UNAVAILABLE,
  HRESULT.RPC_S_CALL_FAILED,
  HRESULT.RPC_E_DISCONNECTED,
  HRESULT.CO_E_OBJNOTCONNECTED,
  HRESULT.RPC_E_SERVERFAULT,
]);

/** True for the codes that say the add-in disconnected or died. */
export function isDisconnection(value: number): boolean {
  return DISCONNECTED.has(toUnsigned(value));
}

/**
 * A readable sentence about `value`, e.g.
 * `0x407A0004 (WSBAPP_ASYNC_IN_PROGRESS) is a success code, facility WSBAPP (0x7A), code 4: ...`.
 */
export function explain(value: number): string {
  const d = decode(value);
  const name = d.symbol ? ` (${d.symbol})` : '';
  const kind = d.failed ? 'a failure' : 'a success code';
  const win32 = d.win32Error !== undefined ? `, Win32 error ${d.win32Error}` : '';
  const where = `facility ${d.facilityName} (0x${d.facility.toString(16).toUpperCase()}), code ${d.code}${win32}`;
  return `${d.hex}${name} is ${kind}, ${where}: ${meaningOf(d)}.`;
}

function meaningOf(d: DecodedHresult): string {
  if (isInProgress(d.hresult)) {
    return `${d.meaning ?? 'the operation is still in progress'}. As a QueryStatus status it means RUNNING, not done: keep polling (SUCCEEDED() is true for it, so never stop on SUCCEEDED)`;
  }
  if (d.meaning) return d.meaning;
  if (d.failed) return 'not a code this library knows; the operation or call failed';
  return 'not a status the WSB API defines; as a QueryStatus status it ends the operation as a success with an undocumented code';
}
