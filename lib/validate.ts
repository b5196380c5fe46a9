/**
 * Input validation, before anything reaches a backend. Every failure is a TypeError or
 * RangeError that names the field and shows the value, with Node's code (lib/input-errors.ts):
 * ERR_INVALID_ARG_TYPE for a wrong type, ERR_INVALID_ARG_VALUE for a wrong shape or an unknown
 * key, ERR_OUT_OF_RANGE for a length, count, number or character past its limit. The native
 * layer checks again.
 */
import type { ComponentRef, VolumePair } from './backends/types';
import { canonicalGuid, GUID_DIGITS } from './guid';
import { invalidType, invalidValue, outOfRange } from './input-errors';
import { rejectUnknownKeys } from './strict';

/** The longest string a name or path may be: the Windows extended-length path limit, in UTF-16 units. */
export const MAX_STRING_UNITS = 32_767;
/**
 * The longest writer metadata document, in UTF-16 units. Real writer metadata (an XML list of
 * every file a writer reports) routinely exceeds 32,767 units, so it gets its own, larger cap.
 */
export const MAX_WRITER_METADATA_UNITS = 16 * 1024 * 1024;
/** At most this many volume pairs: VSS puts at most 64 volumes in one shadow copy set. */
export const MAX_VOLUMES = 64;
/** At most this many components in one OrderComponents call. */
export const MAX_COMPONENTS = 4096;
/** The longest timer Node can arm (2^31 - 1 ms, about 24.8 days). */
export const MAX_DURATION_MS = 2_147_483_647;

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}

/** A required string: non-empty, no NUL, at most `max` UTF-16 units. */
export function requireString(value: unknown, field: string, max = MAX_STRING_UNITS): string {
  if (typeof value !== 'string') throw invalidType(`${field} must be a string, got ${show(value)}`);
  if (value.length === 0) throw outOfRange(`${field} must not be empty`);
  return checkString(value, field, max);
}

/** An optional string: undefined or null become null (a NULL LPWSTR); otherwise as requireString. */
export function optionalString(value: unknown, field: string, max = MAX_STRING_UNITS): string | null {
  if (value === undefined || value === null) return null;
  return requireString(value, field, max);
}

function checkString(value: string, field: string, max: number): string {
  if (value.length > max) throw outOfRange(`${field} is ${value.length} UTF-16 units long; the limit is ${max}`);
  const nul = value.indexOf('\0');
  if (nul >= 0) throw outOfRange(`${field} contains a NUL character at index ${nul}: ${show(value)}`);
  return value;
}

/** A writer id: a GUID, returned as `{UPPER-CASE}`. */
export function requireGuid(value: unknown, field: string): string {
  requireString(value, field);
  return canonicalGuid(value, field);
}

