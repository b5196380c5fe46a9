/**
 * Writing the machine output of `--json`: one JSON object per line (NDJSON), `v` and `type`
 * first. What each line holds is typed in schema.ts.
 */
import type { OutputStream } from './io';
import { NDJSON_SCHEMA_VERSION, type LineFields, type LineType } from './schema';

/** One NDJSON line: `{"v":1,"type":...,...fields}`. */
export function ndjsonLine<T extends LineType>(type: T, fields: LineFields[T]): string {
  const stamp = { v: NDJSON_SCHEMA_VERSION, type };
  // v and type lead every line (key order is insertion order), and no field can override them.
  return `${JSON.stringify(Object.assign({}, stamp, fields, stamp))}\n`;
}

export function writeEvent<T extends LineType>(stream: OutputStream, type: T, fields: LineFields[T]): void {
  stream.write(ndjsonLine(type, fields));
}
