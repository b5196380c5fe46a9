/**
 * `wsbapp list`: the applications registered with Windows Server Backup, and whether each
 * add-in can be activated (class registered, interfaces marshalled).
 */
import type { RegisteredApplication } from '../../index';
import { BACKEND_FLAGS_HELP, SHARED_FLAGS_HELP, type Command } from '../command';
import { factsSource, type RegistrationFacts } from '../registration';
import { runListing, type Listing } from '../listing';
import type { Style } from '../style';

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

const LISTING: Listing<'application'> = {
  what: 'listing the applications',
  line: 'application',
  async fetch(backend, _signal, io) {
    const [apps, factsOf] = await Promise.all([backend.listApplications(), factsSource(backend, io)]);
    return Promise.all(apps.map(async (app): Promise<Listed> => ({ ...app, ...(await factsOf(app)) })));
  },
  result: (entries) => ({ command: 'list', count: entries.length }),
  render,
};

export const listCommand: Command = {
  name: 'list',
  summary: 'list registered applications and their add-ins',
  help: HELP,
  run: (argv, io) => runListing(argv, io, LISTING),
};
