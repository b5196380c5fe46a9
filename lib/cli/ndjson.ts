/**
 * The machine output of `--json`: one JSON object per line (NDJSON), each with the schema
 * version `v` and a `type`. The schema is documented in README ("Machine output"); change it only by
 * bumping SCHEMA_VERSION.
 */
import type { OutputStream } from './io';

export const SCHEMA_VERSION = 1;

/** The kinds of line a run can print. Every successful run ends with one `result`, every failed one with one `error`. */
export type EventType = 'status' | 'warning' | 'application' | 'diagnosis' | 'rule' | 'result' | 'error';

/** One NDJSON line: `{"v":1,"type":...,...fields}`. */
export function ndjsonLine(type: EventType, fields: object): string {
  const stamp = { v: SCHEMA_VERSION, type };
  // v and type lead every line (key order is insertion order), and no field can override them.
  return `${JSON.stringify(Object.assign({}, stamp, fields, stamp))}\n`;
}

export function writeEvent(stream: OutputStream, type: EventType, fields: object): void {
  stream.write(ndjsonLine(type, fields));
}
