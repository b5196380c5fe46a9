/**
 * Mock scenarios: how users script mock add-ins, in code or in a JSON file.
 *
 * A scenario is written loosely (HRESULTs as symbols, hex strings or numbers; most fields
 * optional) and normalised once into {@link NormalizedScenario}: every HRESULT an unsigned
 * number, every default filled in. The TypeScript mock, the native mock add-in and the sample
 * out-of-process add-in all consume the normalised form, so one scenario drives every backend.
 */
import { readFileSync } from 'node:fs';
import { HRESULT, hresultOf, toUnsigned } from '../hresult';

/** An HRESULT as a scenario may write it: a number, `"0x807A0001"`, `"-2147467259"` or a symbol. */
export type HresultLike = number | string;

/** One QueryStatus answer. A bare HRESULT is `{ status }`. The last step repeats forever. */
export type StatusStep =
  | HresultLike
  | {
      /** The operation status the call reports. */
      status: HresultLike;
      /** How long the QueryStatus call takes before it answers. */
      delayMs?: number;
    }
  | {
      /** The QueryStatus *call* fails with this HRESULT, e.g. RPC_E_DISCONNECTED. */
      callFails: HresultLike;
      delayMs?: number;
    }
  | {
      /** The call returns S_OK without writing the status (a broken add-in). */
      unwritten: true;
      delayMs?: number;
    }
  | {
      /** The call never answers (until the operation is released). */
      hang: true;
    }
  | {
      /**
       * The add-in process dies during this call: it fails with RPC_S_CALL_FAILED and every
       * later call on the add-in with RPC_S_SERVER_UNAVAILABLE (what Wine and Windows report).
       */
      crash: true;
    };

/** How one component behaves. */
export interface ComponentScenario {
  /**
   * CheckConsistency: `"async"` (default), `"no-async"` (S_OK, nothing to poll), `"hang"` (never
   * answers until cancelled) or `{ fail }`.
   */
  check?: 'async' | 'no-async' | 'hang' | { fail: HresultLike };
  /** QueryStatus answers in order; the last one repeats. Default: `["S_OK"]`. */
  statuses?: StatusStep[];
  /** Abort's answer. Default: returns S_OK at once, and later statuses are E_ABORT. */
  abort?: {
    returns?: HresultLike;
    delayMs?: number;
    /** Abort never answers. */
    hang?: boolean;
    /** The status QueryStatus reports after Abort. Default E_ABORT. */
    statusAfter?: HresultLike;
  };
  /** What PreRestore returns, or `"hang"`: it never answers until cancelled. Default S_OK. */
  preRestore?: HresultLike | 'hang';
  /** What PostRestore returns, or `"hang"`. Default S_OK. */
  postRestore?: HresultLike | 'hang';
}

/** One application as a scenario writes it. */
export interface ApplicationScenario {
  writerId: string;
  identifier: string;
  /** The add-in CLSID, or null for an application without an add-in. Default: a fixed mock CLSID. */
  clsid?: string | null;
  /** Activation fails with this HRESULT (e.g. REGDB_E_CLASSNOTREG, E_ACCESSDENIED), or `"hang"`: it never answers. */
  activation?: HresultLike | 'hang';
  /** false: the add-in does not implement IWsbApplicationRestoreSupport (E_NOINTERFACE). */
  restoreSupport?: boolean;
  /** IsRollForwardSupported's answer, or `{ fail }`. Default false. */
  rollForwardSupported?: boolean | { fail: HresultLike };
  /** OrderComponents: component names in the wanted order, null for "any order" (default), `{ fail }`, or `"hang"` (never answers until cancelled). */
  orderComponents?: string[] | null | { fail: HresultLike } | 'hang';
  /** Per component name; `"*"` applies to any component not listed. */
  components?: Record<string, ComponentScenario>;
}

/** A whole scenario: the applications registered with the mock WSB. */
export interface Scenario {
  applications: ApplicationScenario[];
}

/** A normalised QueryStatus step. */
export type NormalizedStep =
  | { kind: 'status'; hresult: number; delayMs: number }
  | { kind: 'callFails'; hresult: number; delayMs: number }
  | { kind: 'unwritten'; delayMs: number }
  | { kind: 'hang' }
  | { kind: 'crash' };

