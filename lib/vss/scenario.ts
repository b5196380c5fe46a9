/**
 * The `vss` section of a scenario: the machine's VSS writers and volumes as a scripted fake
 * requester side plays them, and what each VSS call answers. Written loosely, normalised once
 * (like the rest of the scenario, lib/backends/scenario.ts), unknown keys refused.
 *
 *   "vss": {
 *     "writers": [{ "writerId": "{...}", "name": "Contoso Mail Writer", "state": "stable",
 *                   "components": [{ "name": "db", "logicalPath": "Mail", "files": ["C:\\Mail\\db.edb"] }] }],
 *     "volumes": { "C:\\": "\\\\?\\Volume{...}\\" },
 *     "calls": { "CreateVssBackupComponents": "E_ACCESSDENIED",
 *                "StartSnapshotSet": { "fail": "VSS_E_SNAPSHOT_SET_IN_PROGRESS", "times": 2 },
 *                "DoSnapshotSet": { "hang": true, "ignoresCancel": true } }
 *   }
 */
import { canonicalGuid } from '../guid';
import { HRESULT } from '../hresult';
import { invalidType, invalidValue } from '../input-errors';
import { bad, checked, delayOf, isObject, optionalHresult, strictObject } from '../backends/scenario-fields';
import { VSS_CALLS, WRITER_STATES, type VssCall, type WriterComponent } from './types';

/** What one VSS call does, as a scenario writes it: an HRESULT it fails with, `"hang"`, or the object form. */
export type VssCallScenario =
  | string
  | number
  | {
      /** The call (or its async's final status) fails with this HRESULT... */
      fail?: string | number;
      /** ...the first `times` times, then succeeds (default: every time). */
      times?: number;
      /** How long it takes before it answers. */
      delayMs?: number;
      /** Its wait never ends on its own. */
      hang?: boolean;
      /**
       * IVssAsync::Cancel does not end the wait: with `hang` nothing does (only the process's end),
       * with `delayMs` it still ends then, as it would have (a wait that finishes despite a Cancel).
       */
      ignoresCancel?: boolean;
    };

export interface VssWriterScenario {
  writerId: string;
  /** Default: derived from the writer id. */
  instanceId?: string;
  name: string;
  /** A VSS_WRITER_STATE name (`stable`, `failed-at-freeze`, ...) or value; default stable. */
  state?: string | number;
  /** The writer's last error (VSS_E_WRITERERROR_*); default S_OK. */
  lastError?: string | number;
  /** The state GatherWriterStatus reports once PrepareForBackup or DoSnapshotSet ran (a writer that fails mid-backup). */
  failsAt?: 'prepare' | 'snapshot';
  components?: WriterComponent[];
  /** SaveAsXML's document; default one generated from the components. */
  metadataXml?: string;
}

export interface VssScenario {
  writers?: VssWriterScenario[];
  /** Mount point (`C:\`) to volume name (`\\?\Volume{GUID}\`). */
  volumes?: Record<string, string>;
  calls?: Partial<Record<VssCall, VssCallScenario>>;
}

export interface NormalizedVssCall {
  /** S_OK, or what it fails with (the first `times` calls; -1 every time). */
  hresult: number;
  times: number;
  delayMs: number;
  hang: boolean;
  ignoresCancel: boolean;
}

export interface NormalizedWriter {
  writerId: string;
  instanceId: string;
  name: string;
  state: number;
  lastError: number;
  failsAt: 'prepare' | 'snapshot' | null;
  components: WriterComponent[];
  metadataXml: string;
}

export interface NormalizedVss {
  writers: NormalizedWriter[];
  volumes: { mountPoint: string; volume: string }[];
  calls: Record<VssCall, NormalizedVssCall>;
}

/** The most calls `times` may name: what the C++ reader takes (kMaxDelayMs there, 2^31-1). */
const MAX_TIMES = 2147483647;
const SUCCEEDS: NormalizedVssCall = { hresult: HRESULT.S_OK, times: -1, delayMs: 0, hang: false, ignoresCancel: false };
const CALL_KEYS = ['fail', 'times', 'delayMs', 'hang', 'ignoresCancel'] as const;

function normalizeCall(raw: unknown, field: string): NormalizedVssCall {
  if (raw === undefined) return SUCCEEDS;
  if (raw === 'hang') return { ...SUCCEEDS, hang: true };
  if (!isObject(raw)) return { ...SUCCEEDS, hresult: optionalHresult(raw, field, HRESULT.S_OK) };
  const call = strictObject(raw, CALL_KEYS, field);
  const times = call.times === undefined ? -1 : call.times;
  if (typeof times !== 'number' || !Number.isInteger(times) || times < -1 || times > MAX_TIMES)
    throw bad(invalidValue, `${field}.times`, `must be a whole number of calls, got ${JSON.stringify(call.times)}`);
  const flag = (key: 'hang' | 'ignoresCancel') => {
    if (call[key] !== undefined && typeof call[key] !== 'boolean')
      throw bad(invalidType, `${field}.${key}`, `must be a boolean, got ${JSON.stringify(call[key])}`);
    return call[key] === true;
  };
  const hang = flag('hang');
  const ignoresCancel = flag('ignoresCancel');
  const delayMs = delayOf(call.delayMs, `${field}.delayMs`);
  if (ignoresCancel && !hang && delayMs === 0) throw bad(invalidValue, `${field}.ignoresCancel`, 'needs hang: true or a delayMs');
  return { hresult: optionalHresult(call.fail, `${field}.fail`, HRESULT.S_OK), times, delayMs, hang, ignoresCancel };
}

