/**
 * `wsbapp writers`: the machine's VSS writers (what `vssadmin list writers` shows), with their
 * components, the volumes those live on, and which writers have a WSB add-in. No snapshot is made.
 */
import { listWriters, type ListedWriter } from '../../index';
import { BACKEND_FLAGS_HELP, SHARED_FLAGS_HELP, type Command } from '../command';
import { codeLabel } from '../status-text';
import { runListing, type Listing } from '../listing';
import type { Style } from '../style';

const HELP = `Usage: wsbapp writers [options]

List the machine's VSS writers: name, writer id, instance id, state and last error, as
'vssadmin list writers' does, plus each writer's components (logical path, files, the volumes
they live on) and the WSB application registered for it. A writer without one gets no
consistency check from Windows Server Backup. Gathering asks every writer; nothing is snapshotted.
Needs an elevated prompt (Administrators or Backup Operators) on Windows.

Options:
${BACKEND_FLAGS_HELP}
${SHARED_FLAGS_HELP}`;

function stateWords(writer: ListedWriter, style: Style): string {
  const error = writer.lastError === 0 ? 'no error' : `last error ${codeLabel(writer.lastError)}`;
  const state = writer.stateName.startsWith('failed') ? style.red(writer.stateName) : writer.stateName;
  return `${state}, ${error}`;
}

function addinWords(writer: ListedWriter, style: Style): string {
  if (writer.application === null) return style.dim('(not registered with WSB)');
  if (writer.application.clsid === null) return style.dim(`(WSB application ${writer.application.identifier}, no add-in)`);
  return `WSB add-in: ${writer.application.identifier}`;
}

const hasAddin = (writer: ListedWriter): boolean => writer.application !== null && writer.application.clsid !== null;

function render(writers: readonly ListedWriter[], style: Style): string {
  if (writers.length === 0) return 'VSS reported no writers';
  return writers
    .map((w) =>
      [
        `${style.bold(w.name)}  ${addinWords(w, style)}`,
        `  writer id    ${w.writerId}`,
        `  instance id  ${w.instanceId}`,
        `  state        ${stateWords(w, style)}`,
        ...w.components.flatMap((c) => [
          `  component    ${c.logicalPath === '' ? c.name : `${c.logicalPath}\\${c.name}`}`,
          ...c.files.map((f) => `    file       ${f}`),
          `    volumes    ${c.volumes.length === 0 ? '(none found)' : c.volumes.join(', ')}`,
        ]),
      ].join('\n'),
    )
    .join('\n\n');
}

const LISTING: Listing<'writer'> = {
  what: 'gathering the VSS writers',
  line: 'writer',
  fetch: (backend, signal) => listWriters({ backend, signal }),
  result: (writers) => ({ command: 'writers', count: writers.length, withAddin: writers.filter(hasAddin).length }),
  render,
};

export const writersCommand: Command = {
  name: 'writers',
  summary: "list the machine's VSS writers, their components and WSB add-ins",
  help: HELP,
  run: (argv, io) => runListing(argv, io, LISTING),
};
