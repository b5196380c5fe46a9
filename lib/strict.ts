/**
 * Strict objects: an unknown key in options, a request or a scenario is a typo until proven
 * otherwise, and a typo that is silently ignored makes a test pass without testing anything.
 */
import { invalidValue } from './input-errors';

/** The edit distance of `a` and `b` (insertions, deletions, substitutions), case-insensitive. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= y.length; j += 1) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[y.length];
}

/** The allowed key nearest to `key`, when it is near enough to be the likely intent. */
export function nearestKey(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const d = distance(key, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // A third of the key's length (at least 2 edits) separates a typo from a different word.
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/**
 * Throw a TypeError (`ERR_INVALID_ARG_VALUE`) for the first own key of `object` that is not in
 * `allowed`: `unknown option 'intervl' (did you mean 'interval'?)`.
 * @param what how the message names a key: `option`, `key in request`, `key at scenario.applications[0]`
 */
export function rejectUnknownKeys(object: object, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(object)) {
    if (allowed.includes(key)) continue;
    const near = nearestKey(key, allowed);
    const hint = near === undefined ? `; valid keys: ${allowed.map((k) => `'${k}'`).join(', ')}` : ` (did you mean '${near}'?)`;
    throw invalidValue(`unknown ${what} '${key}'${hint}`);
  }
}
