/**
 * `wsbapp explain <hresult>`: take an HRESULT apart and say what it means for a WSB client,
 * loudly when it is the "in progress" code that SUCCEEDED() mistakes for success.
 */
import { classifyStatus, decode, explain, parseHresult, symbolsOf, toSigned, type StatusState } from '../../index';
import { systemMessageOf } from '../../backends/system-message';
import { noMorePositionals, parseCommandLine } from '../args';
import { SHARED_FLAGS_HELP, type Command } from '../command';
import { ExitCode } from '../exit-codes';
import type { CliIo } from '../io';
import { writeEvent } from '../ndjson';
import type { ExplainResultFields } from '../schema';
import { meaningOf } from '../status-text';
import { styleFor, type Style } from '../style';
import { UsageError } from '../usage-error';

const HELP = `Usage: wsbapp explain HRESULT

Decode an HRESULT: severity, facility, code, its symbol and what it means to a WSB client
(on Windows also the system's own message for it).
HRESULT is hex (0x807A0001), unsigned decimal (2155479041), negative decimal (-2139488255)
or a symbol (E_ACCESSDENIED, ERROR_FILE_NOT_FOUND): every symbol of Windows' winerror.h and
vsserror.h and of the WSB SDK is known.

Options:
${SHARED_FLAGS_HELP}`;

const VERDICT: Readonly<Record<StatusState, (style: Style) => string>> = {
  running: (s) =>
    `${s.yellow(s.bold('IN PROGRESS, NOT SUCCESS'))}: as a QueryStatus status the operation is still running; keep polling. SUCCEEDED() is true for this code, so never stop polling on SUCCEEDED()`,
  succeeded: (s) => `${s.green(s.bold('SUCCESS'))}: as a QueryStatus status the operation is done and the component consistent`,
  'succeeded-undocumented': (s) =>
    `${s.yellow(s.bold('SUCCESS CODE'))} that the WSB API does not define: as a status it ends the operation as a success`,
  failed: (s) => `${s.red(s.bold('FAILURE'))}`,
};

/** Negative decimals look like short flags to parseArgs: set them aside before parsing. */
function splitNegativeNumbers(argv: readonly string[]): { rest: string[]; numbers: string[] } {
  const isNumber = (t: string): boolean => /^-\d+$/.test(t);
  return { rest: argv.filter((t) => !isNumber(t)), numbers: argv.filter(isNumber) };
}

function parseInput(text: string | undefined): number {
  if (text === undefined) throw new UsageError('missing HRESULT (e.g. wsbapp explain 0x807A0001)');
  try {
    return parseHresult(text, 'HRESULT');
  } catch {
    throw new UsageError(
      `not an HRESULT: ${JSON.stringify(text)} (give hex 0x80004005, decimal 2147500037, negative decimal -2147467259 or a symbol such as E_FAIL)`,
    );
  }
}

/** Everything explain prints, as the `result` event carries it; `systemMessage` is Windows' text, where there is one. */
export function explanationOf(hresult: number, systemMessage?: string): ExplainResultFields {
  const d = decode(hresult);
  const state = classifyStatus(hresult);
  return {
    command: 'explain',
    hresult: d.hresult,
    hex: d.hex,
    signed: toSigned(d.hresult),
    symbol: d.symbol ?? null,
    aliases: symbolsOf(d.hresult).slice(1),
    state,
    inProgress: state === 'running',
    failed: d.failed,
    severityBits: d.severityBits,
    facility: d.facility,
    facilityName: d.facilityName,
    code: d.code,
    win32Error: d.win32Error ?? null,
    meaning: d.meaning ?? null,
    systemMessage: systemMessage ?? null,
    explanation: explain(d.hresult),
  };
}

function render(e: ExplainResultFields, style: Style): string {
  const win32 = e.win32Error === null ? '' : `, Win32 error ${e.win32Error}`;
  return [
    `${style.bold(e.hex)}${e.symbol ? ` ${e.symbol}` : ''}${e.aliases.length ? ` (also ${e.aliases.join(', ')})` : ''}`,
    `verdict:   ${VERDICT[e.state](style)}`,
    `decimal:   ${e.hresult} (signed ${e.signed})`,
    `bits:      severity ${e.severityBits.toString(2).padStart(2, '0')} (${e.failed ? 'FAILED' : 'not FAILED'}), facility ${e.facilityName} (0x${e.facility.toString(16).toUpperCase()}), code ${e.code}${win32}`,
    `meaning:   ${meaningOf(e.hresult)}`,
    ...(e.systemMessage === null ? [] : [`system:    ${e.systemMessage}`]),
    '',
  ].join('\n');
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { rest, numbers } = splitNegativeNumbers(argv);
  const { values, positionals } = parseCommandLine(rest, {});
  const inputs = [...positionals, ...numbers];
  noMorePositionals(inputs, 1);
  const hresult = parseInput(inputs[0]);
  const explanation = explanationOf(hresult, systemMessageOf(hresult, io.platform));
  if (values.json) writeEvent(io.stdout, 'result', { ...explanation, exitCode: ExitCode.OK });
  else io.stdout.write(render(explanation, styleFor(io.stdout, io.env)));
  return ExitCode.OK;
}

export const explainCommand: Command = {
  name: 'explain',
  summary: 'decode an HRESULT (hex, decimal, negative decimal or symbol)',
  help: HELP,
  run,
};