const VOLUME_GUID = new RegExp(`^\\\\\\\\\\?\\\\Volume\\{${GUID_DIGITS}\\}\\\\?$`, 'i');
const SHADOW_DEVICE = /^\\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy\d+\\?$/i;
const DRIVE_ROOT = /^[a-z]:\\?$/i;
const MOUNT_FOLDER = /^[a-z]:\\(?:[^\\/:*?"<>|\0]+\\)*[^\\/:*?"<>|\0]+\\?$/i;

/**
 * A volume path. Accepted: `\\?\Volume{GUID}\`, a shadow copy device
 * `\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopyN\`, a drive root `C:\` and a mount folder
 * `C:\mnt\data\`. The trailing backslash is added when missing (WSB passes it).
 * Rejected: relative paths, forward slashes, UNC shares and anything else.
 */
export function requireVolumePath(value: unknown, field: string): string {
  const path = requireString(value, field);
  if (!(VOLUME_GUID.test(path) || SHADOW_DEVICE.test(path) || DRIVE_ROOT.test(path) || MOUNT_FOLDER.test(path))) {
    throw outOfRange(
      `${field} must be a volume path such as \\\\?\\Volume{GUID}\\, \\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1\\ or C:\\, got ${show(path)}`,
    );
  }
  return path.endsWith('\\') ? path : `${path}\\`;
}

const VOLUME_PAIR_KEYS: readonly (keyof VolumePair)[] = ['source', 'snapshot'];
const COMPONENT_KEYS: readonly (keyof ComponentRef)[] = ['name', 'logicalPath'];

/** Volume pairs: an array of {source, snapshot}, both sides present, sources distinct, at most MAX_VOLUMES. */
export function requireVolumes(value: unknown, field: string): VolumePair[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidType(`${field} must be an array of { source, snapshot }, got ${show(value)}`);
  if (value.length > MAX_VOLUMES) throw outOfRange(`${field} has ${value.length} pairs; the maximum is ${MAX_VOLUMES}`);
  const seen = new Set<string>();
  return value.map((pair: unknown, i) => {
    const at = `${field}[${i}]`;
    if (typeof pair !== 'object' || pair === null) throw invalidType(`${at} must be an object { source, snapshot }, got ${show(pair)}`);
    rejectUnknownKeys(pair, VOLUME_PAIR_KEYS, `key in ${at}`);
    const { source, snapshot } = pair as Record<string, unknown>;
    if (source === undefined || snapshot === undefined) {
      throw invalidValue(`${at} is unpaired: it needs both source and snapshot, got source ${show(source)} and snapshot ${show(snapshot)}`);
    }
    const checked = { source: requireVolumePath(source, `${at}.source`), snapshot: requireVolumePath(snapshot, `${at}.snapshot`) };
    const key = checked.source.toLowerCase();
    if (seen.has(key)) throw outOfRange(`${at}.source repeats volume ${show(checked.source)}`);
    seen.add(key);
    return checked;
  });
}

/** A duration in milliseconds: finite, > 0 and armable by a Node timer. */
export function requireDuration(value: unknown, field: string): number {
  if (typeof value !== 'number') throw invalidType(`${field} must be a number of milliseconds, got ${show(value)}`);
  if (!Number.isFinite(value) || value <= 0 || value > MAX_DURATION_MS) {
    throw outOfRange(`${field} must be a finite number of milliseconds in (0, ${MAX_DURATION_MS}], got ${show(value)}`);
  }
  return value;
}

/** A number >= 1 (a backoff multiplier). */
export function requireFactor(value: unknown, field: string): number {
  if (typeof value !== 'number') throw invalidType(`${field} must be a number, got ${show(value)}`);
  if (!Number.isFinite(value) || value < 1 || value > 100)
    throw outOfRange(`${field} must be a finite number in [1, 100], got ${show(value)}`);
  return value;
}

export function requireBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw invalidType(`${field} must be a boolean, got ${show(value)}`);
  return value;
}

export function optionalFunction<F extends (...args: never[]) => unknown>(value: unknown, field: string): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw invalidType(`${field} must be a function, got ${show(value)}`);
  return value as F;
}

export function optionalSignal(value: unknown, field: string): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) throw invalidType(`${field} must be an AbortSignal, got ${show(value)}`);
  return value;
}

/** An object argument (the request or the options bag). */
export function requireObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalidType(`${field} must be an object, got ${show(value)}`);
  return value as Record<string, unknown>;
}

/** An object argument whose keys must all be in `allowed`: a typo is an error naming the key and the nearest valid one. */
export function requireStrictObject(value: unknown, field: string, allowed: readonly string[]): Record<string, unknown> {
  const object = requireObject(value, field);
  rejectUnknownKeys(object, allowed, `key in ${field}`);
  return object;
}

export function optionalObject(value: unknown, field: string): Record<string, unknown> {
  return value === undefined ? {} : requireObject(value, field);
}

/** Components for OrderComponents: 1..MAX_COMPONENTS of {name, logicalPath}, names unique per path. */
export function requireComponents(value: unknown, field: string): ComponentRef[] {
  if (!Array.isArray(value)) throw invalidType(`${field} must be an array of { name, logicalPath }, got ${show(value)}`);
  if (value.length === 0 || value.length > MAX_COMPONENTS) {
    throw outOfRange(`${field} must hold 1 to ${MAX_COMPONENTS} components, got ${value.length}`);
  }
  return value.map((c: unknown, i) => {
    const at = `${field}[${i}]`;
    const entry = requireStrictObject(c, at, COMPONENT_KEYS);
    const logicalPath = entry.logicalPath === undefined ? '' : entry.logicalPath;
    if (typeof logicalPath !== 'string') throw invalidType(`${at}.logicalPath must be a string, got ${show(logicalPath)}`);
    return {
      name: requireString(entry.name, `${at}.name`),
      logicalPath: logicalPath === '' ? '' : checkString(logicalPath, `${at}.logicalPath`, MAX_STRING_UNITS),
    };
  });
}
