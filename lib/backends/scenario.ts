/**
 * Mock scenarios: how users script mock add-ins, in code or in a JSON file.
 *
 * A scenario is written loosely (HRESULTs as symbols, hex strings or numbers; most fields
 * optional) and normalised once into {@link NormalizedScenario}: every HRESULT an unsigned
 * number, every default filled in, every delay a whole number of milliseconds. Unknown keys are
 * refused at every level (a typo must not turn a failure-path test into one that passes). The
 * TypeScript mock plays the normalised form here; the native mock and the sample out-of-process
 * add-in read it again in C++ (native/scenario/), which checks it once more.
 */
import { readFileSync } from 'node:fs';
import { ScenarioError } from '../errors';
import { canonicalGuid } from '../guid';
import { HRESULT, parseHresult } from '../hresult';
import { invalidType, invalidValue } from '../input-errors';
import { bad, checked, delayOf, isObject, locationOf, optionalHresult, rejectUnknown, strictObject } from './scenario-fields';
import type { ComponentRef } from './types';
import { normalizeVss, type NormalizedVss, type VssScenario } from '../vss/scenario';

/** An HRESULT as a scenario may write it: a number, `"0x807A0001"`, `"-2147467259"` or a symbol. */
export type HresultLike = number | string;

/** A call that never answers (until it is cancelled, the add-in released or the host torn down). */
export type Hang = 'hang';

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
       * With `afterMs`, the call still answers WSBAPP_ASYNC_IN_PROGRESS and the process dies
       * that long after it returned: the next call finds the server gone.
       */
      crash: true;
      afterMs?: number;
    };

/** How one component behaves. */
export interface ComponentScenario {
  /**
   * CheckConsistency: `"async"` (default), `"no-async"` (S_OK, nothing to poll), `"hang"` (never
   * answers until cancelled) or `{ fail }`; `{ fail, operation: true }` also writes an async
   * object with the failure code (a broken add-in: the client must release it).
   */
  check?: 'async' | 'no-async' | Hang | { fail: HresultLike; operation?: boolean };
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
  /** What PreRestore returns, or `"hang"`. Default S_OK. */
  preRestore?: HresultLike | Hang;
  /** What PostRestore returns, or `"hang"`. Default S_OK. */
  postRestore?: HresultLike | Hang;
}

/** How a scripted out-of-process server lives (ApplicationScenario.lifetime). */
export const SERVER_LIFETIMES = ['pooled', 'single-use'] as const;
export type ServerLifetime = (typeof SERVER_LIFETIMES)[number];

/** One application as a scenario writes it. */
export interface ApplicationScenario {
  writerId: string;
  identifier: string;
  /** The add-in CLSID, or null for an application without an add-in. Default: a fixed mock CLSID. */
  clsid?: string | null;
  /** Activation fails with this HRESULT (e.g. REGDB_E_CLASSNOTREG, E_ACCESSDENIED), or `"hang"`s. */
  activation?: HresultLike | Hang;
  /** false: the add-in does not implement IWsbApplicationRestoreSupport (E_NOINTERFACE). */
  restoreSupport?: boolean;
  /**
   * How the sample out-of-process add-in's server lives (the in-process mocks have no process
   * and ignore it). `"pooled"` (default): a released server registers its class again and
   * serves another activation for the registry's IdleSeconds. `"single-use"`: as ATL-style
   * local servers do, a `REGCLS_SINGLEUSE | REGCLS_SUSPENDED` class object, one activation per
   * process, and the process exits at the last Release.
   */
  lifetime?: ServerLifetime;
  /** IsRollForwardSupported's answer, `{ fail }` or `"hang"`. Default false. */
  rollForwardSupported?: boolean | { fail: HresultLike } | Hang;
  /**
   * OrderComponents: component names in the wanted order (the others follow in the order given),
   * null for "any order" (NULL arrays, the default), `{ fail }`, `"hang"`, or `{ returns }`:
   * exactly that list whatever it was given (so a scenario can return a non-permutation). The
   * interface sizes the answer by the input count: a longer list is cut to it, and a shorter one
   * leaves NULL entries (a broken add-in).
   */
  orderComponents?: string[] | null | { fail: HresultLike } | { returns: ComponentRef[] } | Hang;
  /** Per component name; `"*"` applies to any component not listed. */
  components?: Record<string, ComponentScenario>;
}