function stateOf(raw: unknown, field: string): number {
  if (raw === undefined) return WRITER_STATES.indexOf('stable');
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw < WRITER_STATES.length) return raw;
  const at = WRITER_STATES.indexOf(raw as (typeof WRITER_STATES)[number]);
  if (at < 0) throw bad(invalidValue, field, `must be one of ${WRITER_STATES.join(', ')}, got ${JSON.stringify(raw)}`);
  return at;
}

function text(raw: unknown, field: string): string {
  if (typeof raw !== 'string') throw bad(invalidType, field, `must be a string, got ${JSON.stringify(raw)}`);
  return raw;
}

function normalizeComponent(raw: unknown, field: string): WriterComponent {
  const c = strictObject(raw, ['name', 'logicalPath', 'files'], field);
  const files = c.files === undefined ? [] : c.files;
  if (!Array.isArray(files)) throw bad(invalidType, `${field}.files`, `must be an array of paths, got ${JSON.stringify(c.files)}`);
  return {
    name: text(c.name, `${field}.name`),
    logicalPath: c.logicalPath === undefined ? '' : text(c.logicalPath, `${field}.logicalPath`),
    files: files.map((f, i) => text(f, `${field}.files[${i}]`)),
  };
}

const escapeXml = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** A writer metadata document of the shape SaveAsXML writes, for a scenario that gives none. */
function metadataOf(writer: Omit<NormalizedWriter, 'metadataXml'>): string {
  const components = writer.components
    .map((c) => `<COMPONENT componentName="${escapeXml(c.name)}" logicalPath="${escapeXml(c.logicalPath)}" componentType="database"/>`)
    .join('');
  return `<?xml version="1.0"?><WRITER_METADATA writerId="${writer.writerId}" instanceId="${writer.instanceId}" friendlyName="${escapeXml(writer.name)}">${components}</WRITER_METADATA>`;
}

/** An instance id of its own, stable for the writer: its first hex digit inverted. */
const instanceOf = (writerId: string): string => `{${(parseInt(writerId[1], 16) ^ 0xf).toString(16).toUpperCase()}${writerId.slice(2)}`;

const WRITER_KEYS = ['writerId', 'instanceId', 'name', 'state', 'lastError', 'failsAt', 'components', 'metadataXml'] as const;

function normalizeWriter(raw: unknown, field: string): NormalizedWriter {
  const w = strictObject(raw, WRITER_KEYS, field);
  const writerId = checked(canonicalGuid, w.writerId, `${field}.writerId`);
  const components = w.components === undefined ? [] : w.components;
  if (!Array.isArray(components)) throw bad(invalidType, `${field}.components`, `must be an array, got ${JSON.stringify(w.components)}`);
  if (w.failsAt !== undefined && w.failsAt !== 'prepare' && w.failsAt !== 'snapshot')
    throw bad(invalidValue, `${field}.failsAt`, `must be "prepare" or "snapshot", got ${JSON.stringify(w.failsAt)}`);
  const writer = {
    writerId,
    instanceId: w.instanceId === undefined ? instanceOf(writerId) : checked(canonicalGuid, w.instanceId, `${field}.instanceId`),
    name: text(w.name, `${field}.name`),
    state: stateOf(w.state, `${field}.state`),
    lastError: optionalHresult(w.lastError, `${field}.lastError`, HRESULT.S_OK),
    failsAt: (w.failsAt as NormalizedWriter['failsAt'] | undefined) ?? null,
    components: components.map((c, i) => normalizeComponent(c, `${field}.components[${i}]`)),
  };
  return { ...writer, metadataXml: w.metadataXml === undefined ? metadataOf(writer) : text(w.metadataXml, `${field}.metadataXml`) };
}

function normalizeVolumes(raw: unknown, field: string): NormalizedVss['volumes'] {
  if (raw === undefined) return [];
  if (!isObject(raw)) throw bad(invalidType, field, `must be an object of mount point to volume name, got ${JSON.stringify(raw)}`);
  return Object.entries(raw).map(([mountPoint, volume]) => ({
    mountPoint,
    volume: text(volume, `${field}[${JSON.stringify(mountPoint)}]`),
  }));
}

/** The normalised `vss` section, every call scripted (success by default). */
export function normalizeVss(raw: unknown, field: string): NormalizedVss {
  const vss = strictObject(raw, ['writers', 'volumes', 'calls'], field);
  const calls = vss.calls === undefined ? {} : strictObject(vss.calls, VSS_CALLS, `${field}.calls`);
  if (vss.writers !== undefined && !Array.isArray(vss.writers))
    throw bad(invalidType, `${field}.writers`, `must be an array, got ${JSON.stringify(vss.writers)}`);
  const writers = ((vss.writers as unknown[] | undefined) ?? []).map((w, i) => normalizeWriter(w, `${field}.writers[${i}]`));
  const seen = new Set<string>();
  for (const [i, w] of writers.entries()) {
    if (seen.has(w.writerId)) throw bad(invalidValue, `${field}.writers[${i}].writerId`, `repeats ${w.writerId}`);
    seen.add(w.writerId);
  }
  return {
    writers,
    volumes: normalizeVolumes(vss.volumes, `${field}.volumes`),
    calls: Object.fromEntries(VSS_CALLS.map((call) => [call, normalizeCall(calls[call], `${field}.calls.${call}`)])) as Record<
      VssCall,
      NormalizedVssCall
    >,
  };
}