export interface NormalizedComponent {
  /** 'async', 'no-async', 'hang', or 'fail' with `checkHresult`. */
  check: 'async' | 'no-async' | 'hang' | 'fail';
  checkHresult: number;
  statuses: NormalizedStep[];
  abort: { returns: number; delayMs: number; hang: boolean; statusAfter: number };
  /** An HRESULT, or 'hang': the call never answers until cancelled. */
  preRestore: number | 'hang';
  postRestore: number | 'hang';
}

export interface NormalizedApplication {
  writerId: string;
  identifier: string;
  clsid: string | null;
  /** 0 when activation succeeds; 'hang': it never answers. */
  activation: number | 'hang';
  restoreSupport: boolean;
  rollForward: { fail: boolean; hresult: number; supported: boolean };
  /** `hang`: the call never answers until cancelled (absent in older normalised files: false). */
  orderComponents: { fail: boolean; hresult: number; order: string[] | null; hang?: boolean };
  components: Record<string, NormalizedComponent>;
}

export interface NormalizedScenario {
  /** Marks the normalised form, so normalising twice is harmless (and JSON keeps the mark). */
  normalized: true;
  applications: NormalizedApplication[];
}

/** The CLSID mock applications get when the scenario does not name one. */
export const MOCK_CLSID = '{0D5A7E2C-6B1F-4C8E-9A3D-5E7F1B2C4D6A}';

const GUID = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;

/** `{UPPER-CASE}` form of a GUID, or a TypeError naming `field`. */
export function canonicalGuid(value: unknown, field: string): string {
  if (typeof value !== 'string' || !GUID.test(value)) {
    throw new TypeError(`${field} must be a GUID such as {1EFF3510-4A27-46AD-B9E0-08332F0F4F6D}, got ${JSON.stringify(value)}`);
  }
  return `{${value.replace(/[{}]/g, '').toUpperCase()}}`;
}

/** Parse an HRESULT written as a number, hex or decimal string, or symbol. */
export function parseHresult(value: unknown, field: string): number {
  if (typeof value === 'number') return toUnsigned(value, field);
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TypeError(`${field} must be an HRESULT (number, "0x..." or a symbol such as "E_FAIL"), got ${JSON.stringify(value)}`);
  }
  const text = value.trim();
  if (/^0x[0-9a-f]{1,8}$/i.test(text)) return Number.parseInt(text.slice(2), 16) >>> 0;
  if (/^-?\d+$/.test(text)) return toUnsigned(Number(text), field);
  const bySymbol = hresultOf(text.toUpperCase());
  if (bySymbol === undefined) throw new TypeError(`${field}: unknown HRESULT symbol ${JSON.stringify(value)}`);
  return bySymbol;
}

