/**
 * A command that lists things from the backend (`list`, `writers`): the backend flags and no
 * positionals, one interruptible fetch, one NDJSON line per entry with --json, then the result.
 */
import type { Backend } from '../index';
import { BACKEND_OPTIONS, noMorePositionals, parseCommandLine } from './args';
import { withBackend } from './backend';
import { ExitCode } from './exit-codes';
import { interruptible } from './interrupt';
import type { CliIo } from './io';
import { writeEvent } from './ndjson';
import { printResult } from './output';
import type { LineFields, ResultBody } from './schema';
import { styleFor, type Style } from './style';

export interface Listing<L extends 'application' | 'writer'> {
  /** What is being fetched, for the interrupt and drain messages: `listing the applications`. */
  readonly what: string;
  /** The NDJSON line type of one entry. */
  readonly line: L;
  fetch(backend: Backend, signal: AbortSignal, io: CliIo): Promise<LineFields[L][]>;
  result(entries: readonly LineFields[L][]): ResultBody;
  render(entries: readonly LineFields[L][], style: Style): string;
}

export async function runListing<L extends 'application' | 'writer'>(
  argv: readonly string[],
  io: CliIo,
  listing: Listing<L>,
): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, BACKEND_OPTIONS);
  noMorePositionals(positionals, 0);
  const json = values.json === true;
  io.trail.at(listing.what);
  const entries = await withBackend(values, io, (backend) =>
    interruptible(io, listing.what, (signal) => listing.fetch(backend, signal, io)),
  );
  if (json) for (const entry of entries) writeEvent(io.stdout, listing.line, entry);
  return printResult(io, json, listing.result(entries), listing.render(entries, styleFor(io.stdout, io.env)), ExitCode.OK);
}