/** A whole scenario: the applications registered with the mock WSB. */
export interface Scenario {
  applications: ApplicationScenario[];
  /** The machine's VSS writers and what each VSS call answers (checks on a snapshot; lib/vss/scenario.ts). */
  vss?: VssScenario;
}

/** A normalised QueryStatus step. */
export type NormalizedStep =
  | { kind: 'status'; hresult: number; delayMs: number }
  | { kind: 'callFails'; hresult: number; delayMs: number }
  | { kind: 'unwritten'; delayMs: number }
  | { kind: 'hang' }
  | { kind: 'crash'; afterMs: number };

/** A call answered with an HRESULT, or never. */
export interface NormalizedAnswer {
  hang: boolean;
  /** What the call returns when it does not hang. */
  hresult: number;
}

/** A normalised component script. */
export interface NormalizedComponent {
  /** 'async', 'no-async', 'hang', or 'fail' with `checkHresult`. */
  check: 'async' | 'no-async' | 'hang' | 'fail';
  checkHresult: number;
  /** With check 'fail': an async object is written anyway. */
  checkOperation: boolean;
  statuses: NormalizedStep[];
  abort: { returns: number; delayMs: number; hang: boolean; statusAfter: number };
  preRestore: NormalizedAnswer;
  postRestore: NormalizedAnswer;
}

/** A normalised application script. */
export interface NormalizedApplication {
  writerId: string;
  identifier: string;
  clsid: string | null;
  /** `hresult` 0 when activation succeeds. */
  activation: NormalizedAnswer;
  restoreSupport: boolean;
  lifetime: ServerLifetime;
  rollForward: { kind: 'answer' | 'fail' | 'hang'; hresult: number; supported: boolean };
  /** 'any': NULL arrays; 'order': `order` first, then the rest as given; 'returns': exactly `returns`. */
  orderComponents: { kind: 'any' | 'order' | 'returns' | 'fail' | 'hang'; hresult: number; order: string[]; returns: ComponentRef[] };
  components: Record<string, NormalizedComponent>;
}

/** A normalised scenario, what every engine plays. */
export interface NormalizedScenario {
  /** Marks the normalised form, so normalising twice is harmless (and JSON keeps the mark). */
  normalized: true;
  applications: NormalizedApplication[];
  /** Present when the scenario scripts VSS. */
  vss?: NormalizedVss;
}

/** The CLSID mock applications get when the scenario does not name one. */
export const MOCK_CLSID = '{0D5A7E2C-6B1F-4C8E-9A3D-5E7F1B2C4D6A}';

function answerOf(value: unknown, field: string): NormalizedAnswer {
  return value === 'hang' ? { hang: true, hresult: HRESULT.S_OK } : { hang: false, hresult: optionalHresult(value, field, HRESULT.S_OK) };
}

const STEP_KINDS = ['status', 'callFails', 'unwritten', 'hang', 'crash'] as const;

function normalizeStep(step: unknown, field: string): NormalizedStep {
  if (!isObject(step)) return { kind: 'status', hresult: checked(parseHresult, step, field), delayMs: 0 };
  const kind = STEP_KINDS.find((k) => k in step);
  if (kind === undefined) {
    rejectUnknown(step, [...STEP_KINDS, 'delayMs'], field);
    throw bad(invalidValue, field, `must be an HRESULT or an object with one of ${STEP_KINDS.join(', ')}`);
  }
  if (kind === 'hang' || kind === 'crash') {
    strictObject(step, kind === 'crash' ? [kind, 'afterMs'] : [kind], field);
    if (step[kind] !== true) throw bad(invalidValue, `${field}.${kind}`, `must be true, got ${JSON.stringify(step[kind])}`);
    return kind === 'crash' ? { kind, afterMs: delayOf(step.afterMs, `${field}.afterMs`) } : { kind };
  }
  strictObject(step, [kind, 'delayMs'], field);
  const delayMs = delayOf(step.delayMs, `${field}.delayMs`);
  if (kind === 'unwritten') {
    if (step.unwritten !== true) throw bad(invalidValue, `${field}.unwritten`, `must be true, got ${JSON.stringify(step.unwritten)}`);
    return { kind, delayMs };
  }
  return { kind, hresult: checked(parseHresult, step[kind], `${field}.${kind}`), delayMs };
}

