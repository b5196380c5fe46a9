/**
 * The last word of a successful or failed-verdict run: a `result` event with --json, a line
 * for humans otherwise. Both on stdout.
 */
import type { CliIo } from './io';
import { writeEvent } from './ndjson';

/** What every `result` event carries: the command (`check`, `restore pre`, ...) and more. */
export interface ResultFields {
  readonly command: string;
  readonly [field: string]: unknown;
}

export function printResult(io: CliIo, json: boolean, fields: ResultFields, human: string, exitCode: number): number {
  if (json) writeEvent(io.stdout, 'result', { ...fields, exitCode });
  else io.stdout.write(`${human}\n`);
  return exitCode;
}
