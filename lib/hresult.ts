/**
 * The HRESULT model: decoding, the codes a WSB client meets, and the classification of a
 * QueryStatus result. Pure functions.
 *
 * The data: lib/wsb-codes.json, the codes a WSB client meets with wsbapp's own one-line meanings;
 * lib/hresult-known.json, their values, generated from Windows' headers with the whole table
 * (lib/hresult-table.json, searched by hresult-lookup.ts) by scripts/gen-hresults.js.
 */
import KNOWN_VALUES from './hresult-known.json';
import { hex8, namesOf, valueNamed } from './hresult-lookup';
import { invalidType, invalidValue, outOfRange } from './input-errors';
import WSB_CODES from './wsb-codes.json';

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

const FACILITY_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(Facility).map(([name, value]) => [value, name]));

/** A symbol of a code a WSB client meets: the keys of {@link HRESULT}, the codes with a meaning. */
export type WsbHresultSymbol = keyof typeof WSB_CODES;

/** A code a WSB client meets: its symbol, its value and wsbapp's one-line meaning. */
export interface KnownHresult {
  readonly symbol: WsbHresultSymbol;
  readonly hresult: number;
  readonly meaning: string;
}

const KNOWN: readonly KnownHresult[] = (Object.keys(WSB_CODES) as WsbHresultSymbol[]).map((symbol) => ({
  symbol,
  hresult: Number.parseInt(KNOWN_VALUES.values[symbol], 16),
  meaning: WSB_CODES[symbol].meaning,
}));
const KNOWN_BY_VALUE: ReadonlyMap<number, KnownHresult> = new Map(KNOWN.map((k) => [k.hresult, k]));
const KNOWN_BY_SYMBOL: ReadonlyMap<string, KnownHresult> = new Map(KNOWN.map((k) => [k.symbol, k]));

/** The codes a WSB client meets, with wsbapp's meanings (lib/wsb-codes.json order). */
export function knownHresults(): readonly KnownHresult[] {
  return KNOWN;
}

/**
 * The value of any symbol Windows' headers or the WSB SDK define (`ERROR_FILE_NOT_FOUND`,
 * `VSS_E_UNEXPECTED_PROVIDER_ERROR`, ...), case-insensitively; undefined when unknown.
 * Win32 `ERROR_*` codes give their `HRESULT_FROM_WIN32` value.
 */
export function hresultOf(symbol: string): number | undefined {
  const upper = symbol.toUpperCase();
  if (!/^[A-Z_][A-Z0-9_]*$/.test(upper)) return undefined;
  return KNOWN_BY_SYMBOL.get(upper)?.hresult ?? valueNamed(upper);
}

/** Every name of `value` in the table, the one it is shown with first; empty when unknown. */
export function symbolsOf(value: number): readonly string[] {
  return namesOf(toUnsigned(value));
}

/** The codes a WSB client meets as named constants, for code that compares or scripts statuses. */
export const HRESULT: { readonly [S in WsbHresultSymbol]: number } = Object.freeze(
  Object.fromEntries(KNOWN.map((k) => [k.symbol, k.hresult])) as Record<WsbHresultSymbol, number>,
);

/**
 * Parse an HRESULT written as a number, a hex (`"0x80004005"`) or decimal (`"-2147467259"`)
 * string, or a symbol (`"E_FAIL"`, `"ERROR_FILE_NOT_FOUND"`, any case). Otherwise a TypeError
 * naming `field` (`code` ERR_INVALID_ARG_TYPE, or ERR_INVALID_ARG_VALUE for a string that is none of these).
 */
export function parseHresult(value: unknown, field = 'hresult'): number {
  if (typeof value === 'number') return toUnsigned(value, field);
  if (typeof value !== 'string' || value.trim() === '') {
    const message = `${field} must be an HRESULT (number, "0x..." or a symbol such as "E_FAIL"), got ${JSON.stringify(value)}`;
    throw typeof value === 'string' ? invalidValue(message) : invalidType(message);
  }
  const text = value.trim();
  if (/^0x[0-9a-f]{1,8}$/i.test(text)) return Number.parseInt(text.slice(2), 16) >>> 0;
  if (/^-?\d+$/.test(text)) return toUnsigned(Number(text), field);
  const bySymbol = hresultOf(text);
  if (bySymbol === undefined) throw invalidValue(`${field}: unknown HRESULT symbol ${JSON.stringify(value)}`);
  return bySymbol;
}

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
  /** The symbol the value is shown with, when the table knows it (see {@link symbolsOf} for all). */
  readonly symbol: string | undefined;
  /** wsbapp's one-line meaning, for the codes a WSB client meets. */
  readonly meaning: string | undefined;
}

/**
 * Normalise a 32-bit value given signed (`-2147467259`) or unsigned (`0x80004005`) to unsigned.
 * Throws RangeError (`code` ERR_OUT_OF_RANGE) for anything that is not an integer in [-2^31, 2^32).
 */
export function toUnsigned(value: number, field = 'hresult'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < -0x80000000 || value > 0xffffffff) {
    throw outOfRange(`${field} must be a 32-bit integer (signed or unsigned), got ${String(value)}`);
  }
  return value >>> 0;
}

/** `0x807A0001`: eight upper-case hex digits. */
export function toHex(value: number): string {
  return `0x${hex8(toUnsigned(value))}`;
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
  const known = KNOWN_BY_VALUE.get(hresult);
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
    // The project's codes lead their lines in the table (the generator's first rule).
    symbol: known?.symbol ?? symbolsOf(hresult)[0],
    meaning: known?.meaning,
  };
}

/** `HRESULT_FROM_WIN32(error)`, unsigned. */
export function fromWin32(error: number): number {
  if (!Number.isInteger(error) || error < 0 || error > 0xffffffff) {
    throw outOfRange(`win32 error must be a 32-bit unsigned integer, got ${String(error)}`);
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
  const known = d.symbol ? 'a code Windows defines, with no WSB-specific meaning' : 'not a code Windows or wsbapp defines';
  if (d.failed) return `${known}; the operation or call failed`;
  return `${known}; not a status the WSB API defines: as a QueryStatus status it ends the operation as a success with an undocumented code`;
}