function normalizeCheck(check: unknown, field: string): Pick<NormalizedComponent, 'check' | 'checkHresult' | 'checkOperation'> {
  if (check === undefined || check === 'async' || check === 'no-async' || check === 'hang') {
    return { check: check ?? 'async', checkHresult: HRESULT.S_OK, checkOperation: false };
  }
  if (!isObject(check))
    throw bad(invalidValue, field, `must be "async", "no-async", "hang" or { "fail": HRESULT }, got ${JSON.stringify(check)}`);
  strictObject(check, ['fail', 'operation'], field);
  if (check.operation !== undefined && typeof check.operation !== 'boolean') {
    throw bad(invalidType, `${field}.operation`, `must be a boolean, got ${JSON.stringify(check.operation)}`);
  }
  return { check: 'fail', checkHresult: checked(parseHresult, check.fail, `${field}.fail`), checkOperation: check.operation === true };
}

const COMPONENT_KEYS = ['check', 'statuses', 'abort', 'preRestore', 'postRestore'] as const;
const ABORT_KEYS = ['returns', 'delayMs', 'hang', 'statusAfter'] as const;

function normalizeComponent(raw: unknown, field: string): NormalizedComponent {
  const component = strictObject(raw, COMPONENT_KEYS, field);
  const statuses = component.statuses ?? ['S_OK'];
  if (!Array.isArray(statuses) || statuses.length === 0) throw bad(invalidType, `${field}.statuses`, 'must be a non-empty array');
  const abort = strictObject(component.abort ?? {}, ABORT_KEYS, `${field}.abort`);
  if (abort.hang !== undefined && typeof abort.hang !== 'boolean')
    throw bad(invalidType, `${field}.abort.hang`, `must be a boolean, got ${JSON.stringify(abort.hang)}`);
  return {
    ...normalizeCheck(component.check, `${field}.check`),
    statuses: statuses.map((s, i) => normalizeStep(s, `${field}.statuses[${i}]`)),
    abort: {
      returns: optionalHresult(abort.returns, `${field}.abort.returns`, HRESULT.S_OK),
      delayMs: delayOf(abort.delayMs, `${field}.abort.delayMs`),
      hang: abort.hang === true,
      statusAfter: optionalHresult(abort.statusAfter, `${field}.abort.statusAfter`, HRESULT.E_ABORT),
    },
    preRestore: answerOf(component.preRestore, `${field}.preRestore`),
    postRestore: answerOf(component.postRestore, `${field}.postRestore`),
  };
}

function normalizeRollForward(raw: unknown, field: string): NormalizedApplication['rollForward'] {
  if (raw === 'hang') return { kind: 'hang', hresult: HRESULT.S_OK, supported: false };
  if (raw === undefined || typeof raw === 'boolean') return { kind: 'answer', hresult: HRESULT.S_OK, supported: raw === true };
  if (!isObject(raw)) throw bad(invalidValue, field, `must be a boolean, { "fail": HRESULT } or "hang", got ${JSON.stringify(raw)}`);
  strictObject(raw, ['fail'], field);
  return { kind: 'fail', hresult: checked(parseHresult, raw.fail, `${field}.fail`), supported: false };
}

function componentRef(raw: unknown, field: string): ComponentRef {
  const ref = strictObject(raw, ['name', 'logicalPath'], field);
  for (const key of ['name', 'logicalPath'] as const) {
    if (typeof ref[key] !== 'string') throw bad(invalidType, `${field}.${key}`, `must be a string, got ${JSON.stringify(ref[key])}`);
  }
  return { name: ref.name as string, logicalPath: ref.logicalPath as string };
}

function normalizeOrder(raw: unknown, field: string): NormalizedApplication['orderComponents'] {
  const none = { hresult: HRESULT.S_OK, order: [], returns: [] };
  if (raw === undefined || raw === null) return { kind: 'any', ...none };
  if (raw === 'hang') return { kind: 'hang', ...none };
  if (Array.isArray(raw)) {
    raw.forEach((name, i) => {
      if (typeof name !== 'string') throw bad(invalidType, `${field}[${i}]`, `must be a component name, got ${JSON.stringify(name)}`);
    });
    return { kind: 'order', ...none, order: raw as string[] };
  }
  if (!isObject(raw))
    throw bad(invalidValue, field, `must be an array of names, null, { "fail" }, { "returns" } or "hang", got ${JSON.stringify(raw)}`);
  if ('returns' in raw) {
    strictObject(raw, ['returns'], field);
    if (!Array.isArray(raw.returns)) throw bad(invalidType, `${field}.returns`, 'must be an array of { name, logicalPath }');
    return { kind: 'returns', ...none, returns: raw.returns.map((r, i) => componentRef(r, `${field}.returns[${i}]`)) };
  }
  strictObject(raw, ['fail', 'returns'], field);
  return { kind: 'fail', ...none, hresult: checked(parseHresult, raw.fail, `${field}.fail`) };
}

