/**
 * The last word of a successful or failed-verdict run: a `result` event with --json, a line
 * for humans otherwise. Both on stdout.
 */
import type { ExitCodeValue } from './exit-codes';
import type { CliIo } from './io';
import { writeEvent } from './ndjson';
import type { ResultBody } from './schema';

export function printResult(io: CliIo, json: boolean, fields: ResultBody, human: string, exitCode: ExitCodeValue): ExitCodeValue {
  if (json) writeEvent(io.stdout, 'result', { ...fields, exitCode });
  else io.stdout.write(`${human}\n`);
  return exitCode;
}
