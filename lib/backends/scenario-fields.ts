/**
 * The field readers every part of a scenario is normalised with: each error they throw starts
 * with the JSON path of the bad value, and is located, so loadScenarioFile() can name the file,
 * the path and the problem apart.
 */
import { parseHresult } from '../hresult';
import { invalidType, invalidValue, outOfRange, type InputError } from '../input-errors';
import { rejectUnknownKeys } from '../strict';
import { MAX_DURATION_MS } from '../validate';

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Where each error thrown while normalising is: its JSON path, and the problem without it. Every
 * message here starts with the path, so the error reads alone; loadScenarioFile() uses the parts.
 */
const locations = new WeakMap<object, { readonly path: string; readonly problem: string }>();

/** `error`, whose message starts with `path`, located. */
export function located<E extends Error>(path: string, error: E): E {
  locations.set(error, { path, problem: error.message.slice(path.length).replace(/^:?\s*/, '') });
  return error;
}

/** A bad value at `path`: `make` (invalidType, invalidValue, outOfRange) with "PATH PROBLEM". */
export function bad(make: (message: string) => InputError, path: string, problem: string): InputError {
  return located(path, make(`${path} ${problem}`));
}

/** `check(value, path)` (parseHresult, canonicalGuid), its failure located at `path`. */
export function checked<T>(check: (value: unknown, path: string) => T, value: unknown, path: string): T {
  try {
    return check(value, path);
  } catch (error) {
    throw error instanceof Error && error.message.startsWith(path) ? located(path, error) : error;
  }
}

/** Refuses a key not in `allowed`: "PATH: unknown key 'statuss' (did you mean 'statuses'?)". */
export function rejectUnknown(value: Record<string, unknown>, allowed: readonly string[], path: string): void {
  try {
    rejectUnknownKeys(value, allowed, 'key');
  } catch (error) {
    throw located(path, invalidValue(`${path}: ${(error as Error).message}`));
  }
}

/** An object at `field` whose keys are all in `allowed`. */
export function strictObject(value: unknown, allowed: readonly string[], field: string): Record<string, unknown> {
  if (!isObject(value)) throw bad(invalidType, field, `must be an object, got ${JSON.stringify(value)}`);
  rejectUnknown(value, allowed, field);
  return value;
}

export function delayOf(value: unknown, field: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_DURATION_MS) {
    throw bad(
      outOfRange,
      field,
      `must be a number of milliseconds in [0, ${MAX_DURATION_MS}], got ${typeof value === 'number' ? String(value) : JSON.stringify(value)}`,
    );
  }
  return Math.ceil(value);
}

export function optionalHresult(value: unknown, field: string, fallback: number): number {
  return value === undefined ? fallback : checked(parseHresult, value, field);
}

/** Where a located error is (its JSON path, and the problem without it), or undefined. */
export function locationOf(error: unknown): { readonly path: string; readonly problem: string } | undefined {
  return typeof error === 'object' && error !== null ? locations.get(error) : undefined;
}
