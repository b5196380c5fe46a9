/**
 * Durations on the command line: seconds by default, as wbadmin and PowerShell take them
 * (`600` is ten minutes), or with a unit (`250ms`, `30s`, `5m`, `1h`). The library keeps
 * milliseconds, as Node does.
 */
import { MAX_DURATION_MS } from '../validate';
import { UsageError } from './usage-error';

/** The help's sentence about DURATION, for every command that takes one. */
export const DURATION_HELP = 'DURATION is seconds (600) or a number with ms, s, m or h (250ms, 30s, 5m, 1h).';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Parse `text` given to `flag` into milliseconds; a UsageError naming the flag when it is not a positive duration. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] ?? 's'] : Number.NaN;
  if (!(ms > 0 && ms <= MAX_DURATION_MS)) {
    throw new UsageError(
      `${flag} must be a positive duration in seconds (600) or with a unit (250ms, 30s, 5m, 1h), at most 24 days, got ${JSON.stringify(text)}`,
    );
  }
  return ms;
}

/** The shortest exact form of `ms` in the units parseDuration accepts: `1s`, `15s`, `30m`, `250ms`. */
export function formatDuration(ms: number): string {
  const unit = ['h', 'm', 's'].find((u) => ms % UNIT_MS[u] === 0);
  return unit === undefined ? `${ms}ms` : `${ms / UNIT_MS[unit]}${unit}`;
}
