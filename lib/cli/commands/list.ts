/**
 * `wsbapp list`: the applications registered with Windows Server Backup, and whether each
 * add-in can be activated (class registered, interfaces marshalled).
 */
import type { RegisteredApplication } from '../../index';
import { BACKEND_OPTIONS, noMorePositionals, parseCommandLine } from '../args';
import { withBackend } from '../backend';
import { BACKEND_FLAGS_HELP, SHARED_FLAGS_HELP, type Command } from '../command';
import { ExitCode } from '../exit-codes';
import type { CliIo } from '../io';
import { writeEvent } from '../ndjson';
import { printResult } from '../output';
import { interruptible } from '../interrupt';
import { factsSource, type RegistrationFacts } from '../registration';
import { styleFor, type Style } from '../style';

const HELP = `Usage: wsbapp list [options]

List the applications registered with Windows Server Backup: identifier, writer id, add-in
CLSID, whether the add-in's COM class is registered (LocalServer32 / InprocServer32), and
whether marshalling is registered for the three WSB interfaces. On Windows the registration
facts come from reg.exe; under --mock, from the scenario.

Options:
${BACKEND_FLAGS_HELP}
${SHARED_FLAGS_HELP}`;

type Listed = RegisteredApplication & RegistrationFacts;

function classWords(entry: Listed, style: Style): string {
  if (entry.clsid === null) return 'none (the application has no add-in)';
  if (entry.classRegistered === null) return 'unknown (no registry here)';
  if (!entry.classRegistered) return style.red('NOT registered (activation fails with REGDB_E_CLASSNOTREG)');
  return entry.server === null ? 'registered' : `registered: ${entry.server}`;
}

function render(entries: readonly Listed[], style: Style): string {
  if (entries.length === 0) return 'no applications are registered with Windows Server Backup';
  return entries
    .map((e) =>
      [
        style.bold(e.identifier),
        `  writer id    ${e.writerId}`,
        `  CLSID        ${e.clsid ?? '-'}`,
        `  add-in class ${classWords(e, style)}`,
        `  marshalling  ${e.marshalling === 'missing' ? style.red('MISSING for some WSB interfaces (run wsbapp doctor)') : e.marshalling}`,
      ].join('\n'),
    )
    .join('\n\n');
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, BACKEND_OPTIONS);
  noMorePositionals(positionals, 0);
  const json = values.json === true;
  const entries = await withBackend(values, io, (backend) =>
    interruptible(io, 'listing the applications', async () => {
      const [apps, factsOf] = await Promise.all([backend.listApplications(), factsSource(backend, io)]);
      return Promise.all(apps.map(async (app): Promise<Listed> => ({ ...app, ...(await factsOf(app)) })));
    }),
  );
  if (json) for (const entry of entries) writeEvent(io.stdout, 'application', entry);
  return printResult(io, json, { command: 'list', count: entries.length }, render(entries, styleFor(io.stdout, io.env)), ExitCode.OK);
}

export const listCommand: Command = { name: 'list', summary: 'list registered applications and their add-ins', help: HELP, run };