const APPLICATION_KEYS = [
  'writerId',
  'identifier',
  'clsid',
  'activation',
  'restoreSupport',
  'lifetime',
  'rollForwardSupported',
  'orderComponents',
  'components',
] as const;

function normalizeApplication(raw: unknown, field: string): NormalizedApplication {
  const app = strictObject(raw, APPLICATION_KEYS, field);
  if (typeof app.identifier !== 'string' || app.identifier === '') {
    throw bad(invalidType, `${field}.identifier`, `must be a non-empty string, got ${JSON.stringify(app.identifier)}`);
  }
  if (app.restoreSupport !== undefined && typeof app.restoreSupport !== 'boolean') {
    throw bad(invalidType, `${field}.restoreSupport`, `must be a boolean, got ${JSON.stringify(app.restoreSupport)}`);
  }
  if (app.lifetime !== undefined && !SERVER_LIFETIMES.includes(app.lifetime as ServerLifetime)) {
    throw bad(invalidValue, `${field}.lifetime`, `must be one of ${SERVER_LIFETIMES.join(', ')}, got ${JSON.stringify(app.lifetime)}`);
  }
  const components = app.components ?? {};
  if (!isObject(components)) throw bad(invalidType, `${field}.components`, 'must be an object keyed by component name');
  return {
    writerId: checked(canonicalGuid, app.writerId, `${field}.writerId`),
    identifier: app.identifier,
    clsid: app.clsid === null ? null : checked(canonicalGuid, app.clsid ?? MOCK_CLSID, `${field}.clsid`),
    activation: answerOf(app.activation, `${field}.activation`),
    restoreSupport: app.restoreSupport !== false,
    lifetime: (app.lifetime as ServerLifetime | undefined) ?? 'pooled',
    rollForward: normalizeRollForward(app.rollForwardSupported, `${field}.rollForwardSupported`),
    orderComponents: normalizeOrder(app.orderComponents, `${field}.orderComponents`),
    components: Object.fromEntries(
      Object.entries(components).map(([name, c]) => [name, normalizeComponent(c, `${field}.components[${JSON.stringify(name)}]`)]),
    ),
  };
}

/**
 * Check and normalise a scenario. Throws a TypeError/RangeError (with a Node-style `code`) naming
 * the JSON path of the offending field; an unknown key names the nearest valid one.
 */
export function normalizeScenario(scenario: Scenario | NormalizedScenario | unknown): NormalizedScenario {
  if (!isObject(scenario) || !Array.isArray(scenario.applications)) {
    throw invalidType('scenario must be an object with an "applications" array');
  }
  if (scenario.normalized === true) return scenario as unknown as NormalizedScenario;
  rejectUnknown(scenario, ['applications', 'vss'], 'scenario');
  const applications = scenario.applications.map((a, i) => normalizeApplication(a, `scenario.applications[${i}]`));
  return scenario.vss === undefined
    ? { normalized: true, applications }
    : { normalized: true, applications, vss: normalizeVss(scenario.vss, 'scenario.vss') };
}

/**
 * Read and normalise a JSON scenario file.
 * @throws ScenarioError (`ERR_WSB_SCENARIO`) naming the file and the problem (with its JSON path)
 */
export function loadScenarioFile(path: string): NormalizedScenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ScenarioError(`cannot read it: ${(error as Error).message}`, { file: path, cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(`not valid JSON: ${(error as Error).message}`, { file: path, cause: error });
  }
  try {
    return normalizeScenario(parsed);
  } catch (error) {
    const where = locationOf(error);
    if (where !== undefined) throw new ScenarioError(where.problem, { file: path, path: where.path, cause: error });
    if (error instanceof TypeError || error instanceof RangeError)
      throw new ScenarioError((error as Error).message, { file: path, cause: error });
    throw error;
  }
}

/** The script of `component` in `app`: its own entry, else `"*"`, else the default (S_OK at once). */
export function componentScript(app: NormalizedApplication, component: string | null): NormalizedComponent {
  return app.components[component ?? ''] ?? app.components['*'] ?? normalizeComponent({}, 'default');
}