function delayOf(value: unknown, field: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${field} must be a finite number of milliseconds >= 0, got ${String(value)}`);
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function normalizeStep(step: unknown, field: string): NormalizedStep {
  if (!isObject(step)) return { kind: 'status', hresult: parseHresult(step, field), delayMs: 0 };
  if (step.hang === true) return { kind: 'hang' };
  if (step.crash === true) return { kind: 'crash' };
  const delayMs = delayOf(step.delayMs, `${field}.delayMs`);
  if (step.unwritten === true) return { kind: 'unwritten', delayMs };
  if ('callFails' in step) return { kind: 'callFails', hresult: parseHresult(step.callFails, `${field}.callFails`), delayMs };
  if ('status' in step) return { kind: 'status', hresult: parseHresult(step.status, `${field}.status`), delayMs };
  throw new TypeError(`${field} must be an HRESULT or an object with status, callFails, unwritten, hang or crash`);
}

function normalizeCheck(check: unknown, field: string): Pick<NormalizedComponent, 'check' | 'checkHresult'> {
  if (check === undefined || check === 'async') return { check: 'async', checkHresult: HRESULT.S_OK };
  if (check === 'no-async' || check === 'hang') return { check, checkHresult: HRESULT.S_OK };
  if (isObject(check) && 'fail' in check) return { check: 'fail', checkHresult: parseHresult(check.fail, `${field}.fail`) };
  throw new TypeError(`${field} must be "async", "no-async", "hang" or { "fail": HRESULT }, got ${JSON.stringify(check)}`);
}

/** An HRESULT (S_OK when absent), or the word `hang`. */
function hresultOrHang(value: unknown, field: string): number | 'hang' {
  if (value === 'hang') return 'hang';
  return value === undefined ? HRESULT.S_OK : parseHresult(value, field);
}

function normalizeComponent(raw: unknown, field: string): NormalizedComponent {
  if (!isObject(raw)) throw new TypeError(`${field} must be an object`);
  const statuses = raw.statuses ?? ['S_OK'];
  if (!Array.isArray(statuses) || statuses.length === 0) throw new TypeError(`${field}.statuses must be a non-empty array`);
  const abort = raw.abort ?? {};
  if (!isObject(abort)) throw new TypeError(`${field}.abort must be an object`);
  return {
    ...normalizeCheck(raw.check, `${field}.check`),
    statuses: statuses.map((s, i) => normalizeStep(s, `${field}.statuses[${i}]`)),
    abort: {
      returns: abort.returns === undefined ? HRESULT.S_OK : parseHresult(abort.returns, `${field}.abort.returns`),
      delayMs: delayOf(abort.delayMs, `${field}.abort.delayMs`),
      hang: abort.hang === true,
      statusAfter: abort.statusAfter === undefined ? HRESULT.E_ABORT : parseHresult(abort.statusAfter, `${field}.abort.statusAfter`),
    },
    preRestore: hresultOrHang(raw.preRestore, `${field}.preRestore`),
    postRestore: hresultOrHang(raw.postRestore, `${field}.postRestore`),
  };
}

function normalizeFailable<T>(raw: unknown, field: string, parse: (v: unknown) => T): { fail: boolean; hresult: number; value: T } {
  if (isObject(raw) && 'fail' in raw) return { fail: true, hresult: parseHresult(raw.fail, `${field}.fail`), value: parse(undefined) };
  return { fail: false, hresult: HRESULT.S_OK, value: parse(raw) };
}

function parseOrder(raw: unknown, field: string): string[] | null {
  if (raw === undefined || raw === null) return null;
  if (!Array.isArray(raw) || !raw.every((n) => typeof n === 'string')) throw new TypeError(`${field} must be an array of component names, null, or { fail }`);
  return raw;
}

function normalizeApplication(raw: unknown, field: string): NormalizedApplication {
  if (!isObject(raw)) throw new TypeError(`${field} must be an object`);
  if (typeof raw.identifier !== 'string' || raw.identifier === '') {
    throw new TypeError(`${field}.identifier must be a non-empty string, got ${JSON.stringify(raw.identifier)}`);
  }
  const components = raw.components ?? {};
  if (!isObject(components)) throw new TypeError(`${field}.components must be an object keyed by component name`);
  const orderHangs = raw.orderComponents === 'hang';
  const order = normalizeFailable(orderHangs ? null : raw.orderComponents, `${field}.orderComponents`, (v) => parseOrder(v, `${field}.orderComponents`));
  const roll = normalizeFailable(raw.rollForwardSupported, `${field}.rollForwardSupported`, (v) => v === true);
  return {
    writerId: canonicalGuid(raw.writerId, `${field}.writerId`),
    identifier: raw.identifier,
    clsid: raw.clsid === null ? null : canonicalGuid(raw.clsid ?? MOCK_CLSID, `${field}.clsid`),
    activation: hresultOrHang(raw.activation, `${field}.activation`),
    restoreSupport: raw.restoreSupport !== false,
    rollForward: { fail: roll.fail, hresult: roll.hresult, supported: roll.value },
    orderComponents: { fail: order.fail, hresult: order.hresult, order: order.value, hang: orderHangs },
    components: Object.fromEntries(
      Object.entries(components).map(([name, c]) => [name, normalizeComponent(c, `${field}.components[${JSON.stringify(name)}]`)]),
    ),
  };
}

/** Check and normalise a scenario. Throws TypeError/RangeError naming the offending field. */
export function normalizeScenario(scenario: Scenario | NormalizedScenario | unknown): NormalizedScenario {
  if (!isObject(scenario) || !Array.isArray(scenario.applications)) {
    throw new TypeError('scenario must be an object with an "applications" array');
  }
  if (scenario.normalized === true) return scenario as unknown as NormalizedScenario;
  return { normalized: true, applications: scenario.applications.map((a, i) => normalizeApplication(a, `scenario.applications[${i}]`)) };
}

/** Read and normalise a JSON scenario file. */
export function loadScenarioFile(path: string): NormalizedScenario {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new TypeError(`cannot read scenario file ${path}: ${(error as Error).message}`, { cause: error });
  }
  return normalizeScenario(parsed);
}

/** The script of `component` in `app`: its own entry, else `"*"`, else the default (S_OK at once). */
export function componentScript(app: NormalizedApplication, component: string | null): NormalizedComponent {
  return app.components[component ?? ''] ?? app.components['*'] ?? normalizeComponent({}, 'default');
}
